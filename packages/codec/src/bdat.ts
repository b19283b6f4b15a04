import { view } from './bytes.js';

/** What one {@link BdatChunkReader.push} produced. */
export interface BdatReadResult {
  /** The chunk's octets found in this push (a view into it), or undefined when there were none. */
  data: Uint8Array | undefined;
  /** True once all the chunk's octets have been read. */
  done: boolean;
  /** When done: the bytes after the chunk (the next command), possibly empty. */
  rest: Uint8Array | undefined;
}

function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`${what} must be a whole number of octets (0 or more), got ${size}`);
  }
}

/**
 * Reads the octets of one `BDAT n` chunk (RFC 3030): exactly `n` of them, whatever they are
 * (no dot-stuffing, no line-end checks), then hands back what follows.
 *
 * @example
 * ```ts
 * const reader = new BdatChunkReader(5);
 * reader.push(utf8('Hel'));             // { data: 'Hel', done: false }
 * reader.push(utf8('lo\r\nQUIT\r\n'));  // { data: 'lo', done: true, rest: '\r\nQUIT\r\n' }
 * ```
 */
export class BdatChunkReader {
  #remaining: number;

  /** @param size the chunk size announced by `BDAT`. */
  constructor(size: number) {
    checkSize(size, 'BDAT chunk size');
    this.#remaining = size;
  }

  /** Octets of the chunk still to come. */
  get remaining(): number {
    return this.#remaining;
  }

  /** True once all the chunk's octets have been read. */
  get done(): boolean {
    return this.#remaining === 0;
  }

  /** Reads from one input chunk; keeps no reference to it. */
  push(chunk: Uint8Array): BdatReadResult {
    if (this.#remaining === 0) return { data: undefined, done: true, rest: chunk };
    const take = Math.min(this.#remaining, chunk.length);
    this.#remaining -= take;
    const data = take > 0 ? view(chunk, 0, take) : undefined;
    if (this.#remaining > 0) return { data, done: false, rest: undefined };
    return { data, done: true, rest: view(chunk, take, chunk.length) };
  }
}

/** Formats a BDAT command line without its CRLF: `BDAT 1234` or `BDAT 1234 LAST`. */
export function formatBdatCommand(size: number, last: boolean): string {
  checkSize(size, 'BDAT chunk size');
  return last ? `BDAT ${size} LAST` : `BDAT ${size}`;
}

/** One BDAT chunk of a body: the command's size and LAST flag, and the octets that follow it. */
export interface BdatFrame {
  /** Octets in this chunk: the `n` of `BDAT n`. */
  size: number;
  /** True for the final chunk, sent as `BDAT n LAST`. */
  last: boolean;
  /** A view into the body. */
  data: Uint8Array;
}

/**
 * Splits a body into BDAT chunks of at most `chunkSize` octets; the final one has `last: true`.
 * An empty body gives one empty LAST chunk (`BDAT 0 LAST`).
 */
export function* bdatFrames(body: Uint8Array, chunkSize: number): Generator<BdatFrame, void, undefined> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`BDAT chunkSize must be a whole number of at least 1, got ${chunkSize}`);
  }
  let at = 0;
  do {
    const end = Math.min(body.length, at + chunkSize);
    yield { size: end - at, last: end === body.length, data: view(body, at, end) };
    at = end;
  } while (at < body.length);
}
