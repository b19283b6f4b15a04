import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findStopByByte, isStop, SCAN_BARE, SCAN_EVERY_LF } from './line-end-scan.js';
import { bytes, smtpBytes } from './test-support/chunks.js';
import { SCANNERS } from './test-support/scanners.js';

const ALL_FLAGS = [0, SCAN_BARE, SCAN_EVERY_LF, SCAN_BARE | SCAN_EVERY_LF];

/** Every stop from `from` on, as the readers walk them. */
function allStops(find: (from: number) => number, from: number, to: number): number[] {
  const stops: number[] = [];
  for (let at = find(from); at < to; at = find(at + 1)) stops.push(at);
  return stops;
}

describe('isStop', () => {
  it('stops at an LF between CR and a dot', () => {
    expect(isStop(bytes('a\r\n.b'), 2, 0, 0)).toBe(true);
    expect(isStop(bytes('a\r\nxb'), 2, 0, 0)).toBe(false);
  });
  it('stops at bare line ends only when asked', () => {
    expect(isStop(bytes('a\nb'), 1, 0, 0)).toBe(false);
    expect(isStop(bytes('a\nb'), 1, 0, SCAN_BARE)).toBe(true);
    expect(isStop(bytes('a\rb'), 1, 0, SCAN_BARE)).toBe(true);
    expect(isStop(bytes('a\r\n'), 1, 0, SCAN_BARE)).toBe(false);
  });
  it('uses the byte before the chunk for position 0', () => {
    expect(isStop(bytes('\n.'), 0, 0x0d, 0)).toBe(true);
    expect(isStop(bytes('\n.'), 0, 0x41, SCAN_BARE)).toBe(true);
    expect(isStop(bytes('\nx'), 0, 0x0d, SCAN_BARE)).toBe(false);
  });
  it('stops at every LF when asked', () => {
    expect(isStop(bytes('a\r\nb'), 2, 0, SCAN_EVERY_LF)).toBe(true);
  });
});

describe.each(SCANNERS)('%s scanner', (_name, scanner) => {
  it('finds the same stops as the byte-by-byte reference', () => {
    fc.assert(
      fc.property(
        smtpBytes({ maxTokens: 80 }),
        fc.constantFrom(...ALL_FLAGS),
        fc.constantFrom(0x0d, 0x0a, 0x2e, 0x41),
        fc.nat(),
        (data, flags, before, start) => {
          if (data.length < 2) return;
          const to = data.length - 1;
          const from = start % to;
          scanner.forget();
          const got = allStops((at) => scanner.find(data, at, to, before, flags), from, to);
          const want = allStops((at) => findStopByByte(data, at, to, before, flags), from, to);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds stops across windows of a large input and returns `to` when there is none', () => {
    const size = 400_000;
    const data = new Uint8Array(size).fill(0x61);
    const planted = [0, 17, 31, 32, 65_535, 65_536, 131_007, 131_008, 131_009, 262_143, 399_997];
    for (const at of planted) data[at] = 0x0a; // bare LFs
    scanner.forget();
    const found = allStops((at) => scanner.find(data, at, size - 1, 0x41, SCAN_BARE), 0, size - 1);
    expect(found).toEqual(planted);
    expect(scanner.find(data, 1, 16, 0x41, SCAN_BARE)).toBe(16);
    expect(scanner.find(data, 400, 60_000, 0x41, 0)).toBe(60_000);
  });

  it('refuses a range reaching the last byte (it has no next byte to look at)', () => {
    const data = new Uint8Array(200).fill(0x61);
    expect(() => scanner.find(data, 0, 200, 0x41, SCAN_BARE)).toThrow(RangeError);
    expect(scanner.find(data, 0, 199, 0x41, SCAN_BARE)).toBe(199);
  });

  it('forgets its copy when told, so refilled arrays are read afresh', () => {
    const data = new Uint8Array(1000).fill(0x61);
    data[500] = 0x0a;
    expect(scanner.find(data, 0, 999, 0x41, SCAN_BARE)).toBe(500);
    data[500] = 0x61;
    data[700] = 0x0d;
    scanner.forget();
    expect(scanner.find(data, 0, 999, 0x41, SCAN_BARE)).toBe(700);
  });
});
