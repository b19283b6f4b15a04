/**
 * Keeps a run's marks and problems on their lines while the file is edited: what an edit
 * touches is dropped (it no longer describes the text), what follows moves with its line.
 */
import type { Range } from '@smtp/transcript';

/** One edit, by lines: the replaced lines and how many line ends the new text has. */
export interface LineChange {
  /** 0-based first line the edit touches. */
  readonly startLine: number;
  /** 0-based last line the edit touches (equal to `startLine` for an edit within one line). */
  readonly endLine: number;
  /** Line ends in the inserted text. */
  readonly insertedLineEnds: number;
}

/** The line ends (CRLF, LF or a lone CR) in a text. */
export function countLineEnds(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** Where a range is after the change; undefined when the change touched one of its lines. */
export function shiftRange(range: Range, change: LineChange): Range | undefined {
  if (range.end.line < change.startLine) return range;
  if (range.start.line <= change.endLine) return undefined;
  const delta = change.insertedLineEnds - (change.endLine - change.startLine);
  if (delta === 0) return range;
  return {
    start: { line: range.start.line + delta, character: range.start.character },
    end: { line: range.end.line + delta, character: range.end.character },
  };
}

/** Where a line is after the change; undefined when the change touched it. */
export function shiftLine(line: number, change: LineChange): number | undefined {
  const point = { line, character: 0 };
  return shiftRange({ start: point, end: point }, change)?.start.line;
}
