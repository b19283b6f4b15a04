import { CR, concatBytes, isStrictLineEndings, LF, type LineEndingPolicy, view } from './bytes.js';
import { type LineEndScanner, SCAN_BARE, SCAN_EVERY_LF } from './line-end-scan.js';
import { defaultLineEndScanner } from './line-end-scanner.js';

/** Options of {@link LineFramer}. */
export interface LineFramerOptions {
  /** Longest accepted line in octets, its line end included. Default 512 (RFC 5321 §4.5.3.1.4). */
  maxLineLength?: number;
  /**
   * `strict` (default): only CRLF ends a line; a line ended by a bare LF or holding a bare CR is
   * reported instead of returned. `lenient`: a bare LF also ends a line, and a CR not followed by
   * LF is content.
   */
  lineEndings?: LineEndingPolicy;
}

/**
 * What {@link LineFramer.next} found. Every input line gives exactly one event. When a line has
 * several faults, the line-ending fault wins (`bare-lf`, then `bare-cr`), then `too-long`: a
 * server closes the connection for the first two but only refuses the command for the third.
 */
export type LineEvent =
  /** A complete line, without its line end: a view into the input when it lay in one chunk, else a copy. */
  | { kind: 'line'; line: Uint8Array }
  /** A line longer than the limit; `length` counts its octets and line end. Its bytes were discarded as they came. */
  | { kind: 'too-long'; length: number }
  /** Strict mode: a line ended by LF alone (the line is dropped). */
  | { kind: 'bare-lf' }
  /** Strict mode: a line holding a CR not followed by LF (the line is dropped). */
  | { kind: 'bare-cr' };

/** What is known to be wrong with the line being read; the worse fault replaces the lesser. */
type LineFault = 'none' | 'too-long' | 'bare-cr';

const BARE_LF_EVENT: LineEvent = Object.freeze({ kind: 'bare-lf' });
const BARE_CR_EVENT: LineEvent = Object.freeze({ kind: 'bare-cr' });
const EMPTY = new Uint8Array(0);

/**
 * Splits a byte stream into SMTP command lines. Pull based: {@link LineFramer.push} bytes, then
 * call {@link LineFramer.next} until it returns `undefined`; between two calls the caller may
 * switch to another reader (after `DATA`, `BDAT` or `STARTTLS`) and take the unread bytes with
 * {@link LineFramer.takeRest}. Any split of the same input into chunks gives the same events.
 *
 * Memory stays bounded: the framer keeps at most `maxLineLength - 1` octets of an unfinished
 * line; an over-long line is counted and discarded as it arrives, then reported once at its end.
 *
 * @example
 * ```ts
 * const framer = new LineFramer();
 * framer.push(utf8('EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n'));
 * for (let event = framer.next(); event; event = framer.next()) {
 *   if (event.kind === 'line') console.log(fromUtf8(event.line));
 * }
 * ```
 */
export class LineFramer {
  readonly #maxLineLength: number;
  readonly #strict: boolean;
  readonly #flags: number;
  readonly #scanner: LineEndScanner;
  /** Pushed chunks not yet fully read; the first one is read from `#offset`. */
  readonly #chunks: Uint8Array[] = [];
  #offset = 0;
  #unread = 0;
  /** The unfinished line's bytes from earlier chunks, while it is still wanted and short enough. */
  #partial: Uint8Array = EMPTY;
  #partialLength = 0;
  /** Octets of the unfinished line so far, a trailing CR included. */
  #lineLength = 0;
  #fault: LineFault = 'none';
  /** The last byte read: what precedes the first unread byte. */
  #lastByte = LF;
  /** The first chunk's memory, looked up once per chunk: reading `.buffer` per line is slow. */
  #viewSource: Uint8Array | undefined;
  #viewBuffer: ArrayBufferLike = EMPTY.buffer;
  #viewOffset = 0;

  constructor(options: LineFramerOptions = {}, scanner: LineEndScanner = defaultLineEndScanner()) {
    const maxLineLength = options.maxLineLength ?? 512;
    if (!Number.isInteger(maxLineLength) || maxLineLength < 3) {
      throw new RangeError(`maxLineLength must be an integer of at least 3, got ${maxLineLength}`);
    }
    this.#maxLineLength = maxLineLength;
    this.#strict = isStrictLineEndings(options.lineEndings);
    this.#flags = SCAN_EVERY_LF | (this.#strict ? SCAN_BARE : 0);
    this.#scanner = scanner;
  }

  /** Unread octets held: pushed bytes not yet read plus the kept part of an unfinished line. */
  get buffered(): number {
    return this.#unread + this.#partialLength;
  }

