/**
 * Writes replies as `S:` lines: for `--update` (a pattern that matches exactly that reply) and
 * for reports ("actual" shown the way the file would say it).
 */
import type { Reply } from '@smtp/codec';

/**
 * The glob text that matches `text` literally: `\` as `\\`, `*` as `\x2a`, control characters
 * as `\xNN`, `{{` broken up so it is not read as a variable, a leading `/` as `\x2f` so it is
 * not read as a regex, and a trailing space as `\x20` so it stays visible.
 */
export function escapeGlobText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '*') out += '\\x2a';
    else if (code < 0x20 || code === 0x7f) out += hexEscape(code);
    else if (c === '{' && text[i + 1] === '{') out += '\\x7b';
    else if (c === '/' && i === 0) out += '\\x2f';
    else if (c === ' ' && i === text.length - 1) out += '\\x20';
    else out += c;
  }
  return out;
}

/**
 * `S:` lines (without indentation or line ends) that match this reply exactly. An empty last
 * line is written as the code alone (`S: 250`), since `S: 250 ` would hide its meaning in a
 * trailing space.
 */
export function formatReplyLines(reply: Reply): string[] {
  const lines = reply.lines.length > 0 ? reply.lines : [''];
  const last = lines.length - 1;
  return lines.map((line, i) => {
    if (i < last) return `S: ${reply.code}-${escapeGlobText(line)}`;
    return line === '' ? `S: ${reply.code}` : `S: ${reply.code} ${escapeGlobText(line)}`;
  });
}

/** Text with control characters shown as `\xNN`, for one-line messages. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => hexEscape(c.charCodeAt(0)));
}

function hexEscape(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}
