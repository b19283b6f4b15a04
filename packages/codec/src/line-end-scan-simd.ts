import { view } from './bytes.js';
import { findStopByByte, type LineEndScanner, SCAN_BARE, SCAN_EVERY_LF } from './line-end-scan.js';

/*
 * Why WebAssembly: a strict DATA reader must look at every line end (to catch bare CR and LF),
 * and one native `indexOf` call per line costs more than the scan itself. SIMD compares 16 bytes
 * at a time against CR, LF and `.` and returns only where a reader has work to do.
 *
 * The module, in text form (the bytes below encode this, with the loop body written twice so one
 * iteration covers 32 bytes and takes one branch):
 *
 *   (module
 *     (memory (export "memory") 2)
 *     (func (export "find") (param $at i32) (param $end i32) (param $bare i32) (param $every i32)
 *                           (result i32)
 *       ;; $bareMask / $everyMask: the flags splatted to all lanes (0x00 or 0xff);
 *       ;; $crs / $lfs / $dots: CR, LF and "." in every lane
 *       (block $none
 *         (loop $scan
 *           (br_if $none (i32.ge_u (local.get $at) (local.get $end)))
 *           ;; for the 16 lanes at $at, then again for the 16 at $at + 16:
 *           ;;   cur = load($at); prevCr = (load($at - 1) == CR); next = load($at + 1); isLf = (cur == LF)
 *           ;;   stops = (isLf & (everyMask | (prevCr & next == DOT)))
 *           ;;         | (bareMask & ((cur == CR & ~(next == LF)) | (isLf & ~prevCr)))
 *           ;; if either half has a stop: return $at (+ 16) + ctz(i8x16.bitmask(stops))
 *           (local.set $at (i32.add (local.get $at) (i32.const 32)))
 *           (br $scan)))
 *       (local.get $end)))
 *
 * The first stop of a block may lie past `$end`; the caller treats any answer >= end as "none",
 * which is right because a stop inside the range would have come first.
 */

const SIMD = 0xfd;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Ctz: 0x68,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  voidBlock: 0x40,
} as const;
const simd = {
  load: [SIMD, 0x00],
  const: [SIMD, 0x0c],
  splat: [SIMD, 0x0f],
  eq: [SIMD, 0x23],
  and: [SIMD, 0x4e],
  andNot: [SIMD, 0x4f],
  or: [SIMD, 0x50],
  anyTrue: [SIMD, 0x53],
  bitmask: [SIMD, 0x64],
} as const;
const valueType = { i32: 0x7f, v128: 0x7b } as const;

const param = { at: 0, end: 1, bare: 2, every: 3 } as const;
const local = {
  cur: 4,
  prevCr: 5,
  next: 6,
  isLf: 7,
  low: 8,
  high: 9,
  bareMask: 10,
  everyMask: 11,
  crs: 12,
  lfs: 13,
  dots: 14,
} as const;
const V128_LOCALS = 11;

const get = (index: number): number[] => [op.localGet, index];
const set = (index: number): number[] => [op.localSet, index];
const splat16 = (byte: number): number[] => [...simd.const, ...new Array<number>(16).fill(byte)];
/** `v128.load` with alignment hint 0 and an offset below 128 (both are one-byte LEB128 then). */
const load = (offset: number): number[] => [...simd.load, 0, offset];

/** Computes the stop mask of the 16 positions starting at `$at + offset` into local `target`. */
// biome-ignore format: one instruction group per line, following the text form
const stopsOf = (offset: number, target: number): number[] => [
  ...get(param.at), ...load(offset), ...set(local.cur),
  ...get(param.at), op.i32Const, 1, op.i32Sub, ...load(offset), ...get(local.crs), ...simd.eq, ...set(local.prevCr),
  ...get(param.at), ...load(offset + 1), ...set(local.next),
  ...get(local.cur), ...get(local.lfs), ...simd.eq, ...set(local.isLf),
  ...get(local.isLf),
  ...get(local.everyMask),
  ...get(local.prevCr), ...get(local.next), ...get(local.dots), ...simd.eq, ...simd.and,
  ...simd.or, ...simd.and,
  ...get(local.bareMask),
  ...get(local.cur), ...get(local.crs), ...simd.eq, ...get(local.next), ...get(local.lfs), ...simd.eq, ...simd.andNot,
  ...get(local.isLf), ...get(local.prevCr), ...simd.andNot,
  ...simd.or, ...simd.and,
  ...simd.or, ...set(target),
];

/** Returns `$at + offset +` the index of the first set lane of `mask`. */
const returnFirstLane = (offset: number, mask: number): number[] => [
  ...get(param.at),
  op.i32Const,
  offset,
  op.i32Add,
  ...get(mask),
  ...simd.bitmask,
  op.i32Ctz,
  op.i32Add,
  op.return,
];

