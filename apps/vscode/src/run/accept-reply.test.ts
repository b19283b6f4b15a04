import { type Failure, type Position, parseTranscript } from '@smtp/transcript';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcceptableFailure,
  acceptReplyEdit,
  isAcceptable,
  minimalEdit,
  positionAt,
  type TextEdit,
} from './accept-reply.js';
import { failure, lineRange } from './test-support/results.js';

/** The offset of a position, the inverse of positionAt for positions at or between characters. */
function offsetAt(text: string, position: Position): number {
  let line = 0;
  let index = 0;
  while (line < position.line && index < text.length) {
    const char = text[index];
    index++;
    if (char === '\r' && text[index] === '\n') index++;
    if (char === '\r' || char === '\n') line++;
  }
  return index + position.character;
}

function applyEdit(text: string, edit: TextEdit | undefined): string {
  if (!edit) return text;
  return (
    text.slice(0, offsetAt(text, edit.range.start)) + edit.text + text.slice(offsetAt(text, edit.range.end))
  );
}

const TRANSCRIPT = [
  '# RCPT of an unknown user',
  'S: 220 *',
  'C: MAIL FROM:<alice@example.test>',
  'S: 250 *',
  'C: RCPT TO:<nobody@example.test>',
  'S: 250 2.1.5 *',
  'C: QUIT',
  'S: 221 *',
  '',
].join('\r\n');

const rcptFailure = failure(5, {
  range: lineRange(5, 0, 14),
  reply: { code: 550, enhanced: '5.1.1', lines: ['5.1.1 <nobody@example.test>: no such user'] },
}) as AcceptableFailure;

describe('acceptReplyEdit', () => {
  it('rewrites only the failing S: line, as --update does', () => {
    const edit = acceptReplyEdit(TRANSCRIPT, [rcptFailure]);
    expect(edit?.range).toEqual({ start: { line: 5, character: 3 }, end: { line: 5, character: 14 } });
    const fixed = applyEdit(TRANSCRIPT, edit);
    expect(fixed.split('\r\n')[5]).toBe('S: 550 5.1.1 <nobody@example.test>: no such user');
    // Every other byte, CRLF line ends included, stays as it was.
    expect(fixed.replace('550 5.1.1 <nobody@example.test>: no such user', '250 2.1.5 *')).toBe(TRANSCRIPT);
    expect(parseTranscript(fixed).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('writes a multi-line reply as several S: lines', () => {
    const text = 'S: 220 *\nC: EHLO x\nS: 250 SIZE *\nC: QUIT\n';
    const ehlo = failure(2, {
      range: lineRange(2, 0, 13),
      reply: { code: 250, lines: ['mx.example.test', 'PIPELINING', 'HELP'] },
    }) as AcceptableFailure;
    const fixed = applyEdit(text, acceptReplyEdit(text, [ehlo]));
    expect(fixed).toBe(
      'S: 220 *\nC: EHLO x\nS: 250-mx.example.test\nS: 250-PIPELINING\nS: 250 HELP\nC: QUIT\n',
    );
  });

  it('accepts several replies in one edit', () => {
    const greeting = failure(1, {
      range: lineRange(1),
      reply: { code: 220, lines: ['hi'] },
    }) as AcceptableFailure;
    const fixed = applyEdit(TRANSCRIPT, acceptReplyEdit(TRANSCRIPT, [greeting, rcptFailure]));
    expect(fixed.split('\r\n').slice(1, 6)).toEqual([
      'S: 220 hi',
      'C: MAIL FROM:<alice@example.test>',
      'S: 250 *',
      'C: RCPT TO:<nobody@example.test>',
      'S: 550 5.1.1 <nobody@example.test>: no such user',
    ]);
  });

  it('changes nothing when the failure points at no expectation any more', () => {
    const stale = failure(2, {
      range: lineRange(2),
      reply: { code: 250, lines: ['x'] },
    }) as AcceptableFailure;
    expect(acceptReplyEdit(TRANSCRIPT, [stale])).toBeUndefined();
  });
});

describe('isAcceptable', () => {
  it('takes mismatches that carry their reply, and nothing else', () => {
    expect(isAcceptable(rcptFailure)).toBe(true);
    expect(isAcceptable(failure(5))).toBe(false);
    expect(isAcceptable({ ...rcptFailure, kind: 'timeout' } as Failure)).toBe(false);
    expect(isAcceptable({ ...rcptFailure, updated: true })).toBe(false);
  });
});

describe('minimalEdit', () => {
  const text = fc
    .array(fc.constantFrom('a', 'b', 'S: 250 x', '\r\n', '\n', '\r', ' '), { maxLength: 12 })
    .map((parts) => parts.join(''));

  it('turns the old text into the new one, whatever the line ends', () => {
    fc.assert(
      fc.property(text, text, (before, after) => applyEdit(before, minimalEdit(before, after)) === after),
    );
  });

  it('replaces no more than the differing middle', () => {
    expect(minimalEdit('one\ntwo\nthree\n', 'one\nTWO\nthree\n')).toEqual({
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
      text: 'TWO',
    });
    expect(minimalEdit('same', 'same')).toBeUndefined();
  });

  it('never puts a position inside a CRLF', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        const edit = minimalEdit(before, after);
        if (!edit) return true;
        for (const position of [edit.range.start, edit.range.end]) {
          const offset = offsetAt(before, position);
          if (before[offset - 1] === '\r' && before[offset] === '\n') return false;
        }
        return true;
      }),
    );
  });
});

describe('positionAt', () => {
  it('counts CRLF, LF and CR as one line end each', () => {
    expect(positionAt('a\r\nb\nc\rd', 0)).toEqual({ line: 0, character: 0 });
    expect(positionAt('a\r\nb\nc\rd', 3)).toEqual({ line: 1, character: 0 });
    expect(positionAt('a\r\nb\nc\rd', 5)).toEqual({ line: 2, character: 0 });
    expect(positionAt('a\r\nb\nc\rd', 8)).toEqual({ line: 3, character: 1 });
  });
});
