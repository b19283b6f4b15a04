import { CR, concatBytes, LF, type LineEndingPolicy, utf8 } from './bytes.js';
import type { Reply } from './reply.js';

/** Why a reply could not be read. */
export type ReplySyntaxReason =
  | 'missing-code'
  | 'bad-code'
  | 'code-out-of-range'
  | 'bad-separator'
  | 'mixed-codes'
  | 'line-too-long'
  | 'too-many-lines'
  | 'bare-lf'
  | 'bare-cr'
  | 'incomplete'
  | 'extra-data';

/** A reply from a server that breaks RFC 5321 §4.2 syntax or the parser's limits. */
export class ReplySyntaxError extends Error {
  override readonly name = 'ReplySyntaxError';
  /** What was wrong, for programs. */
  readonly reason: ReplySyntaxReason;
  /** The offending line (decoded, without its line end, cut at 200 characters), when there was one. */
  readonly line: string | undefined;

  constructor(reason: ReplySyntaxReason, message: string, line?: string) {
    super(message);
    this.reason = reason;
    this.line = line;
  }
}

/** One result of {@link ReplyParser.push}: a complete reply, or the reason a reply was dropped. */
export type ReplyEvent = { kind: 'reply'; reply: Reply } | { kind: 'error'; error: ReplySyntaxError };

/** Limits and line-end policy of a {@link ReplyParser}. */
export interface ReplyParserOptions {
  /**
   * Longest line accepted, counting its line end. Default 2048: four times RFC 5321's 512, since
   * real servers exceed it in EHLO and error texts, while still bounding memory.
   */
  maxLineLength?: number;
  /** Most lines one reply may have. Default 1000. */
  maxLines?: number;
  /**
   * `'lenient'` (default) also ends a line at a bare LF; `'strict'` reports a bare LF as an error.
   * Lenient is the default because a client gains nothing by refusing a server whose replies end
   * in LF (some appliances and test servers do) and a bare LF in a reply cannot smuggle anything.
   * A CR that is not followed by LF is an error in both modes: it has no honest use in a reply.
   */
  lineEndings?: LineEndingPolicy;
}

const DEFAULT_MAX_LINE_LENGTH = 2048;
const DEFAULT_MAX_LINES = 1000;
const HYPHEN = 0x2d;
const SPACE = 0x20;
const ENHANCED_PREFIX = /^([245])\.\d{1,3}\.\d{1,3}(?= |$)/;
// ignoreBOM keeps a U+FEFF where it was: a line must read the same however it was chunked.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Where the parser stands between lines. One value instead of flags, so every combination the
 * code handles is named here.
 * - `between`: the next line starts a reply.
 * - `in-reply`: continuation lines of a reply with this code have been read.
 * - `skipping`: an error hit a continuation line; lines are dropped up to the reply's last line.
 * - `discarding`: an over-long line is being dropped up to its LF; `thenSkip` says whether the
 *   rest of its reply goes too.
 */
type State =
  | { readonly mode: 'between' }
  | { readonly mode: 'in-reply'; readonly code: number; readonly lines: string[]; readonly enhanced?: string }
  | { readonly mode: 'skipping' }
  | { readonly mode: 'discarding'; readonly thenSkip: boolean };

const BETWEEN: State = { mode: 'between' };
const SKIPPING: State = { mode: 'skipping' };

function positiveInteger(value: number | undefined, fallback: number, name: string, minimum: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`ReplyParser ${name} must be an integer of at least ${minimum}, got ${value}`);
  }
  return value;
}

/** The start of a line for an error message: at most 200 octets, so one long line cannot flood a log. */
function shown(bytes: Uint8Array): string {
  return decoder.decode(bytes.subarray(0, 200));
}

/**
 * True for a line (`bytes[from]` up to the LF at `lf`, or a line start without its LF) that
 * would end a reply: its fourth octet is a space, or it is a bare code.
 */
