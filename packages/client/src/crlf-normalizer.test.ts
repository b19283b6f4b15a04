import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrlfNormalizer } from './crlf-normalizer.js';

/** The meaning, byte by byte: CRLF stays, a bare CR or LF becomes CRLF, a final CRLF is added. */
function reference(input: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === 13) {
      out.push(13, 10);
      if (input[i + 1] === 10) i++;
    } else if (byte === 10) out.push(13, 10);
    else out.push(byte);
  }
  if (out.length > 0 && !(out.at(-2) === 13 && out.at(-1) === 10)) out.push(13, 10);
  return out;
}

function run(pieces: Uint8Array[]): number[] {
  const normalizer = new CrlfNormalizer();
  const out: number[] = [];
  for (const piece of pieces) for (const part of normalizer.push(piece)) out.push(...part);
  out.push(...normalizer.end());
  return out;
}

describe('CrlfNormalizer', () => {
  it('makes bare line ends CRLF and ends the message with CRLF', () => {
    expect(Buffer.from(run([Buffer.from('a\nb\rc\r\nd')])).toString()).toBe('a\r\nb\r\nc\r\nd\r\n');
    expect(run([])).toEqual([]);
    expect(run([Buffer.from('x\r\n')])).toEqual([...Buffer.from('x\r\n')]);
  });

  it('handles a CR at the end of one piece and its LF at the start of the next', () => {
    expect(Buffer.from(run([Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('c\r')])).toString()).toBe(
      'a\r\nb\r\nc\r\n',
    );
  });

  it('property: any input split anywhere gives the reference output', () => {
    const byte = fc.oneof(fc.constantFrom(13, 10, 46), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (input, sizes) => {
          const pieces: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < input.length; i++) {
            const size = sizes[i % sizes.length] as number;
            pieces.push(Uint8Array.from(input.slice(at, at + size)));
            at += size;
          }
          expect(run(pieces)).toEqual(reference(input));
        },
      ),
    );
  });
});
