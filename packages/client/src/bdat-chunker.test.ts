import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BdatChunker } from './bdat-chunker.js';

describe('BdatChunker', () => {
  it('holds back until more than a chunk is there, so LAST is never empty unless the message is', () => {
    const chunker = new BdatChunker(4);
    expect(chunker.push([Buffer.from('0123')])).toEqual([]);
    const chunks = chunker.push([Buffer.from('45678')]);
    expect(chunks.map((c) => [c.size, c.last, Buffer.from(c.data).toString()])).toEqual([
      [4, false, '0123'],
      [4, false, '4567'],
    ]);
    const last = chunker.end([Buffer.from('\r\n')]);
    expect([last.size, last.last, Buffer.from(last.data).toString()]).toEqual([3, true, '8\r\n']);
    expect(new BdatChunker(4).end()).toMatchObject({ size: 0, last: true });
  });

  it('refuses a chunk size below 1', () => {
    expect(() => new BdatChunker(0)).toThrow(RangeError);
  });

  it('property: the chunks rebuild the message, each non-last chunk is full', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 16 }),
        (pieces, size) => {
          const chunker = new BdatChunker(size);
          const out = pieces.flatMap((piece) => chunker.push([piece]));
          out.push(chunker.end());
          expect(out.slice(0, -1).every((c) => c.size === size && !c.last)).toBe(true);
          expect(out.at(-1)?.last).toBe(true);
          expect(Buffer.concat(out.map((c) => c.data))).toEqual(Buffer.concat(pieces));
          expect(out.every((c) => c.size === c.data.length)).toBe(true);
        },
      ),
    );
  });
});