function looksFinal(bytes: Uint8Array, from: number, lf = bytes.length): boolean {
  const fourth = from + 3 <= lf ? bytes[from + 3] : undefined;
  return fourth === undefined || fourth === SPACE || fourth === CR || fourth === LF;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Reads SMTP replies (RFC 5321 §4.2) from a byte stream, however it is split into chunks.
 *
 * Accepted: codes 200-599 (RFC 5321 defines no 1xx replies, so a 1xx line is an error, as is
 * anything from 600 up), lines `CODE-text` continuing a reply and `CODE text` or a bare `CODE`
 * ending it, all lines of one reply carrying the same code. Text is decoded as UTF-8 (invalid
 * octets become U+FFFD). An RFC 3463 enhanced code is read from the first line when its class
 * digit matches the reply's first digit (`250 2.1.0 Ok`, but not `250 5.1.0 ...`).
 *
 * After an error the reply in progress is dropped with the offending line. When the broken reply
 * has more lines to come (the offending line was a continuation line, or it broke a reply in
 * progress without looking like a last line), they are dropped up to the next line that looks
 * like a last line, so the next reply is read in step. A client should still treat any error as a
 * broken server and close the connection.
 *
 * @example
 * ```ts
 * const parser = new ReplyParser();
 * parser.push(utf8('250-mx.example.test\r\n250 SIZE 10'));  // []
 * parser.push(utf8('00\r\n'));  // [{ kind: 'reply', reply: { code: 250, lines: ['mx.example.test', 'SIZE 1000'] } }]
 * ```
 */
export class ReplyParser {
  readonly #maxLineLength: number;
  readonly #maxLines: number;
  readonly #strict: boolean;
  #state: State = BETWEEN;
  /** Raw lines of the reply in progress, copied out of earlier chunks, kept for {@link takeRest}. */
  #held: Uint8Array[] = [];
  #heldLength = 0;
  /**
   * Where the reply in progress started in the block being read, or -1: its lines are copied
   * once, at the end of the block, only if the reply is still unfinished then.
   */
  #heldFrom = -1;
  /** The start of a line whose LF has not arrived yet. */
  #partial: Uint8Array[] = [];
  #partialLength = 0;

  constructor(options: ReplyParserOptions = {}) {
    this.#maxLineLength = positiveInteger(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH, 'maxLineLength', 8);
    this.#maxLines = positiveInteger(options.maxLines, DEFAULT_MAX_LINES, 'maxLines', 1);
    const { lineEndings = 'lenient' } = options;
    if (lineEndings !== 'strict' && lineEndings !== 'lenient') {
      throw new RangeError(`lineEndings must be 'strict' or 'lenient', got ${JSON.stringify(lineEndings)}`);
    }
    this.#strict = lineEndings === 'strict';
  }

  /** Octets received but not yet part of a reported reply or error: what {@link takeRest} would return. */
  get buffered(): number {
    return this.#heldLength + this.#partialLength;
  }

  /**
   * Returns the octets after the last complete reply (a partial line, or the first lines of an
   * unfinished reply) and starts afresh. A client calls it after the `220` to STARTTLS: anything
   * here was sent before the TLS handshake and must not be trusted.
   */
  takeRest(): Uint8Array {
    // Held lines and the partial line are private copies, so the result may be one of them.
    const rest = concatBytes([...this.#held, ...this.#partial]);
    this.#state = BETWEEN;
    this.#held = [];
    this.#heldLength = 0;
    this.#partial = [];
    this.#partialLength = 0;
    return rest;
  }

  /** Feeds received octets; returns the replies (and errors) completed by them, in order. */
  push(chunk: Uint8Array): ReplyEvent[] {
    const events: ReplyEvent[] = [];
    let start = 0;
    if (this.#state.mode === 'discarding') {
      const lf = chunk.indexOf(LF);
      if (lf === -1) return events;
      this.#state = this.#state.thenSkip ? SKIPPING : BETWEEN;
      start = lf + 1;
    }
    if (this.#partialLength > 0 && start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.#keepPartial(chunk.subarray(start), events);
        return events;
      }
      const line = concatBytes([...this.#partial, chunk.subarray(start, lf + 1)]);
      this.#partial = [];
      this.#partialLength = 0;
      const text = decoder.decode(line);
      this.#line(text, 0, text.length - 1, line, 0, line.length - 1, events);
      this.#keepHeld(line);
      start = lf + 1;
    }
    // Every complete line of the chunk is decoded in one call: an LF never sits inside a UTF-8
    // sequence, so the text splits into the same lines as the octets do.
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf >= start) {
      const block = chunk.subarray(start, lastLf + 1);
      const text = decoder.decode(block);
      // As long as the text is as long as the octets, every octet became one character (see
      // the tests), so text offsets are octet offsets and the octets need no second scan.
      const aligned = text.length === block.length;
      let textFrom = 0;
      let byteFrom = 0;
      while (textFrom < text.length) {
        const textLf = text.indexOf('\n', textFrom);
        const byteLf = aligned ? textLf : block.indexOf(LF, byteFrom);
        this.#line(text, textFrom, textLf, block, byteFrom, byteLf, events);
        textFrom = textLf + 1;
        byteFrom = byteLf + 1;
      }
      this.#keepHeld(block);
      start = lastLf + 1;
    }
    if (start < chunk.length) this.#keepPartial(chunk.subarray(start), events);
    return events;
  }

  #keepPartial(tail: Uint8Array, events: ReplyEvent[]): void {
    this.#partial.push(tail.slice());
    this.#partialLength += tail.length;
    if (this.#partialLength < this.#maxLineLength) return;
    // Only as much as a complete over-long line would show, so the error reads the same however
    // the line was split.
    const head = concatBytes(this.#partial).subarray(0, Math.min(200, this.#maxLineLength - 2));
    this.#partial = [];
    this.#partialLength = 0;
    if (this.#state.mode === 'skipping') {
      this.#state = { mode: 'discarding', thenSkip: !looksFinal(head, 0) };
      return;
    }
    const thenSkip = this.#fail(
      'line-too-long',
      `reply line longer than ${this.#maxLineLength} octets`,
      head,
      events,
    );
    this.#state = { mode: 'discarding', thenSkip };
  }

  /**
   * Handles one complete line: `text[textFrom..textLf]` decoded, `bytes[byteFrom..byteLf]` as
   * received (both up to and including the LF).
   */
  #line(
    text: string,
    textFrom: number,
    textLf: number,
    bytes: Uint8Array,
    byteFrom: number,
    byteLf: number,
    events: ReplyEvent[],
  ): void {
    if (this.#state.mode === 'skipping') {
      if (looksFinal(bytes, byteFrom, byteLf)) this.#state = BETWEEN;
      return;
    }
    const crlf = textLf > textFrom && text.charCodeAt(textLf - 1) === CR;
    const end = crlf ? textLf - 1 : textLf;
    const problem = this.#lineProblem(text, textFrom, end, crlf, byteLf - byteFrom + 1);
    if (problem !== undefined) {
      const [reason, message] = problem;
      const shownEnd =
        reason === 'line-too-long' ? byteFrom + Math.min(200, this.#maxLineLength - 2) : byteLf + 1;
      this.#fail(reason, message, bytes.subarray(byteFrom, shownEnd), events);
      return;
    }
    const code =
      (text.charCodeAt(textFrom) - 0x30) * 100 +
      (text.charCodeAt(textFrom + 1) - 0x30) * 10 +
      (text.charCodeAt(textFrom + 2) - 0x30);
    const last = end === textFrom + 3 || text.charCodeAt(textFrom + 3) === SPACE;
    const lineText = end <= textFrom + 4 ? '' : text.slice(textFrom + 4, end);
    const state = this.#state;
    if (state.mode === 'in-reply') {
      if (code !== state.code) {
        const raw = bytes.subarray(byteFrom, byteLf + 1);
        this.#fail('mixed-codes', `reply line with code ${code} inside a ${state.code} reply`, raw, events);
        return;
      }
      if (state.lines.length >= this.#maxLines) {
        const raw = bytes.subarray(byteFrom, byteLf + 1);
        this.#fail('too-many-lines', `reply has more than ${this.#maxLines} lines`, raw, events);
        return;
      }
      state.lines.push(lineText);
      if (last) this.#emit(code, state.lines, state.enhanced, events);
      else this.#holdInBlock(byteFrom);
      return;
    }
    const enhanced = ENHANCED_PREFIX.exec(lineText);
    const enhancedCode =
      enhanced !== null && Number(enhanced[1]) === Math.floor(code / 100) ? enhanced[0] : undefined;
    if (last) {
      this.#emit(code, [lineText], enhancedCode, events);
      return;
    }
    if (this.#maxLines < 2) {
      const raw = bytes.subarray(byteFrom, byteLf + 1);
      this.#fail('too-many-lines', `reply has more than ${this.#maxLines} lines`, raw, events);
      return;
    }
    this.#state =
      enhancedCode === undefined
        ? { mode: 'in-reply', code, lines: [lineText] }
        : { mode: 'in-reply', code, lines: [lineText], enhanced: enhancedCode };
    this.#holdInBlock(byteFrom);
  }

  /**
   * What makes a line unusable, if anything, as `[reason, message]`. The line is
   * `text[from..end)` without its line end; `octets` is its length on the wire with the line end.
   */
  #lineProblem(
    text: string,
    from: number,
    end: number,
    crlf: boolean,
    octets: number,
  ): [ReplySyntaxReason, string] | undefined {
    if (octets > this.#maxLineLength) {
      return ['line-too-long', `reply line longer than ${this.#maxLineLength} octets`];
    }
    if (!crlf && this.#strict) return ['bare-lf', 'reply line ends in a bare LF instead of CRLF'];
    const cr = text.indexOf('\r', from);
    if (cr !== -1 && cr < end) return ['bare-cr', 'reply line contains a CR that does not end the line'];
    if (end === from) return ['missing-code', 'empty line where a reply was expected'];
    const first = text.charCodeAt(from);
    if (!isDigit(first) || !isDigit(text.charCodeAt(from + 1)) || !isDigit(text.charCodeAt(from + 2))) {
      return end - from < 3 || !isDigit(first)
        ? ['missing-code', 'reply line does not start with a three-digit code']
        : ['bad-code', 'reply code is not three digits'];
    }
    const separator = text.charCodeAt(from + 3);
    if (end > from + 3 && separator !== SPACE && separator !== HYPHEN) {
      return ['bad-separator', 'reply code is followed by neither a space nor "-"'];
    }
    if (first < 0x32 || first > 0x35) {
      return ['code-out-of-range', 'reply code outside 200-599 (SMTP has no other reply classes)'];
    }
    return undefined;
  }

  /** Keeps a continuation line of the block being read (`byteFrom` is its start in the block). */
  #holdInBlock(byteFrom: number): void {
    if (this.#heldFrom === -1) this.#heldFrom = byteFrom;
  }

  /** Copies the lines of a still unfinished reply out of the block before the caller reuses it. */
  #keepHeld(block: Uint8Array): void {
    if (this.#heldFrom === -1) return;
    const lines = block.slice(this.#heldFrom);
    this.#held.push(lines);
    this.#heldLength += lines.length;
    this.#heldFrom = -1;
  }

  #dropHeld(): void {
    this.#held = [];
    this.#heldLength = 0;
    this.#heldFrom = -1;
  }

  #emit(code: number, lines: string[], enhanced: string | undefined, events: ReplyEvent[]): void {
    events.push({
      kind: 'reply',
      reply: enhanced === undefined ? { code, lines } : { code, enhanced, lines },
    });
    this.#state = BETWEEN;
    this.#dropHeld();
  }

  /**
   * Reports an error and drops the reply in progress. When more lines of the broken reply are
   * to come (the line was a continuation line, or it broke a reply in progress without looking
   * like its last line), they are skipped so the next reply is read in step. Returns whether
   * they are.
   */
  #fail(reason: ReplySyntaxReason, message: string, raw: Uint8Array, events: ReplyEvent[]): boolean {
    let end = raw.length;
    if (raw[end - 1] === LF) end--;
    if (raw[end - 1] === CR) end--;
    const line = shown(raw.subarray(0, end));
    events.push({
      kind: 'error',
      error: new ReplySyntaxError(reason, `${message}: ${JSON.stringify(line)}`, line),
    });
    const moreToCome = raw[3] === HYPHEN || (this.#state.mode === 'in-reply' && !looksFinal(raw, 0));
    this.#state = moreToCome ? SKIPPING : BETWEEN;
    this.#dropHeld();
    return moreToCome;
  }
}

/**
 * Parses one complete reply from text (lines ending in CRLF or LF; the last line end may be
 * left out). For tests and tools; a connection uses {@link ReplyParser}.
 *
 * @throws ReplySyntaxError when the text is not exactly one well-formed reply.
 * @example
 * ```ts
 * parseReply('550 5.1.1 No such user'); // { code: 550, enhanced: '5.1.1', lines: ['5.1.1 No such user'] }
 * ```
 */
export function parseReply(text: string, options: Omit<ReplyParserOptions, 'lineEndings'> = {}): Reply {
  const parser = new ReplyParser({ ...options, lineEndings: 'lenient' });
  const events = parser.push(utf8(text.endsWith('\n') ? text : `${text}\r\n`));
  const first = events[0];
  if (first?.kind === 'error') throw first.error;
  if (first === undefined) throw new ReplySyntaxError('incomplete', 'reply ends before its last line');
  if (events.length > 1 || parser.buffered > 0) {
    throw new ReplySyntaxError('extra-data', 'text continues after the end of the reply');
  }
  return first.reply;
}
