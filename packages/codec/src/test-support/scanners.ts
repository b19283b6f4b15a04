import type { LineEndScanner } from '../line-end-scan.js';
import { IndexOfScanner } from '../line-end-scan-indexof.js';
import { SimdScanner } from '../line-end-scan-simd.js';

const simd = SimdScanner.create();
if (simd === undefined)
  throw new Error('WebAssembly SIMD did not compile; the tests expect Node 20 or later');

/** Both scanner implementations, so every reader test runs on each. */
export const SCANNERS: readonly (readonly [string, LineEndScanner])[] = [
  ['simd', simd],
  ['indexOf', new IndexOfScanner()],
];
