import { describe, expect, it } from 'vitest';
import { replyClass } from './reply.js';
import { describeReplyCode, replyCodes } from './reply-codes.js';

/** Every code /work/shared/spec/server-behaviour.md makes the server send. */
const SERVER_CODES = [
  220, 250, 501, 503, 555, 552, 553, 452, 554, 354, 221, 214, 252, 251, 550, 502, 500, 421, 235, 535, 504,
  538, 521,
];

describe('describeReplyCode', () => {
  it('knows every code the server sends', () => {
    for (const code of SERVER_CODES) expect(describeReplyCode(code).known, String(code)).toBe(true);
  });

  it('knows the codes of RFC 4954, RFC 7504 and RFC 3207', () => {
    for (const code of [235, 334, 432, 454, 530, 534, 535, 538, 521, 556]) {
      expect(describeReplyCode(code).known, String(code)).toBe(true);
    }
  });

  it('describes a known code', () => {
    const info = describeReplyCode(550);
    expect(info).toMatchObject({ code: 550, class: 'permanent', known: true, title: 'Mailbox unavailable' });
    expect(info.rfcs).toContain('RFC 5321');
  });

  it('builds a description from the digits of a code no RFC defines', () => {
    const info = describeReplyCode(559);
    expect(info.known).toBe(false);
    expect(info.class).toBe('permanent');
    expect(info.description).toContain('mail system');
    expect(describeReplyCode(239).description).toContain('No RFC defines 239.');
    expect(describeReplyCode(120).class).toBe('preliminary');
  });

  it('refuses what is not a reply code', () => {
    expect(() => describeReplyCode(99)).toThrow(RangeError);
    expect(() => describeReplyCode(600)).toThrow(RangeError);
    expect(() => describeReplyCode(250.5)).toThrow(RangeError);
  });

  it('keeps its table consistent', () => {
    for (const [code, info] of replyCodes) {
      expect(info.code).toBe(code);
      expect(info.class).toBe(replyClass(code));
      expect(info.title.length).toBeGreaterThan(3);
      expect(info.description).toMatch(/\.$/);
      expect(info.rfcs.length).toBeGreaterThan(0);
    }
  });
});
