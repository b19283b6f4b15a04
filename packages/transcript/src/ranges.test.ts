import { describe, expect, it } from 'vitest';
import { lineRange, plainRange, rangeCoversLine, SourceRange, spanRanges } from './ranges.js';

describe('SourceRange', () => {
  it('reads as { start, end } and serialises to that shape', () => {
    const range = new SourceRange(1, 2, 3, 4);
    expect(range.start).toEqual({ line: 1, character: 2 });
    expect(range.end).toEqual({ line: 3, character: 4 });
    expect(JSON.parse(JSON.stringify(range))).toEqual({
      start: { line: 1, character: 2 },
      end: { line: 3, character: 4 },
    });
    expect(plainRange(range)).toEqual({ start: { line: 1, character: 2 }, end: { line: 3, character: 4 } });
  });

  it('spans ranges and tells which lines they cover', () => {
    const span = spanRanges(lineRange(2, 5, 9), lineRange(4, 0, 3));
    expect(plainRange(span)).toEqual({ start: { line: 2, character: 5 }, end: { line: 4, character: 3 } });
    expect([1, 2, 3, 4, 5].map((line) => rangeCoversLine(span, line))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});
