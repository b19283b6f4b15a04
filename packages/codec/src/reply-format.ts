import { utf8 } from './bytes.js';
import type { Reply } from './reply.js';

/** Options of {@link formatReply}. */
export interface FormatReplyOptions {
  /** RFC 3463 enhanced status code written at the start of every line (RFC 2034 §3). */
  enhanced?: string | undefined;
  /**
   * Longest line written, in octets, counting the code and the CRLF. Default 512, the limit
   * RFC 5321 §4.5.3.1.5 sets for reply lines.
   */
  maxLineLength?: number | undefined;
}

const DEFAULT_MAX_LINE_LENGTH = 512;
const ENHANCED = /^([245])\.\d{1,3}\.\d{1,3}$/;
const LINE_BREAK = /[\r\n\0]/;

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new RangeError(`SMTP reply code must be an integer from 200 to 599, got ${code}`);
  }
}

function checkEnhanced(code: number, enhanced: string): void {
  if (!ENHANCED.test(enhanced)) {
    throw new RangeError(`enhanced status code must look like 2.1.0, got ${JSON.stringify(enhanced)}`);
  }
  // The class digit is the first character: compared without building a match array.
  if (enhanced.charCodeAt(0) - 0x30 !== Math.floor(code / 100)) {
    throw new RangeError(`enhanced status code ${enhanced} does not match the class of reply code ${code}`);
  }
}

function checkText(line: string): void {
  if (LINE_BREAK.test(line)) throw new TypeError('reply text must not contain CR, LF or NUL');
}

/** UTF-8 length of a string, without encoding it (a lone surrogate counts as U+FFFD, three octets). */
function octets(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The largest index `i` (at a code point boundary, at least one code point) with `text[0, i)` within `room` octets. */
function cutIndex(text: string, room: number): number {
  let used = 0;
  let i = 0;
  while (i < text.length) {
    const unit = text.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1));
    const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (used + size > room) break;
    used += size;
    i += pair ? 2 : 1;
  }
  return Math.max(i, 1);
}

/** Splits text into pieces of at most `room` octets, preferring to break at a space (which is dropped). */
function wrap(text: string, room: number, into: string[]): void {
  let rest = text;
  while (rest.length * 3 > room && octets(rest) > room) {
    const cut = cutIndex(rest, room);
    const space = rest.lastIndexOf(' ', cut);
    if (space > 0) {
      into.push(rest.slice(0, space));
      rest = rest.slice(space + 1);
    } else {
      into.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    if (rest === '') return;
  }
  into.push(rest);
}

/**
 * Writes a reply in wire form, CRLF after every line. Text longer than a line allows is wrapped
 * at spaces into continuation lines (a word longer than a line is cut). With `enhanced`, every
 * line starts with the enhanced status code, as RFC 2034 §3 asks.
 *
 * @throws RangeError for a code outside 200-599, a malformed enhanced code or one of another
 * class than the reply code, or a `maxLineLength` too short to hold any text.
 * @throws TypeError when the text contains CR, LF or NUL.
 * @example
 * ```ts
 * formatReply(250, 'Ok', { enhanced: '2.1.0' }); // '250 2.1.0 Ok\r\n'
 * formatReply(214, ['Commands:', 'HELO EHLO MAIL']); // '214-Commands:\r\n214 HELO EHLO MAIL\r\n'
 * ```
 */
export function formatReply(
  code: number,
  text: string | readonly string[],
  options: FormatReplyOptions = {},
): string {
  checkCode(code);
  const { enhanced, maxLineLength = DEFAULT_MAX_LINE_LENGTH } = options;
  if (enhanced !== undefined) checkEnhanced(code, enhanced);
  const lead = enhanced === undefined ? '' : `${enhanced} `;
  // Code, separator, enhanced code with its space, CRLF.
  const overhead = 4 + lead.length + 2;
  if (!Number.isInteger(maxLineLength) || maxLineLength < overhead + 4) {
    throw new RangeError(`maxLineLength ${maxLineLength} leaves no room for reply text`);
  }
  const room = maxLineLength - overhead;
  if (typeof text === 'string' && text.length * 3 <= room) {
    // One line that cannot need wrapping (every reply a server gives per command): no arrays.
    checkText(text);
    const body = enhanced === undefined ? text : text === '' ? enhanced : lead + text;
    return body === '' ? `${code}\r\n` : `${code} ${body}\r\n`;
  }
  const given = typeof text === 'string' ? [text] : text.length === 0 ? [''] : text;
  const pieces: string[] = [];
  for (const line of given) {
    checkText(line);
    wrap(line, room, pieces);
  }
  let out = '';
  const last = pieces.length - 1;
  for (let i = 0; i <= last; i++) {
    const piece = pieces[i] as string;
    const body = enhanced === undefined ? piece : piece === '' ? enhanced : lead + piece;
    out += i < last ? `${code}-${body}\r\n` : body === '' ? `${code}\r\n` : `${code} ${body}\r\n`;
  }
  return out;
}

/** {@link formatReply} as UTF-8 octets, ready to write to a socket. */
export function encodeReply(
  code: number,
  text: string | readonly string[],
  options: FormatReplyOptions = {},
): Uint8Array {
  return utf8(formatReply(code, text, options));
}

/**
 * Writes a {@link Reply} back in wire form exactly as its lines say, CRLF after each; parsing
 * the result gives an equal reply. A last line with no text is written as the bare code.
 *
 * @throws RangeError for a code outside 200-599 or a reply without lines.
 * @throws TypeError when a line contains CR, LF or NUL.
 */
export function serializeReply(reply: Reply): string {
  checkCode(reply.code);
  const { lines, code } = reply;
  if (lines.length === 0) throw new RangeError('a reply needs at least one line');
  let out = '';
  const last = lines.length - 1;
  for (let i = 0; i <= last; i++) {
    const line = lines[i] as string;
    checkText(line);
    out += i < last ? `${code}-${line}\r\n` : line === '' ? `${code}\r\n` : `${code} ${line}\r\n`;
  }
  return out;
}