  /**
   * Queues a chunk. The framer keeps a reference to it until it is read, so the caller must not
   * change its contents; only the tail of an unfinished line is ever copied.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#unread += chunk.length;
    this.#scanner.forget();
  }

  /** The next event, or `undefined` when more input is needed to finish the current line. */
  next(): LineEvent | undefined {
    for (;;) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) return undefined;
      const start = this.#offset;
      const last = chunk.length - 1;
      if (start === 0 && this.#lastByte === CR && chunk[0] !== LF) this.#bareCr();
      const stop = this.#scanner.find(chunk, start, last, this.#lastByte, this.#flags);
      if (stop < last && chunk[stop] === CR) {
        this.#consume(chunk, start, stop + 1);
        this.#bareCr();
        continue;
      }
      if (stop < last || chunk[last] === LF) return this.#endLine(chunk, start, stop);
      this.#consume(chunk, start, chunk.length);
    }
  }

  /**
   * Removes and returns every unread byte (the kept part of an unfinished line first), for the
   * reader that takes over. The framer then starts afresh at the beginning of a line. Bytes of an
   * over-long or faulty line that were already discarded are not returned.
   */
  takeRest(): Uint8Array {
    const parts: Uint8Array[] = [];
    if (this.#partialLength > 0) parts.push(this.#partial.slice(0, this.#partialLength));
    const first = this.#chunks[0];
    if (first !== undefined) parts.push(view(first, this.#offset, first.length), ...this.#chunks.slice(1));
    this.#chunks.length = 0;
    this.#viewSource = undefined;
    this.#offset = 0;
    this.#unread = 0;
    this.#startLine();
    this.#lastByte = LF;
    return parts.length === 0 ? EMPTY : concatBytes(parts);
  }

  /** Finishes the line whose LF is at `lf` in `chunk` (its bytes in this chunk start at `start`). */
  #endLine(chunk: Uint8Array, start: number, lf: number): LineEvent {
    const previous = lf === 0 ? this.#lastByte : (chunk[lf - 1] as number);
    const length = this.#lineLength + (lf - start) + 1;
    const fault = this.#fault;
    const partial = this.#partialLength;
    this.#advance(chunk, lf + 1);
    this.#startLine();
    if (previous !== CR && this.#strict) return BARE_LF_EVENT;
    if (fault === 'bare-cr') return BARE_CR_EVENT;
    if (length > this.#maxLineLength) return { kind: 'too-long', length };
    const end = previous === CR ? lf - 1 : lf;
    if (partial === 0) return { kind: 'line', line: this.#view(chunk, start, end) };
    // The line began in an earlier chunk; a CR ending that chunk is not part of the line.
    const head = end < start ? partial - 1 : partial;
    const line = new Uint8Array(head + Math.max(0, end - start));
    line.set(this.#partial.subarray(0, head));
    if (end > start) line.set(view(chunk, start, end), head);
    return { kind: 'line', line };
  }

  /** A view of `chunk[start, end)`, as {@link view} but faster for many views of one chunk. */
  #view(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (chunk !== this.#viewSource) {
      this.#viewSource = chunk;
      this.#viewBuffer = chunk.buffer;
      this.#viewOffset = chunk.byteOffset;
    }
    return new Uint8Array(this.#viewBuffer, this.#viewOffset + start, end - start);
  }

  /** Reads `chunk[start, end)` as part of the unfinished line, keeping it only while it may be wanted. */
  #consume(chunk: Uint8Array, start: number, end: number): void {
    const count = end - start;
    this.#lineLength += count;
    if (this.#fault === 'none' && this.#lineLength >= this.#maxLineLength) {
      // Even the shortest line end would take it past the limit: stop keeping it.
      this.#fault = 'too-long';
      this.#partialLength = 0;
    }
    if (this.#fault === 'none') this.#keep(chunk, start, end);
    this.#advance(chunk, end);
  }

  #keep(chunk: Uint8Array, start: number, end: number): void {
    const needed = this.#partialLength + (end - start);
    if (needed > this.#partial.length) {
      const grown = new Uint8Array(
        Math.min(this.#maxLineLength, Math.max(needed, 2 * this.#partial.length, 64)),
      );
      grown.set(this.#partial.subarray(0, this.#partialLength));
      this.#partial = grown;
    }
    this.#partial.set(view(chunk, start, end), this.#partialLength);
    this.#partialLength = needed;
  }

  /** Marks bytes up to `end` of the first chunk as read. */
  #advance(chunk: Uint8Array, end: number): void {
    this.#unread -= end - this.#offset;
    this.#lastByte = chunk[end - 1] as number;
    if (end === chunk.length) {
      this.#chunks.shift();
      this.#offset = 0;
      this.#viewSource = undefined;
    } else {
      this.#offset = end;
    }
  }

  #bareCr(): void {
    if (!this.#strict) return;
    this.#fault = 'bare-cr';
    this.#partialLength = 0;
  }

  #startLine(): void {
    this.#partialLength = 0;
    this.#lineLength = 0;
    this.#fault = 'none';
  }
}
