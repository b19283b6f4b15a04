/**
 * Inputs for the fuzz campaigns: streams a client might send (well-formed pieces, hostile pieces
 * and raw octets, in any order), and mutations of any seed (flipped, inserted, deleted and
 * duplicated octets, truncation).
 */
import fc from 'fast-check';

const enc = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);

/** Pieces of client streams, good and bad; `\r\n` is added by the generator where a line ends. */
const COMMAND_PIECES = [
  'EHLO client.test',
  'HELO client.test',
  'EHLO',
  'EHLO [127.0.0.1]',
  'MAIL FROM:<a@example.test>',
  'MAIL FROM:<> SIZE=100 BODY=8BITMIME',
  'MAIL FROM:<a@example.test> BODY=BINARYMIME SMTPUTF8',
  'MAIL FROM:<a@example.test> RET=HDRS ENVID=x+2Bid',
  'MAIL FROM:<"odd local"@example.test> AUTH=<>',
  'MAIL FROM:<a@b> SIZE=99999999999999999999',
  'MAIL FROM:a@example.test',
  'RCPT TO:<b@example.test>',
  'RCPT TO:<postmaster>',
  'RCPT TO:<c@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@example.test',
  'RCPT TO:<@relay.test:d@example.test>',
  'RCPT TO:<\u00fc@example.test>',
  'DATA',
  'BDAT 0 LAST',
  'BDAT 5',
  'BDAT 3 LAST',
  'BDAT 18446744073709551616',
  'BDAT -1',
  'RSET',
  'NOOP hello',
  'VRFY alice',
  'EXPN staff',
  'HELP',
  'HELP MAIL',
  'QUIT',
  'STARTTLS',
  'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=',
  'AUTH PLAIN',
  'AUTH LOGIN',
  'AUTH LOGIN YWxpY2U=',
  'AUTH CRAM-MD5',
  'AUTH XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIHgBAQ==',
  'AUTH UNKNOWN',
  '*',
  'd29uZGVybGFuZA==',
  '====',
  'LHLO client.test',
  'XYZZY',
  '',
  ' ',
  'MAIL',
  'RCPT TO:',
];

/** Octets that trip framers: line-end look-alikes, NUL, 8-bit, the end of data. */
const HOSTILE_PIECES = [
  '\r',
  '\n',
  '\r\n',
  '\r\n.\r\n',
  '\n.\n',
  '\r.\r',
  '.\r\n',
  '..',
  '\0',
  '\xff\xfe',
  '\x1b[2J',
  ' \t',
];

const piece: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMAND_PIECES).map((line) => enc(`${line}\r\n`)) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PIECES).map(enc) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((text) => enc(`${text}\r\n`)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 3000 }).map((n) => enc(`NOOP ${'x'.repeat(n)}\r\n`)) },
);

/** A client stream: pieces in any order. */
export const clientStream: fc.Arbitrary<Uint8Array> = fc
  .array(piece, { maxLength: 40 })
  .map((pieces) => concat(pieces));

/** One change to a byte string. */
type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'insert'; readonly at: number; readonly octets: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    octets: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(...HOSTILE_PIECES).map(enc),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyMutation(input: Uint8Array, change: Mutation): Uint8Array {
  const at = input.length === 0 ? 0 : change.at % (input.length + 1);
  switch (change.kind) {
    case 'flip': {
      if (input.length === 0) return input;
      const out = input.slice();
      const index = at % input.length;
      out[index] = (out[index] ?? 0) ^ (1 << change.bit);
      return out;
    }
    case 'insert':
      return concat([input.subarray(0, at), change.octets, input.subarray(at)]);
    case 'delete':
      return concat([input.subarray(0, at), input.subarray(at + change.length)]);
    case 'duplicate':
      return concat([input.subarray(0, at + change.length), input.subarray(at)]);
    case 'truncate':
      return input.subarray(0, at);
  }
}

/** `seed` with up to `max` random mutations. */
export function mutated(seed: fc.Arbitrary<Uint8Array>, max = 6): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(seed, fc.array(mutation, { maxLength: max }))
    .map(([input, changes]) => changes.reduce(applyMutation, input));
}

/** Where to split an input of any length: fractions of it, sorted. */
export const splitPoints: fc.Arbitrary<readonly number[]> = fc
  .array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 })
  .map((points) => [...points].sort((a, b) => a - b));

/** `input` cut at `points` (fractions of its length) into consecutive pieces. */
export function splitAt(input: Uint8Array, points: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    const end = Math.floor(point * input.length);
    if (end > start) {
      pieces.push(input.subarray(start, end));
      start = end;
    }
  }
  pieces.push(input.subarray(start));
  return pieces;
}

/** Joins byte strings. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The heap in use after a full collection (the suite runs with --expose-gc). */
export function heapAfterCollection(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc (the suite config does)');
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
