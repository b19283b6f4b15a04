/**
 * Writing bytes and reply text as `.smtp` transcript text (spec/transcript-format.md): what a
 * transcript would read as an escape, a variable, a wildcard or a regex is escaped, so each
 * line reads back as exactly the bytes or text it was made from.
 */

const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;

function hex(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** The escape of a control octet: the named ones, else `\xNN`. */
function controlEscape(byte: number): string {
  switch (byte) {
    case 0x0d:
      return '\\r';
    case 0x0a:
      return '\\n';
    case 0x09:
      return '\\t';
    case 0x00:
      return '\\0';
    default:
      return hex(byte);
  }
}

/** Length of the well-formed UTF-8 sequence starting at `at`, or 0 when it is not one. */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] as number;
  let length: number;
  let min: number;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    min = 0x10000;
  } else return 0;
  if (at + length > bytes.length) return 0;
  let code = lead & (0xff >> (length + 1));
  for (let i = 1; i < length; i++) {
    const next = bytes[at + i] as number;
    if ((next & 0xc0) !== 0x80) return 0;
    code = (code << 6) | (next & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

const utf8Decoder = new TextDecoder('utf-8');

/**
 * Writes octets as the text of a `C:`/`C!` line: printable ASCII as is, valid UTF-8 as its
 * characters, `\` as `\\`, the first brace of `{{` as `\x7b` (so it is not read as a variable),
 * control octets and invalid UTF-8 as escapes, and trailing spaces as `\x20` (editors strip
 * them).
 */
export function escapeClientBytes(bytes: Uint8Array): string {
  let out = '';
  let runStart = 0;
  const flush = (end: number): void => {
    if (end > runStart) out += utf8Decoder.decode(bytes.subarray(runStart, end));
  };
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    if (
      byte >= 0x20 &&
      byte < 0x7f &&
      byte !== BACKSLASH &&
      !(byte === OPEN_BRACE && bytes[i + 1] === OPEN_BRACE)
    ) {
      i++;
      continue;
    }
    flush(i);
    if (byte === BACKSLASH) {
      out += '\\\\';
      i++;
    } else if (byte === OPEN_BRACE) {
      out += '\\x7b';
      i++;
    } else if (byte >= 0x80) {
      const length = utf8SequenceLength(bytes, i);
      if (length === 0) {
        out += hex(byte);
        i++;
      } else {
        out += utf8Decoder.decode(bytes.subarray(i, i + length));
        i += length;
      }
    } else {
      out += controlEscape(byte);
      i++;
    }
    runStart = i;
  }
  flush(i);
  return protectTrailingSpace(out);
}

/** Writes a string (already decoded) as `C:` text: like {@link escapeClientBytes}. */
export function escapeClientText(text: string): string {
  return escapeText(text, false);
}

/**
 * Writes reply text as the TEXT of an `S:` glob that matches exactly that text: also escapes
 * `*` (a wildcard) and a leading `/` (which could start a `/regex/`).
 */
export function escapeReplyText(text: string): string {
  const escaped = escapeText(text, true);
  return escaped.startsWith('/') ? `\\x2f${escaped.slice(1)}` : escaped;
}

function escapeText(text: string, glob: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = text.charCodeAt(i);
    if (char === '\\') out += '\\\\';
    else if (char === '{' && text[i + 1] === '{') out += '\\x7b';
    else if (glob && char === '*') out += '\\x2a';
    else if (code < 0x20 || code === 0x7f) out += controlEscape(code);
    else out += char;
  }
  return protectTrailingSpace(out);
}

function protectTrailingSpace(text: string): string {
  return text.endsWith(' ') ? `${text.slice(0, -1)}\\x20` : text;
}
