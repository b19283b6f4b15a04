import { CR, CRLF, concatBytes, DOT, isStrictLineEndings, LF, type LineEndingPolicy, view } from './bytes.js';
import { DotDecoder } from './dot-decoder.js';
import { type LineEndScanner, SCAN_BARE } from './line-end-scan.js';
import { defaultLineEndScanner } from './line-end-scanner.js';

/** Options of {@link DotEncoder} and {@link dotStuff}. */
export interface DotEncoderOptions {
  /**
   * `normalize` (default): a bare LF or bare CR becomes CRLF. `reject`: the first one throws
   * {@link BareLineEndingError}. Either way the output never holds a bare CR or LF.
   */
  bareLineEndings?: 'normalize' | 'reject';
}

/** A bare LF or bare CR where only CRLF may end a line. */
export class BareLineEndingError extends Error {
  override readonly name = 'BareLineEndingError';
  /** Which kind of bare line end. */
  readonly kind: 'bare-lf' | 'bare-cr';
  /** Where it is: the octet offset in the input, when known. */
  readonly offset: number | undefined;

  constructor(kind: 'bare-lf' | 'bare-cr', offset?: number) {
    const what = kind === 'bare-lf' ? 'LF without CR' : 'CR without LF';
    super(
      offset === undefined
        ? `message has a line ending in ${what}; SMTP lines end with CRLF`
        : `message has a line ending in ${what} at octet ${offset}; SMTP lines end with CRLF`,
    );
    this.kind = kind;
    this.offset = offset;
  }
}

/** Where the encoder stands between two input bytes. */
type Position =
  /** At the start of a line: a `.` here gets doubled. */
  | 'line-start'
  /** Inside a line. */
  | 'text'
  /** The last byte was a CR (already written); LF next completes the line end. */
  | 'after-cr'
  /** {@link DotEncoder.end} was called. */
  | 'ended';

const DOT_ONLY: Uint8Array = Uint8Array.of(DOT);
const LF_ONLY: Uint8Array = Uint8Array.of(LF);
const TERMINATOR: Uint8Array = Uint8Array.of(DOT, CR, LF);
const CRLF_TERMINATOR: Uint8Array = Uint8Array.of(CR, LF, DOT, CR, LF);

/**
 * Dot-stuffs a message body for `DATA` as it streams, in constant memory: a line starting with
 * `.` gets one more, bare line ends become CRLF (or are refused), and {@link DotEncoder.end}
 * adds the terminator. Output pieces are views into the input plus small shared constants
 * (do not modify them).
 *
 * @example
 * ```ts
 * const encoder = new DotEncoder();
 * socket.write(concatBytes(encoder.push(utf8('Subject: hi\r\n\r\n.dot'))));
 * socket.write(encoder.end()); // '\r\n.\r\n': CRLF because the body did not end with one
 * ```
 */
export class DotEncoder {
  readonly #reject: boolean;
  readonly #scanner: LineEndScanner;
  #position: Position = 'line-start';
  #lastByte = LF;
  #consumed = 0;

  constructor(options: DotEncoderOptions = {}, scanner: LineEndScanner = defaultLineEndScanner()) {
    const { bareLineEndings = 'normalize' } = options;
    if (bareLineEndings !== 'normalize' && bareLineEndings !== 'reject') {
      throw new RangeError(
        `bareLineEndings must be 'normalize' or 'reject', got ${JSON.stringify(bareLineEndings)}`,
      );
    }
    this.#reject = bareLineEndings === 'reject';
    this.#scanner = scanner;
  }

