import { parseTranscript, plainRange } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { hoverAt, rangeContains } from './hover-content.js';

const TRANSCRIPT = [
  '@set user alice', // 0
  'S: 220 *', // 1
  'C: EHLO client.example.test', // 2
  'S: 250-mx.example.test', // 3
  'S: 250-PIPELINING', // 4
  'S: 250 SIZE 1000', // 5
  'C: MAIL FROM:<alice@example.test> SIZE=120 BODY=8BITMIME', // 6
  'S: 250 2.1.0 Ok', // 7
  'C: RCPT TO:<bob@example.test> NOTIFY=NEVER', // 8
  'S: 5xx 5.1.1 *', // 9
  'C: VRFY {{user}}', // 10
  'S: 252 PIPELINING is not a keyword here', // 11
  'C: XCLIENT NAME=x', // 12
  'S: 250 {{env:GREETING}}', // 13
  '@timeout 5s', // 14
  'C: QUIT', // 15
  'S: 221 *', // 16
  '',
].join('\n');

const file = parseTranscript(TRANSCRIPT);
/** The hover at the first occurrence of `needle` on `line` (plus `offset` characters). */
function hoverOn(line: number, needle: string, offset = 0) {
  const column = TRANSCRIPT.split('\n')[line]!.indexOf(needle);
  expect(column, `"${needle}" on line ${line}`).toBeGreaterThanOrEqual(0);
  return hoverAt(file, { line, character: column + offset });
}

describe('hoverAt', () => {
  it('explains a verb, with its syntax and meaning, over the verb only', () => {
    const hover = hoverOn(2, 'EHLO', 2);
    expect(hover?.markdown).toContain('**EHLO**');
    expect(hover?.markdown).toContain('EHLO <domain>');
    expect(hover?.markdown).toContain('RFC 5321');
    expect(plainRange(hover!.range)).toEqual({
      start: { line: 2, character: 3 },
      end: { line: 2, character: 7 },
    });
    expect(hoverOn(2, 'client')).toBeUndefined();
  });

  it('explains private X verbs as private extensions', () => {
    expect(hoverOn(12, 'XCLIENT')?.markdown).toMatch(/private extension/i);
  });

  it('explains ESMTP parameters of MAIL and RCPT', () => {
    expect(hoverOn(6, 'SIZE=')?.markdown).toMatch(/\*\*SIZE\*\* \(MAIL parameter\)/);
    expect(hoverOn(6, 'BODY=', 6)?.markdown).toMatch(/\*\*BODY\*\*/);
    expect(hoverOn(8, 'NOTIFY')?.markdown).toMatch(/\*\*NOTIFY\*\* \(RCPT parameter\)/);
  });

  it('explains reply codes, wildcards included', () => {
    const hover = hoverOn(7, '250', 1);
    expect(hover?.markdown).toMatch(/^\*\*250\*\*/);
    expect(hover?.markdown).toContain('positive completion');
    expect(hoverOn(9, '5xx')?.markdown).toMatch(/\*\*5xx\*\* matches reply codes 500–599/);
  });

  it('explains enhanced status codes (RFC 3463)', () => {
    const success = hoverOn(7, '2.1.0');
    expect(success?.markdown).toMatch(/^\*\*2\.1\.0\*\*/);
    expect(plainRange(success!.range)).toEqual({
      start: { line: 7, character: 7 },
      end: { line: 7, character: 12 },
    });
    expect(hoverOn(9, '5.1.1', 4)?.markdown).toMatch(/permanent failure/);
  });

  it('explains EHLO keywords in the reply to EHLO, and only there', () => {
    expect(hoverOn(4, 'PIPELINING')?.markdown).toMatch(/\*\*PIPELINING\*\* \(EHLO keyword\)/);
    expect(hoverOn(5, 'SIZE')?.markdown).toMatch(/\*\*SIZE\*\* \(EHLO keyword\)/);
    expect(hoverOn(5, '1000')).toBeUndefined();
    expect(hoverOn(3, 'mx.example')).toBeUndefined();
    expect(hoverOn(11, 'PIPELINING')).toBeUndefined();
  });

  it('explains directives over their name', () => {
    expect(hoverOn(14, '@timeout', 3)?.markdown).toMatch(/\*\*@timeout\*\*/);
    expect(hoverOn(14, '5s')).toBeUndefined();
  });

  it('says where a variable is set, and which environment variable is read', () => {
    expect(hoverOn(10, '{{user}}', 3)?.markdown).toContain('Set at line 1: `alice`');
    expect(hoverOn(13, 'GREETING')?.markdown).toContain('environment variable `GREETING`');
  });

  it('has nothing for comments, blank lines, message text or positions past the end', () => {
    const body = parseTranscript('S: 220 *\nC: DATA\nS: 354 *\nC: MAIL FROM:<x@y>\nC: .\nS: 250 *\n# EHLO\n');
    expect(hoverAt(body, { line: 3, character: 4 })).toBeUndefined();
    expect(hoverAt(body, { line: 6, character: 3 })).toBeUndefined();
    expect(hoverAt(body, { line: 40, character: 0 })).toBeUndefined();
  });
});

describe('rangeContains', () => {
  const range = { start: { line: 1, character: 4 }, end: { line: 2, character: 2 } };
  it('includes the start and excludes the end', () => {
    expect(rangeContains(range, { line: 1, character: 4 })).toBe(true);
    expect(rangeContains(range, { line: 1, character: 99 })).toBe(true);
    expect(rangeContains(range, { line: 2, character: 1 })).toBe(true);
    expect(rangeContains(range, { line: 2, character: 2 })).toBe(false);
    expect(rangeContains(range, { line: 1, character: 3 })).toBe(false);
    expect(rangeContains(range, { line: 0, character: 5 })).toBe(false);
  });
});
