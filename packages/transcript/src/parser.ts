/**
 * `parseTranscript`: text in, a {@link TranscriptFile} out. Never throws; every problem is a
 * diagnostic, and parsing goes on after each one so an editor can show them all at once.
 */
import type { LineNode, TranscriptFile } from './ast.js';
import { DiagnosticList } from './diagnostics.js';
import { parseLine } from './line-parser.js';
import { dominantLineEnding, forEachLine, scanLines } from './line-scanner.js';
import { lineRange } from './ranges.js';
import { buildStructure } from './structure.js';

/** Options of {@link parseTranscript}. */
export interface ParseOptions {
  /** Where the text came from; copied to the result for reporters. */
  readonly uri?: string;
}

/**
 * Parses a `.smtp` transcript.
 *
 * @example
 * ```ts
 * const file = parseTranscript('S: 220 *\nC: QUIT\nS: 221 *\n');
 * file.diagnostics; // []
 * file.sessions[0]?.steps.length; // 3
 * ```
 */
export function parseTranscript(text: string, options: ParseOptions = {}): TranscriptFile {
  const uri = options.uri === undefined ? {} : { uri: options.uri };
  const diagnostics = new DiagnosticList();
  const lines: LineNode[] = [];
  try {
    forEachLine(text, (line, eol, index) => {
      lines.push(parseLine(line, eol, index, diagnostics));
    });
    const structure = buildStructure(lines, diagnostics);
    return {
      ...uri,
      lines,
      ...structure,
      lineEnding: dominantLineEnding(lines),
      diagnostics: sortByPosition(diagnostics.items),
    };
  } catch (error) {
    // A bug must not take the editor or the CLI down with it: report it as a diagnostic.
    diagnostics.error(
      lineRange(0, 0, 0),
      'internal-error',
      `internal parser error, please report it: ${error instanceof Error ? error.message : String(error)}`,
    );
    return {
      ...uri,
      lines: [],
      preamble: [],
      sessions: [],
      server: {},
      lineEnding: dominantLineEnding(scanLines(text)),
      diagnostics: diagnostics.items,
    };
  }
}

function sortByPosition<T extends { range: { start: { line: number; character: number } } }>(
  items: T[],
): T[] {
  // Array sort is stable: diagnostics at one position keep the order they were found in.
  return [...items].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}
