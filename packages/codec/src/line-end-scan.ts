import { CR, DOT, LF } from './bytes.js';

/**
 * Flag for {@link LineEndScanner.find}: also stop at a bare CR (a CR not followed by LF) and at a
 * bare LF (an LF not preceded by CR).
 */
export const SCAN_BARE = 1;
/** Flag for {@link LineEndScanner.find}: stop at every LF, not only at the notable ones. */
export const SCAN_EVERY_LF = 2;

/**
 * Finds the next place in a byte run where a line-oriented reader has work to do. Everything
 * between two such places is plain content, so readers copy or slice it without looking at it.
 *
 * A position `p` is a stop when:
 * - `bytes[p]` is LF, the byte before is CR and the byte after is `.` (a dot-led line follows), or
 * - `bytes[p]` is LF and {@link SCAN_EVERY_LF} is set, or
 * - {@link SCAN_BARE} is set and `bytes[p]` is a CR not followed by LF or an LF not preceded by CR.
 *
 * Only positions whose following byte lies inside `bytes` are examined, so `to` must be at most
 * `bytes.length - 1`. The byte before position 0 is `before` (the last byte of the previous chunk).
 */
export interface LineEndScanner {
  /** The first stop in `[from, to)`, or `to` when there is none. */
  find(bytes: Uint8Array, from: number, to: number, before: number, flags: number): number;
  /**
   * Drops any copy the scanner keeps of earlier input. Readers call it whenever new input arrives,
   * since a caller may refill the same array with new bytes.
   */
  forget(): void;
}

/** True when position `at` of `bytes` is a stop (see {@link LineEndScanner}); `at + 1` must exist. */
export function isStop(bytes: Uint8Array, at: number, before: number, flags: number): boolean {
  const byte = bytes[at] as number;
  if (byte === LF) {
    const previous = at === 0 ? before : (bytes[at - 1] as number);
    if ((flags & SCAN_EVERY_LF) !== 0) return true;
    if (previous !== CR) return (flags & SCAN_BARE) !== 0;
    return bytes[at + 1] === DOT;
  }
  return byte === CR && (flags & SCAN_BARE) !== 0 && bytes[at + 1] !== LF;
}

/** A byte-at-a-time {@link LineEndScanner.find}: the reference, and the fastest way over a few bytes. */
export function findStopByByte(
  bytes: Uint8Array,
  from: number,
  to: number,
  before: number,
  flags: number,
): number {
  for (let at = from; at < to; at++) {
    const byte = bytes[at] as number;
    if ((byte === LF || byte === CR) && isStop(bytes, at, before, flags)) return at;
  }
  return to;
}
