import fc from 'fast-check';

/** Splits `bytes` at the given offsets (sorted, deduplicated, out-of-range ones ignored). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, point));
    from = point;
  }
  return parts;
}

/** Splits `bytes` into chunks of `size` octets (the last may be shorter). */
export function fixedChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return parts;
}

/** The chunk sizes notes/peers.md asks decoders to survive (terminators straddle their edges). */
export const AWKWARD_CHUNK_SIZES: readonly number[] = [1, 2, 3, 5, 7];

/** Concatenates pieces into one array (always a new one, so tests never compare aliases). */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes of a latin1 string (every char below 256), for writing byte-exact test inputs. */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** A latin1 string of bytes, for readable assertion messages. */
export function text(data: Uint8Array): string {
  let out = '';
  for (const byte of data) out += String.fromCharCode(byte);
  return out;
}

const TOKENS = [
  '\r\n',
  '\r\n',
  '\r\n',
  '\r',
  '\n',
  '.',
  '..',
  '\r\n.\r\n',
  '\r\n..',
  '\r\n.',
  '.\r\n',
  '\n.\n',
  '\r.\r',
  'a',
  'Subject: x',
  ' ',
  '\x00',
  '\xff',
  'MAIL FROM:<a@b>',
];

/**
 * Byte strings shaped like SMTP traffic and biased toward the places readers get wrong: CR, LF,
 * dots, terminators, bare line ends, NUL, 8-bit octets, and now and then a long run of one byte.
 */
export function smtpBytes(options: { maxTokens?: number; longRun?: number } = {}): fc.Arbitrary<Uint8Array> {
  const longRun = options.longRun ?? 300;
  const token = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: longRun }).map((n) => 'x'.repeat(n)) },
    { weight: 2, arbitrary: fc.string({ maxLength: 8 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'q')) },
  );
  return fc.array(token, { maxLength: options.maxTokens ?? 40 }).map((parts) => bytes(parts.join('')));
}

/** An input with random cut points to split it at. */
export function splitInput(
  input: fc.Arbitrary<Uint8Array>,
): fc.Arbitrary<{ data: Uint8Array; cuts: number[] }> {
  return input.chain((data) =>
    fc.record({
      data: fc.constant(data),
      cuts: fc.array(fc.integer({ min: 0, max: Math.max(0, data.length) }), { maxLength: 12 }),
    }),
  );
}
