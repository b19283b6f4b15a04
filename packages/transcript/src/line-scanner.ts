import type { LineEnding } from './ast.js';

/** One source line and the terminator that ended it. */
export interface SourceLine {
  readonly text: string;
  readonly eol: LineEnding;
}

/**
 * Calls `visit` for each line the way VS Code splits them: CRLF, LF and a lone CR each end a
 * line, so line numbers agree with the editor's. The last line (possibly empty) has no
 * terminator; joining `text + eol` of every line gives the input back.
 */
export function forEachLine(
  text: string,
  visit: (text: string, eol: LineEnding, index: number) => void,
): void {
  let index = 0;
  let start = 0;
  if (!text.includes('\r')) {
    // The common case, LF only: let `indexOf` find the line ends.
    for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', start)) {
      visit(text.slice(start, lf), '\n', index++);
      start = lf + 1;
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        visit(text.slice(start, i), '\n', index++);
        start = i + 1;
      } else if (c === 0x0d) {
        const crlf = text.charCodeAt(i + 1) === 0x0a;
        visit(text.slice(start, i), crlf ? '\r\n' : '\r', index++);
        if (crlf) i++;
        start = i + 1;
      }
    }
  }
  visit(text.slice(start), '', index);
}

/** The lines of `text` with their terminators (see {@link forEachLine}). */
export function scanLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  forEachLine(text, (line, eol) => {
    lines.push({ text: line, eol });
  });
  return lines;
}

/** The terminator most lines use; LF when no line has one. */
export function dominantLineEnding(lines: readonly { readonly eol: LineEnding }[]): '\n' | '\r\n' | '\r' {
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  for (const line of lines) {
    if (line.eol === '\n') lf++;
    else if (line.eol === '\r\n') crlf++;
    else if (line.eol === '\r') cr++;
  }
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}
