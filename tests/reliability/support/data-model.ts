/**
 * The server-behaviour contract's rules for the octets after `354`, written independently of the
 * codec so the suite checks the server against the spec rather than against itself:
 *
 * - only `<CRLF>.<CRLF>` ends the data (the data starts at a line start, so `.<CRLF>` first ends
 *   an empty message);
 * - a line that starts with `.` after a CRLF loses that dot (RFC 5321 §4.5.2); nothing else is
 *   changed, a dot after a bare CR or LF included;
 * - strict mode refuses any bare CR or LF in the data with `521`.
 */

/** What the server must make of the octets that follow `354`. */
export type DataOutcome =
  /** The data ended: this body is stored (or refused by a limit), `rest` is read as commands. */
  | { readonly kind: 'message'; readonly body: string; readonly rest: string }
  /** Strict mode: a bare CR or LF before the end of the data; `521 5.5.2`, nothing stored. */
  | { readonly kind: 'bare-line-ending' }
  /** The data never ended. */
  | { readonly kind: 'incomplete' };

/** Applies the contract to `data` (latin1 text: one char per octet). */
export function modelData(data: string, mode: 'strict' | 'lenient'): DataOutcome {
  const framed = `\r\n${data}`;
  const end = framed.indexOf('\r\n.\r\n');
  const upTo = end === -1 ? framed.length : end + 5;
  if (mode === 'strict' && hasBareLineEnding(framed.slice(0, upTo))) return { kind: 'bare-line-ending' };
  if (end === -1) return { kind: 'incomplete' };
  const content = framed.slice(2, end + 2);
  return { kind: 'message', body: unstuff(content), rest: framed.slice(end + 5) };
}

/** True when `text` holds a CR not followed by LF, or an LF not preceded by CR. */
export function hasBareLineEnding(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 13 && text.charCodeAt(i + 1) !== 10) return true;
    if (char === 10 && text.charCodeAt(i - 1) !== 13) return true;
  }
  return false;
}

/** Removes the dot that starts a line, lines being delimited by CRLF only. */
function unstuff(content: string): string {
  let out = '';
  let lineStart = true;
  for (let i = 0; i < content.length; i++) {
    const char = content[i];
    if (!(lineStart && char === '.')) out += char;
    lineStart = char === '\n' && content[i - 1] === '\r';
  }
  return out;
}

/** Dot-stuffs `body` and adds the terminator, as a correct client sends it after `354`. */
export function stuffAndTerminate(body: string): string {
  const withEnd = body.length === 0 || body.endsWith('\r\n') ? body : `${body}\r\n`;
  return `${withEnd.replace(/(^|\r\n)\./g, '$1..')}.\r\n`;
}

/**
 * Bare CR and bare LF made CRLF, and a final CRLF added when missing: what a client that
 * normalizes line endings (as @smtp/client does) delivers for `text`.
 */
export function normalizeLineEndings(text: string): string {
  const normalized = text.replace(/\r\n|\r|\n/g, '\r\n');
  return normalized.length === 0 || normalized.endsWith('\r\n') ? normalized : `${normalized}\r\n`;
}
