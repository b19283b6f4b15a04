/** The reply grammar every check reads replies with (RFC 5321 §4.2), checked on good and bad replies. */
import { describe, expect, it } from 'vitest';
import { replyProblem, takeReply } from './reply-check.js';

describe('replyProblem', () => {
  it('accepts single-line and multi-line replies', () => {
    expect(replyProblem('250 2.0.0 Ok\r\n')).toBeUndefined();
    expect(replyProblem('250-mx.test\r\n250-PIPELINING\r\n250 SIZE 100\r\n')).toBeUndefined();
    expect(replyProblem('354\r\n')).toBeUndefined();
  });

  it('refuses what is not exactly one well-formed reply', () => {
    for (const bad of [
      '250 Ok',
      '250 Ok\n',
      '250-a\r\n',
      '250-a\r\n251 b\r\n',
      '250 a\r\n250 b\r\n',
      '600 no\r\n',
      '25 short\r\n',
      '250 a\rb\r\n',
      '250 a\0\r\n',
      `250 ${'x'.repeat(600)}\r\n`,
    ]) {
      expect(replyProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
  });
});

describe('takeReply', () => {
  it('takes one complete reply and leaves the rest', () => {
    const taken = takeReply('250-a\r\n250 b\r\n221 bye\r\n');
    expect(taken?.reply).toMatchObject({ code: 250, lines: ['a', 'b'] });
    expect(taken?.rest).toBe('221 bye\r\n');
    expect(takeReply('250-a\r\n250 b')).toBeUndefined();
    expect(takeReply('550 5.1.1 no\r\n')?.reply.enhanced).toBe('5.1.1');
  });

  it('throws on a malformed reply', () => {
    expect(() => takeReply('hello\r\n')).toThrow(/malformed/);
  });
});
