import { CR, LF } from './bytes.js';
import { isStop, type LineEndScanner, SCAN_BARE } from './line-end-scan.js';

/**
 * A {@link LineEndScanner} built on `indexOf`: one native search per line end (two when bare CRs
 * matter). Used where WebAssembly SIMD is unavailable (some sandboxes forbid compiling WebAssembly).
 */
export class IndexOfScanner implements LineEndScanner {
  find(bytes: Uint8Array, from: number, to: number, before: number, flags: number): number {
    if (to > bytes.length - 1)
      throw new RangeError('LineEndScanner.find: `to` must be at most bytes.length - 1');
    const bare = (flags & SCAN_BARE) !== 0;
    let nextCr = bare ? bytes.indexOf(CR, from) : -1;
    let at = from;
    while (at < to) {
      let lf = bytes.indexOf(LF, at);
      if (lf === -1 || lf > to) lf = to;
      // Every CR before this LF must be the first half of a CRLF; a CR directly before the LF is.
      while (nextCr !== -1 && nextCr < lf) {
        if (bytes[nextCr + 1] !== LF) return nextCr;
        nextCr = bytes.indexOf(CR, nextCr + 1);
      }
      if (lf === to) return to;
      if (isStop(bytes, lf, before, flags)) return lf;
      at = lf + 1;
    }
    return to;
  }

  forget(): void {
    // Keeps nothing between calls.
  }
}
