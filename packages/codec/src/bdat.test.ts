import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BdatChunkReader, bdatFrames, formatBdatCommand } from './bdat.js';
import { AWKWARD_CHUNK_SIZES, bytes, fixedChunks, join, splitAt, text } from './test-support/chunks.js';

/** Reads a `size`-octet chunk from `chunks`; returns the data, whether it finished, and all later bytes. */
function read(size: number, chunks: readonly Uint8Array[]) {
  const reader = new BdatChunkReader(size);
  const data: Uint8Array[] = [];
  const rest: Uint8Array[] = [];
  let done = size === 0;
  for (const chunk of chunks) {
    const result = reader.push(chunk);
    if (result.data !== undefined) data.push(result.data);
    if (result.done) {
      done = true;
      if (result.rest !== undefined) rest.push(result.rest);
    }
  }
  return { data: text(join(data)), done, rest: text(join(rest)), remaining: reader.remaining };
}

describe('BdatChunkReader', () => {
  it('reads exactly size octets, whatever they are, then hands back the rest', () => {
    expect(read(7, [bytes('a\r\n.\r\n\x00BDAT 0 LAST\r\n')])).toEqual({
      data: 'a\r\n.\r\n\x00',
      done: true,
      rest: 'BDAT 0 LAST\r\n',
      remaining: 0,
    });
  });

  it('reports what remains while the chunk is incomplete', () => {
    const reader = new BdatChunkReader(10);
    expect(reader.push(bytes('abcd'))).toEqual({ data: bytes('abcd'), done: false, rest: undefined });
    expect(reader.remaining).toBe(6);
    expect(reader.done).toBe(false);
  });

  it('is done at once for BDAT 0 and returns every later byte as rest', () => {
    const reader = new BdatChunkReader(0);
    expect(reader.done).toBe(true);
    expect(reader.push(bytes('QUIT\r\n'))).toEqual({ data: undefined, done: true, rest: bytes('QUIT\r\n') });
  });

  it('returns views into the input', () => {
    const chunk = bytes('hello world');
    expect(new BdatChunkReader(5).push(chunk).data?.buffer).toBe(chunk.buffer);
  });

  it('rejects sizes that are not whole numbers of octets', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => new BdatChunkReader(bad)).toThrow(RangeError);
    }
  });

  it.each(AWKWARD_CHUNK_SIZES)('gives the same result in %i-byte chunks', (size) => {
    const input = bytes('0123456789\r\n.\r\nNOOP\r\n');
    expect(read(12, fixedChunks(input, size))).toEqual(read(12, [input]));
  });

  it('any split gives the same data, done and rest', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 250 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 10 }),
        (input, size, cuts) => {
          const whole = read(size, [input]);
          expect(read(size, splitAt(input, cuts))).toEqual(whole);
          expect(read(size, fixedChunks(input, 1))).toEqual(whole);
          expect(whole.done).toBe(size <= input.length);
          expect(whole.data).toBe(text(input.subarray(0, size)));
        },
      ),
    );
  });
});

describe('formatBdatCommand', () => {
  it('formats a command line without CRLF', () => {
    expect(formatBdatCommand(1234, false)).toBe('BDAT 1234');
    expect(formatBdatCommand(0, true)).toBe('BDAT 0 LAST');
  });
  it('refuses a size that is not a whole number of octets', () => {
    expect(() => formatBdatCommand(-5, true)).toThrow(RangeError);
    expect(() => formatBdatCommand(1.5, false)).toThrow(/whole number/);
  });
});

describe('bdatFrames', () => {
  it('splits a body into chunks, the last one marked LAST', () => {
    const frames = [...bdatFrames(bytes('abcdefg'), 3)].map((f) => ({ ...f, data: text(f.data) }));
    expect(frames).toEqual([
      { size: 3, last: false, data: 'abc' },
      { size: 3, last: false, data: 'def' },
      { size: 1, last: true, data: 'g' },
    ]);
  });
  it('gives one empty LAST chunk for an empty body, and no empty chunk after an exact fit', () => {
    expect([...bdatFrames(new Uint8Array(0), 10)]).toEqual([
      { size: 0, last: true, data: new Uint8Array(0) },
    ]);
    expect([...bdatFrames(bytes('abcdef'), 3)].map((f) => [f.size, f.last])).toEqual([
      [3, false],
      [3, true],
    ]);
  });
  it('rejects a chunk size below 1', () => {
    expect(() => [...bdatFrames(bytes('a'), 0)]).toThrow(RangeError);
  });
  it('frames reassemble to the body and each size matches its data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (body, chunkSize) => {
        const frames = [...bdatFrames(body, chunkSize)];
        expect(text(join(frames.map((f) => f.data)))).toBe(text(body));
        expect(frames.filter((f) => f.last)).toHaveLength(1);
        expect(frames.at(-1)?.last).toBe(true);
        for (const frame of frames) {
          expect(frame.size).toBe(frame.data.length);
          expect(frame.size).toBeLessThanOrEqual(chunkSize);
        }
      }),
    );
  });
});
