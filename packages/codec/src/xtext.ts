/**
 * xtext (RFC 3461 §4): the encoding of ESMTP parameter values such as `ENVID`, `ORCPT` and
 * `AUTH=`. Printable ASCII travels as itself except `+` and `=`; every other octet is written
 * `+HH` with two upper-case hex digits.
 *
 * RFC 3461 only speaks of ASCII. These functions carry other text as the `+HH` escapes of its
 * UTF-8 octets, which is what Postfix and others do, so any string survives a round trip.
 */

const PLUS = 0x2b;
const EQUALS = 0x3d;
const FIRST_XCHAR = 0x21; // '!'
const LAST_XCHAR = 0x7e; // '~'
const HEX_DIGITS = '0123456789ABCDEF';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** True for an octet that xtext writes as itself. */
function isXchar(octet: number): boolean {
  return octet >= FIRST_XCHAR && octet <= LAST_XCHAR && octet !== PLUS && octet !== EQUALS;
}

/** Value of an upper-case hex digit, or -1 (RFC 3461 allows no lower case). */
function upperHexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/**
 * Encodes text as xtext.
 *
 * @example
 * ```ts
 * xtextEncode('e=mc2@example.test'); // 'e+3Dmc2@example.test'
 * ```
 */
export function xtextEncode(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    if (!isXchar(text.charCodeAt(i))) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  let out = '';
  for (const octet of encoder.encode(text)) {
    out += isXchar(octet)
      ? String.fromCharCode(octet)
      : `+${HEX_DIGITS[octet >> 4] as string}${HEX_DIGITS[octet & 15] as string}`;
  }
  return out;
}

/**
 * Decodes xtext to the octets it stands for, or `undefined` when the text is not xtext: a `+`
 * without two upper-case hex digits after it, a raw `=`, or a character outside `!`..`~`.
 */
export function xtextDecodeBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === PLUS) {
      const high = upperHexValue(text.charCodeAt(i + 1));
      const low = upperHexValue(text.charCodeAt(i + 2));
      if (high < 0 || low < 0) return undefined;
      out[length++] = (high << 4) | low;
      i += 2;
    } else if (isXchar(code)) {
      out[length++] = code;
    } else {
      return undefined;
    }
  }
  return out.subarray(0, length);
}

/**
 * Decodes xtext to text, or `undefined` when it is not xtext (see {@link xtextDecodeBytes}) or
 * its `+HH` escapes do not spell valid UTF-8.
 *
 * @example
 * ```ts
 * xtextDecode('e+3Dmc2@example.test'); // 'e=mc2@example.test'
 * xtextDecode('a+2b');                 // undefined: lower-case hex
 * ```
 */
export function xtextDecode(text: string): string | undefined {
  if (text.indexOf('+') === -1) {
    for (let i = 0; i < text.length; i++) if (!isXchar(text.charCodeAt(i))) return undefined;
    return text;
  }
  const bytes = xtextDecodeBytes(text);
  if (bytes === undefined) return undefined;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
