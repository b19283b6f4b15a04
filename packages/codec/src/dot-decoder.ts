import { CR, DOT, isStrictLineEndings, LF, type LineEndingPolicy, view } from './bytes.js';
import { type LineEndScanner, SCAN_BARE, SCAN_EVERY_LF } from './line-end-scan.js';
import { defaultLineEndScanner } from './line-end-scanner.js';

/** Options of {@link DotDecoder}. */
export interface DotDecoderOptions {
  /**
   * Limit on the unstuffed body in octets. Past it the decoder emits no more body (the first
   * `maxSize` octets are emitted) and sets {@link DotDecoder.oversize}, but keeps reading to the end.
   */
  maxSize?: number;
  /**
   * `strict` (default): a bare LF or bare CR sets {@link DotDecoder.lineEndingError}.
   * `lenient`: bare LF and bare CR are content, kept as they came. In both modes only
   * `<CRLF>.<CRLF>` exactly as on the wire ends the data.
   */
  lineEndings?: LineEndingPolicy;
  /**
   * When set, a line longer than this many octets (as on the wire, the line end and any stuffing
   * dot included; a line ends at LF) sets {@link DotDecoder.longLine}. The data is still read to
   * its end.
   */
  maxLineLength?: number;
}

/** What one {@link DotDecoder.push} produced. */
export interface DotDecodeResult {
  /** Unstuffed body pieces in order: views into the pushed chunk wherever possible. */
  body: Uint8Array[];
  /** True once the terminating `<CRLF>.<CRLF>` has been read. */
  done: boolean;
  /** When done: the bytes after the terminator (pipelined commands), possibly empty. */
  rest: Uint8Array | undefined;
}

/** Where the decoder stands between two bytes; one value instead of a handful of flags. */
type Position =
  /** Inside a line: only a CR or LF can change anything. */
  | 'text'
  /** At the start of a line (and at the start of the data): a `.` here is special. */
  | 'line-start'
  /** The last byte was a CR; whether it ends a line depends on the next byte. */
  | 'after-cr'
  /** A line started with `.`, which was dropped; `CR LF` next would end the data. */
  | 'dot'
  /** A line started with `.` then CR (held back); LF next ends the data. */
  | 'dot-cr'
  /** The terminator has been read. */
  | 'done';

const HELD_CR: Uint8Array = Uint8Array.of(CR);

/**
 * Reads the content of an SMTP `DATA` command: un-dot-stuffs it and finds the terminating
 * `<CRLF>.<CRLF>`, across chunks split anywhere. Feed it the bytes that follow the `DATA` line.
 *
 * Only `<CRLF>.<CRLF>` exactly as on the wire ends the data, in both modes, so `<LF>.<LF>`,
 * `<CR>.<CR>`, `<LF>.<CR><LF>` and `<CR><LF>.<LF>` never do (SMTP smuggling,
 * CVE-2023-51764/51765/51766). The body keeps every CRLF, including the one before the
 * terminator; NUL and 8-bit octets are content.
 *
 * @example
 * ```ts
 * const decoder = new DotDecoder({ maxSize: 10_000_000 });
 * const { body, done, rest } = decoder.push(utf8('Subject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n'));
 * // body joins to 'Subject: hi\r\n\r\n.dot\r\n', done === true, rest is 'QUIT\r\n'
 * ```
 */
export class DotDecoder {
  readonly #maxSize: number;
  readonly #maxLineLength: number;
  readonly #strict: boolean;
  readonly #flags: number;
  readonly #scanner: LineEndScanner;
  #position: Position = 'line-start';
  /** The last byte of the previous chunk: what precedes position 0 of the next one. */
  #lastByte = LF;
  /** Octets of earlier chunks, to measure lines that span chunks. */
  #consumed = 0;
  #lineStart = 0;
  #size = 0;
  #longLine = false;
  #lineEndingError: 'bare-lf' | 'bare-cr' | undefined;

  constructor(options: DotDecoderOptions = {}, scanner: LineEndScanner = defaultLineEndScanner()) {
    const { maxSize = Number.POSITIVE_INFINITY, maxLineLength = Number.POSITIVE_INFINITY } = options;
    if (!(maxSize >= 0) || (maxSize !== Number.POSITIVE_INFINITY && !Number.isInteger(maxSize))) {
      throw new RangeError(`maxSize must be a whole number of octets (0 or more), got ${maxSize}`);
    }
    if (
      !(maxLineLength >= 1) ||
      (maxLineLength !== Number.POSITIVE_INFINITY && !Number.isInteger(maxLineLength))
    ) {
      throw new RangeError(
        `maxLineLength must be a whole number of octets (1 or more), got ${maxLineLength}`,
      );
    }
    this.#maxSize = maxSize;
    this.#maxLineLength = maxLineLength;
    this.#strict = isStrictLineEndings(options.lineEndings);
    this.#flags = (this.#strict ? SCAN_BARE : 0) | (options.maxLineLength === undefined ? 0 : SCAN_EVERY_LF);
    this.#scanner = scanner;
  }