// biome-ignore format: one instruction group per line, following the text form
const body: number[] = [
  ...get(param.bare), ...simd.splat, ...set(local.bareMask),
  ...get(param.every), ...simd.splat, ...set(local.everyMask),
  ...splat16(0x0d), ...set(local.crs), ...splat16(0x0a), ...set(local.lfs), ...splat16(0x2e), ...set(local.dots),
  op.block, op.voidBlock,
  op.loop, op.voidBlock,
  ...get(param.at), ...get(param.end), op.i32GeU, op.brIf, 1,
  ...stopsOf(0, local.low),
  ...stopsOf(16, local.high),
  ...get(local.low), ...get(local.high), ...simd.or, ...simd.anyTrue, op.if, op.voidBlock,
  ...get(local.low), ...simd.anyTrue, op.if, op.voidBlock, ...returnFirstLane(0, local.low), op.end,
  ...returnFirstLane(16, local.high),
  op.end,
  ...get(param.at), op.i32Const, 32, op.i32Add, ...set(param.at),
  op.br, 0,
  op.end,
  op.end,
  ...get(param.end),
  op.end,
];

/** Unsigned LEB128, as WebAssembly encodes sizes and counts. */
function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const section = (id: number, content: number[]): number[] => [id, ...leb(content.length), ...content];
const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];

const PAGES = 2;
const functionBody = [1, V128_LOCALS, valueType.v128, ...body];
// biome-ignore format: the header, then one section per line
const moduleBytes = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 4, valueType.i32, valueType.i32, valueType.i32, valueType.i32, 1, valueType.i32]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0x00, PAGES]),
  ...section(7, [2, ...name('memory'), 0x02, 0, ...name('find'), 0x00, 0]),
  ...section(10, [1, ...leb(functionBody.length), ...functionBody]),
]);

type FindExport = (at: number, end: number, bare: number, every: number) => number;

/** Where the window starts in WebAssembly memory: room before it for the byte that precedes it. */
const BASE = 16;
/** Bytes copied into WebAssembly memory at a time; leaves room for the 16-byte read past the end. */
const WINDOW = PAGES * 65536 - BASE - 64;
/**
 * The first window over new input is small and each further one over the same input twice as
 * large: a reader that takes one command line and hands the rest of the chunk to another reader
 * should not pay for copying the whole chunk.
 */
const FIRST_WINDOW = 2048;
/** Below this many positions the copy costs more than it saves. */
const SMALL_RANGE = 48;

/**
 * A {@link LineEndScanner} that copies input into WebAssembly memory a window at a time and
 * scans it with 128-bit SIMD compares. One instance serves every reader in the thread: calls are
 * synchronous, and a reader that finds another's window in place simply loads its own.
 */
export class SimdScanner implements LineEndScanner {
  readonly #find: FindExport;
  readonly #memory: Uint8Array;
  #source: Uint8Array | undefined;
  #windowStart = 0;
  #windowEnd = 0;
  #windowSize = FIRST_WINDOW;

  private constructor(find: FindExport, memory: Uint8Array) {
    this.#find = find;
    this.#memory = memory;
  }

  /** Compiles the scanner, or returns undefined where WebAssembly SIMD cannot be compiled here. */
  static create(): SimdScanner | undefined {
    try {
      if (typeof WebAssembly !== 'object' || !WebAssembly.validate(moduleBytes)) return undefined;
      const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes));
      const { find, memory } = instance.exports as { find: FindExport; memory: WebAssembly.Memory };
      return new SimdScanner(find, new Uint8Array(memory.buffer));
    } catch {
      return undefined;
    }
  }

  find(bytes: Uint8Array, from: number, to: number, before: number, flags: number): number {
    // Positions past length - 1 have no next byte to look at (and could never fill a window).
    if (to > bytes.length - 1)
      throw new RangeError('LineEndScanner.find: `to` must be at most bytes.length - 1');
    if (to - from < SMALL_RANGE) return findStopByByte(bytes, from, to, before, flags);
    const bare = (flags & SCAN_BARE) !== 0 ? 0xff : 0;
    const every = (flags & SCAN_EVERY_LF) !== 0 ? 0xff : 0;
    let at = from;
    while (at < to) {
      if (this.#source !== bytes || at < this.#windowStart || at >= this.#windowEnd)
        this.#load(bytes, at, before);
      const limit = Math.min(to, this.#windowEnd);
      const offset = BASE - this.#windowStart;
      const stop = this.#find(at + offset, limit + offset, bare, every) - offset;
      if (stop < limit) return stop;
      at = limit;
    }
    return to;
  }

  forget(): void {
    this.#source = undefined;
  }

  /** Copies positions from `at` on (as far as they have a next byte) plus their neighbours. */
  #load(bytes: Uint8Array, at: number, before: number): void {
    this.#windowSize = this.#source === bytes ? Math.min(WINDOW, 2 * this.#windowSize) : FIRST_WINDOW;
    const end = Math.min(bytes.length - 1, at + this.#windowSize);
    this.#memory[BASE - 1] = at === 0 ? before : (bytes[at - 1] as number);
    this.#memory.set(view(bytes, at, end + 1), BASE);
    this.#source = bytes;
    this.#windowStart = at;
    this.#windowEnd = end;
  }
}