  /**
   * Encodes one chunk of the body. The encoder keeps no reference to it.
   *
   * @throws {@link BareLineEndingError} in `reject` mode at the first bare LF or CR.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#position === 'ended') throw new Error('DotEncoder.push called after end()');
    const length = chunk.length;
    if (length === 0) return [];
    this.#scanner.forget();
    const out: Uint8Array[] = [];
    let from = 0; // first byte of `chunk` not yet written
    let at = 0;
    if (this.#position === 'after-cr') {
      if (chunk[0] === LF) at = 1;
      else this.#bare(out, 'bare-cr', -1, LF_ONLY);
      this.#position = 'line-start';
    }
    if (this.#position === 'line-start' && at < length && chunk[at] === DOT) {
      if (at > from) out.push(view(chunk, from, at));
      out.push(DOT_ONLY);
      from = at;
    }
    const last = length - 1;
    for (;;) {
      const stop = this.#scanner.find(chunk, at, last, this.#lastByte, SCAN_BARE);
      if (stop >= last) break;
      const previous = stop === 0 ? this.#lastByte : (chunk[stop - 1] as number);
      if (chunk[stop] === LF && previous === CR) {
        // CRLF followed by a dot: the scanner stops only there for a well-formed line end.
        out.push(view(chunk, from, stop + 1), DOT_ONLY);
        from = stop + 1;
      } else {
        if (stop > from) out.push(view(chunk, from, stop));
        this.#bare(out, chunk[stop] === LF ? 'bare-lf' : 'bare-cr', stop, CRLF);
        from = stop + 1;
        if (chunk[from] === DOT) out.push(DOT_ONLY);
      }
      at = stop + 1;
    }
    this.#finishChunk(out, chunk, from);
    this.#consumed += length;
    this.#lastByte = chunk[last] as number;
    return out;
  }

  /**
   * Closes the body: a CRLF if it did not end with one (an empty body needs none), then `.CRLF`.
   *
   * @throws {@link BareLineEndingError} in `reject` mode when the body ended with a bare CR.
   */
  end(): Uint8Array {
    const position = this.#position;
    if (position === 'ended') throw new Error('DotEncoder.end called twice');
    this.#position = 'ended';
    if (position === 'after-cr') {
      if (this.#reject) throw new BareLineEndingError('bare-cr', this.#consumed - 1);
      return Uint8Array.of(LF, DOT, CR, LF);
    }
    return (position === 'text' ? CRLF_TERMINATOR : TERMINATOR).slice();
  }

  /** Writes the chunk's last byte (whose successor is not known yet) and what comes before it. */
  #finishChunk(out: Uint8Array[], chunk: Uint8Array, from: number): void {
    const last = chunk.length - 1;
    const byte = chunk[last] as number;
    const previous = last === 0 ? this.#lastByte : (chunk[last - 1] as number);
    if (byte === LF && previous !== CR) {
      if (last > from) out.push(view(chunk, from, last));
      this.#bare(out, 'bare-lf', last, CRLF);
      this.#position = 'line-start';
      return;
    }
    if (last >= from) out.push(view(chunk, from, chunk.length));
    this.#position = byte === CR ? 'after-cr' : byte === LF ? 'line-start' : 'text';
  }

  /** Handles a bare line end at chunk offset `at`: throws, or writes its replacement. */
  #bare(out: Uint8Array[], kind: 'bare-lf' | 'bare-cr', at: number, replacement: Uint8Array): void {
    if (this.#reject) throw new BareLineEndingError(kind, this.#consumed + at);
    out.push(replacement);
  }
}

/**
 * Dot-stuffs a whole body and appends the terminator: the exact bytes to send after `DATA`'s
 * `354` reply.
 *
 * @throws {@link BareLineEndingError} with `bareLineEndings: 'reject'` at a bare LF or CR.
 */
export function dotStuff(body: Uint8Array, options: DotEncoderOptions = {}): Uint8Array {
  const encoder = new DotEncoder(options);
  const parts = encoder.push(body);
  parts.push(encoder.end());
  return concatBytes(parts);
}

/** Options of {@link dotUnstuff}. */
export interface DotUnstuffOptions {
  /** `strict` (default) throws on a bare LF or CR; `lenient` keeps them as content. */
  lineEndings?: LineEndingPolicy;
}

/**
 * Reads DATA content from its wire form: un-dot-stuffs up to the `<CRLF>.<CRLF>` terminator.
 * Returns the body and the bytes after the terminator (either may be a view into `wire`), or
 * `undefined` when there is no terminator.
 *
 * @throws {@link BareLineEndingError} in strict mode (the default) at a bare LF or CR.
 */
export function dotUnstuff(
  wire: Uint8Array,
  options: DotUnstuffOptions = {},
): { body: Uint8Array; rest: Uint8Array } | undefined {
  const decoder = new DotDecoder({
    lineEndings: isStrictLineEndings(options.lineEndings) ? 'strict' : 'lenient',
  });
  const { body, done, rest } = decoder.push(wire);
  const error = decoder.lineEndingError;
  if (error !== undefined) throw new BareLineEndingError(error);
  if (!done || rest === undefined) return undefined;
  return { body: body.length === 0 ? new Uint8Array(0) : concatBytes(body), rest };
}