  /** Unstuffed octets read so far, counted even past `maxSize`. */
  get size(): number {
    return this.#size;
  }

  /** True when the body grew past `maxSize` (the emitted body stops at `maxSize` octets). */
  get oversize(): boolean {
    return this.#size > this.#maxSize;
  }

  /** True when some line was longer than `maxLineLength`. */
  get longLine(): boolean {
    return this.#longLine;
  }

  /** Strict mode: the first bare LF or bare CR seen, if any. The server answers 521 and stores nothing. */
  get lineEndingError(): 'bare-lf' | 'bare-cr' | undefined {
    return this.#lineEndingError;
  }

  /** True once the terminator has been read; later pushes return everything as `rest`. */
  get done(): boolean {
    return this.#position === 'done';
  }

  /**
   * Reads one chunk. The decoder keeps no reference to it after returning; `body` and `rest`
   * are views into it (plus, rarely, a one-byte CR that was held back from the chunk before).
   */
  push(chunk: Uint8Array): DotDecodeResult {
    if (this.#position === 'done') return { body: [], done: true, rest: chunk };
    const length = chunk.length;
    if (length === 0) return { body: [], done: false, rest: undefined };
    this.#scanner.forget();
    const body: Uint8Array[] = [];
    let from = 0; // first byte of `chunk` not yet emitted or dropped
    let at = 0;
    while (at < length) {
      const byte = chunk[at] as number;
      switch (this.#position) {
        case 'text': {
          const stop = this.#scanner.find(chunk, at, length - 1, this.#lastByte, this.#flags);
          at = this.#afterStop(chunk, stop);
          continue;
        }
        case 'line-start':
          if (byte === DOT) {
            this.#emit(body, chunk, from, at);
            from = at + 1;
            at += 1;
            this.#position = 'dot';
          } else {
            this.#position = 'text';
          }
          continue;
        case 'dot':
          if (byte === CR) {
            at += 1;
            this.#position = 'dot-cr';
          } else {
            this.#position = 'text';
          }
          continue;
        case 'dot-cr':
          if (byte === LF) {
            this.#position = 'done';
            this.#emit(body, chunk, from, at - 1);
            return { body, done: true, rest: view(chunk, at + 1, length) };
          }
          // The CR after a stuffing dot is content, and not followed by LF: a bare CR.
          if (at === 0) this.#emit(body, HELD_CR, 0, 1);
          this.#bare('bare-cr');
          this.#position = 'text';
          continue;
        case 'after-cr':
          if (byte === LF) {
            this.#lineEnd(at);
            at += 1;
            this.#position = 'line-start';
          } else {
            this.#bare('bare-cr');
            this.#position = 'text';
          }
          continue;
      }
    }
    // A CR held back after a stuffing dot is emitted only once the next chunk shows it is content.
    this.#emit(body, chunk, from, this.#position === 'dot-cr' ? length - 1 : length);
    this.#consumed += length;
    this.#lastByte = chunk[length - 1] as number;
    return { body, done: false, rest: undefined };
  }

  /**
   * Handles the byte at `stop` (a scanner stop, or the chunk's last byte, whose successor is not
   * known yet) and returns where scanning goes on.
   */
  #afterStop(chunk: Uint8Array, stop: number): number {
    const byte = chunk[stop] as number;
    if (byte === CR) {
      if (stop === chunk.length - 1) this.#position = 'after-cr';
      else this.#bare('bare-cr');
      return stop + 1;
    }
    if (byte !== LF) return stop + 1;
    this.#lineEnd(stop);
    const previous = stop === 0 ? this.#lastByte : (chunk[stop - 1] as number);
    if (previous === CR) this.#position = 'line-start';
    else this.#bare('bare-lf');
    return stop + 1;
  }

  /** Records the end of a line at chunk index `lf` (the LF itself). */
  #lineEnd(lf: number): void {
    const end = this.#consumed + lf + 1;
    if (end - this.#lineStart > this.#maxLineLength) this.#longLine = true;
    this.#lineStart = end;
  }

  #bare(kind: 'bare-lf' | 'bare-cr'): void {
    if (this.#strict) this.#lineEndingError ??= kind;
  }

  /** Adds `bytes[start, end)` to the body, up to `maxSize` octets in all. */
  #emit(body: Uint8Array[], bytes: Uint8Array, start: number, end: number): void {
    const count = end - start;
    if (count <= 0) return;
    const room = this.#maxSize - this.#size;
    this.#size += count;
    if (room <= 0) return;
    body.push(view(bytes, start, count > room ? start + room : end));
  }
}
