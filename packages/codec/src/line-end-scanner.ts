import type { LineEndScanner } from './line-end-scan.js';
import { IndexOfScanner } from './line-end-scan-indexof.js';
import { SimdScanner } from './line-end-scan-simd.js';

let shared: LineEndScanner | undefined;

/**
 * The scanner readers use by default: WebAssembly SIMD where it compiles, `indexOf` otherwise.
 * Built on first use and shared (it holds no reader's state between calls).
 */
export function defaultLineEndScanner(): LineEndScanner {
  shared ??= SimdScanner.create() ?? new IndexOfScanner();
  return shared;
}
