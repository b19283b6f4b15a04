/**
 * What the session log shows for the bytes of a send line: `C: text` for a line the runner
 * ended with CRLF, `C! text` for raw bytes, control characters as `\xNN`, long lines and long
 * groups cut short, and AUTH secrets hidden.
 */
import { fromUtf8 } from '@smtp/codec';
import { printable } from '../reply-lines.js';

const MAX_LINE_CHARACTERS = 200;
/** Lines of one send group kept in the log (a large message body is summarised). */
export const MAX_LOGGED_LINES = 100;

/** How a sent line is shown. */
export type Shown = 'plain' | 'auth' | 'sasl-response';

/** One send line's bytes as a log line. */
export function sentLine(bytes: Uint8Array, raw: boolean, shown: Shown): string {
  const body = raw ? bytes : bytes.subarray(0, Math.max(0, bytes.length - 2));
  const prefix = raw ? 'C!' : 'C:';
  if (shown === 'sasl-response') return `${prefix} … (authentication data hidden)`;
  let text = printable(fromUtf8(body));
  if (shown === 'auth') {
    const words = text.split(' ');
    text = words.length > 2 ? `${words[0]} ${words[1]} … (hidden)` : text;
  }
  if (text.length > MAX_LINE_CHARACTERS) text = `${text.slice(0, MAX_LINE_CHARACTERS)}…`;
  return text === '' ? prefix : `${prefix} ${text}`;
}

/** The log line that stands for the lines of a long write left out. */
export function moreLines(count: number, totalOctets: number): string {
  return `… ${count} more line${count === 1 ? '' : 's'} (${totalOctets} octets in this write)`;
}
