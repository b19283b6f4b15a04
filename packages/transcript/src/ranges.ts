import type { Position, Range } from './ast.js';

/**
 * A range stored as four numbers in one object. A parse creates tens of thousands of ranges
 * (every part of every line has one), and `{ start: {…}, end: {…} }` would be three objects
 * each: this keeps a 10,000-line file's tree small enough to parse on every keystroke.
 * `start`/`end` are built on access; `toJSON` gives the plain shape.
 */
export class SourceRange implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  /** The plain `{ start, end }` shape (for JSON, messages between processes, snapshots). */
  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A range within one line, from column `start` (inclusive) to `end` (exclusive). */
export function lineRange(line: number, start: number, end: number): Range {
  return new SourceRange(line, start, line, end);
}

/** The range from the start of `first` to the end of `last`. */
export function spanRanges(first: Range, last: Range): Range {
  const start = first.start;
  const end = last.end;
  return new SourceRange(start.line, start.character, end.line, end.character);
}

/** Whether a 0-based line falls within a range's lines. */
export function rangeCoversLine(range: Range, line: number): boolean {
  return range.start.line <= line && line <= range.end.line;
}

/** A plain copy of a range, `{ start: { line, character }, end: { line, character } }`. */
export function plainRange(range: Range): Range {
  return { start: { ...range.start }, end: { ...range.end } };
}
