import { describe, expect, it } from 'vitest';
import { countLineEnds, shiftLine, shiftRange } from './line-shift.js';
import { lineRange } from './test-support/results.js';

describe('shiftRange', () => {
  const range = { start: { line: 5, character: 0 }, end: { line: 6, character: 8 } };

  it('keeps ranges above the edit', () => {
    expect(shiftRange(range, { startLine: 7, endLine: 9, insertedLineEnds: 0 })).toBe(range);
  });

  it('drops ranges the edit touches', () => {
    expect(shiftRange(range, { startLine: 6, endLine: 6, insertedLineEnds: 0 })).toBeUndefined();
    expect(shiftRange(range, { startLine: 2, endLine: 5, insertedLineEnds: 1 })).toBeUndefined();
  });

  it('moves ranges below the edit by the lines it added or removed', () => {
    expect(shiftRange(range, { startLine: 1, endLine: 1, insertedLineEnds: 2 })).toEqual({
      start: { line: 7, character: 0 },
      end: { line: 8, character: 8 },
    });
    expect(shiftRange(range, { startLine: 1, endLine: 3, insertedLineEnds: 0 })?.start.line).toBe(3);
    expect(shiftRange(range, { startLine: 0, endLine: 0, insertedLineEnds: 0 })).toBe(range);
  });
});

describe('shiftLine', () => {
  it('follows the same rules for a line', () => {
    expect(shiftLine(4, { startLine: 4, endLine: 4, insertedLineEnds: 0 })).toBeUndefined();
    expect(shiftLine(4, { startLine: 0, endLine: 0, insertedLineEnds: 1 })).toBe(5);
    expect(shiftLine(4, { startLine: 9, endLine: 9, insertedLineEnds: 3 })).toBe(4);
    expect(shiftRange(lineRange(4), { startLine: 3, endLine: 3, insertedLineEnds: 0 })).toEqual(lineRange(4));
  });
});

describe('countLineEnds', () => {
  it('counts CRLF once, and LF and CR each', () => {
    expect(countLineEnds('')).toBe(0);
    expect(countLineEnds('a\r\nb\nc\rd')).toBe(3);
    expect(countLineEnds('\n\n')).toBe(2);
  });
});
