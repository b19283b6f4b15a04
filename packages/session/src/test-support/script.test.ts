import { describe, expect, it } from 'vitest';
import { runScript, unescapeScript } from './script.js';

const POLICY = { hostname: 'mx.example.test' };

describe('script harness', () => {
  it('passes a matching script', () => {
    expect(runScript(POLICY, 'S: 220 mx.example.test ESMTP *\nC: NOOP\nS: 250 2.0.0 Ok').failures).toEqual(
      [],
    );
  });

  it('reports a reply that differs', () => {
    const { failures } = runScript(POLICY, 'S: 220 *\nC: NOOP\nS: 251 2.0.0 Ok');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('250 2.0.0 Ok');
  });

  it('reports replies nobody expected, and expectations nothing answered', () => {
    expect(runScript(POLICY, 'S: 220 *\nC: NOOP').failures).toHaveLength(1);
    expect(runScript(POLICY, 'S: 220 *\nS: 250 *').failures).toHaveLength(1);
  });

  it('checks @closed and @open', () => {
    expect(runScript(POLICY, 'S: 220 *\n@closed').failures).toHaveLength(1);
    expect(runScript(POLICY, 'S: 220 *\nC: QUIT\nS: 221 *\n@open').failures).toHaveLength(1);
  });

  it('lets ... match any number of lines, and only lines', () => {
    expect(runScript(POLICY, 'S: 220 *\nC: EHLO x\nS: 250-*\nS: ...\nS: 250 HELP').failures).toEqual([]);
    expect(runScript(POLICY, 'S: 220 *\nC: EHLO x\nS: 250-*\nS: ...\nS: 250 NOPE').failures).toHaveLength(1);
  });

  it('unescapes octets and refuses unknown escapes', () => {
    expect([...unescapeScript('a\\r\\n\\0\\xff\\\\é')]).toEqual([
      0x61, 0x0d, 0x0a, 0x00, 0xff, 0x5c, 0xc3, 0xa9,
    ]);
    expect(() => unescapeScript('\\q')).toThrow(SyntaxError);
  });
});
