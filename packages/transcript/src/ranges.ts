import type { Range } from './ast.js';

/** A range within one line, from column `start` (inclusive) to `end` (exclusive). */
export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** The range from the start of `first` to the end of `last`. */
export function spanRanges(first: Range, last: Range): Range {
  return { start: first.start, end: last.end };
}

/** Whether a 0-based line falls within a range's lines. */
export function rangeCoversLine(range: Range, line: number): boolean {
  return range.start.line <= line && line <= range.end.line;
}
