import type { LineEnding } from './ast.js';

/** One source line and the terminator that ended it. */
export interface SourceLine {
  readonly text: string;
  readonly eol: LineEnding;
}

/**
 * Splits text into lines the way VS Code does: CRLF, LF and a lone CR each end a line, so
 * line numbers agree with the editor's. Joining `text + eol` of every line gives the input back.
 */
export function scanLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lines.push({ text: text.slice(start, i), eol: '\n' });
      start = i + 1;
    } else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) {
        lines.push({ text: text.slice(start, i), eol: '\r\n' });
        i++;
      } else {
        lines.push({ text: text.slice(start, i), eol: '\r' });
      }
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** The terminator most lines use; LF when no line has one. */
export function dominantLineEnding(lines: readonly SourceLine[]): '\n' | '\r\n' | '\r' {
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
