/**
 * Strict base64 (RFC 4648 §4) for SASL exchanges. `atob` accepts missing padding, whitespace and
 * non-zero pad bits; an AUTH exchange should not, so that one credential has exactly one spelling.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

/** Sextet value of each character code, -1 for characters outside the alphabet. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

const encoder = new TextEncoder();

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (SEXTET[code] as number) : -1;
}

/**
 * Encodes octets (or the UTF-8 octets of a string) as padded base64.
 *
 * @example
 * ```ts
 * base64Encode('Username:'); // 'VXNlcm5hbWU6'
 * ```
 */
export function base64Encode(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      (ALPHABET[n >> 18] as string) +
      (ALPHABET[(n >> 12) & 63] as string) +
      (ALPHABET[(n >> 6) & 63] as string) +
      (ALPHABET[n & 63] as string);
  }
  const left = bytes.length - whole;
  if (left === 1) {
    const n = (bytes[whole] as number) << 16;
    out += `${ALPHABET[n >> 18] as string}${ALPHABET[(n >> 12) & 63] as string}==`;
  } else if (left === 2) {
    const n = ((bytes[whole] as number) << 16) | ((bytes[whole + 1] as number) << 8);
    out += `${ALPHABET[n >> 18] as string}${ALPHABET[(n >> 12) & 63] as string}${ALPHABET[(n >> 6) & 63] as string}=`;
  }
  return out;
}

/**
 * Decodes strict base64, or returns `undefined`: the length must be a multiple of four, padding
 * may only end the text, unused bits must be zero, and no whitespace or other characters may
 * appear. `''` and a lone `=` both decode to no octets (`=` is how RFC 4954 writes an empty
 * initial response).
 *
 * @example
 * ```ts
 * base64Decode('AGJvYgBzZWNyZXQ='); // bytes of '\0bob\0secret'
 * base64Decode('AGJvYgBzZWNyZXQ');  // undefined: padding missing
 * ```
 */
export function base64Decode(text: string): Uint8Array | undefined {
  if (text === '=' || text === '') return new Uint8Array(0);
  if (text.length % 4 !== 0) return undefined;
  const padding =
    text.charCodeAt(text.length - 1) !== PAD ? 0 : text.charCodeAt(text.length - 2) === PAD ? 2 : 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  const fullQuads = padding === 0 ? text.length : text.length - 4;
  let at = 0;
  for (let i = 0; i < fullQuads; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[at++] = n >> 16;
    out[at++] = (n >> 8) & 255;
    out[at++] = n & 255;
  }
  if (padding === 0) return out;
  const a = sextet(text, fullQuads);
  const b = sextet(text, fullQuads + 1);
  if ((a | b) < 0) return undefined;
  if (padding === 2) {
    if ((b & 15) !== 0) return undefined;
    out[at] = (a << 2) | (b >> 4);
    return out;
  }
  const c = sextet(text, fullQuads + 2);
  if (c < 0 || (c & 3) !== 0) return undefined;
  out[at++] = (a << 2) | (b >> 4);
  out[at] = ((b & 15) << 4) | (c >> 2);
  return out;
}
