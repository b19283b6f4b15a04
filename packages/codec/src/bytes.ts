/** Carriage return, the first octet of an SMTP line end. */
export const CR = 0x0d;
/** Line feed, the second octet of an SMTP line end. */
export const LF = 0x0a;
/** Full stop: the DATA terminator and the dot that dot-stuffing doubles. */
export const DOT = 0x2e;
/** An SMTP line end. */
export const CRLF: Uint8Array = Uint8Array.of(CR, LF);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Strings up to this long are tried as ASCII first (replies, commands): see {@link utf8}. */
const SHORT_TEXT = 256;

/** Encodes a string as UTF-8 octets. */
export function utf8(text: string): Uint8Array {
  const length = text.length;
  if (length > SHORT_TEXT) return encoder.encode(text);
  // Short ASCII text (every reply and command line in practice) is copied unit by unit: about
  // three times faster than TextEncoder, whose per-call overhead dominates at this size.
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return encoder.encode(text);
    out[i] = unit;
  }
  return out;
}

/** Decodes UTF-8 octets to a string; invalid sequences become U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Concatenates byte arrays into one new array (returns the only part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** True when every octet is 7-bit ASCII. */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return false;
  return true;
}

/**
 * How a reader treats line ends other than CRLF. `strict`: a bare LF or bare CR is an error
 * (RFC 5321 §2.3.8). `lenient`: a bare LF ends a command line, and bare LF and CR inside message
 * data are kept as content.
 */
export type LineEndingPolicy = 'strict' | 'lenient';

/**
 * A plain `Uint8Array` view of `bytes[start, end)`, sharing its memory. Unlike `subarray` it
 * does not look up the input's constructor (a Node `Buffer`'s costs more to build than the view).
 */
export function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/**
 * Reads a {@link LineEndingPolicy} option (default `strict`); true for strict. Anything else is
 * refused rather than taken as lenient, since a misspelt option must not weaken the checks.
 */
export function isStrictLineEndings(policy: LineEndingPolicy | undefined): boolean {
  if (policy === undefined || policy === 'strict') return true;
  if (policy === 'lenient') return false;
  throw new RangeError(`lineEndings must be 'strict' or 'lenient', got ${JSON.stringify(policy)}`);
}
