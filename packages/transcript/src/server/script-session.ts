/**
 * One served session as a sans-IO state machine: the script plays the server for one client
 * connection. Bytes from the client go in ({@link ScriptSession.receive}); what to do next comes
 * out of {@link ScriptSession.next} as instructions (write, sleep, wait for input, start TLS,
 * close). No sockets, timers or clocks in here: the connection adapter does the waiting and
 * reports back (`timedOut`, `clientClosed`, `tlsStarted`).
 *
 * How the script is followed:
 * - Items run in file order. A `C:` item takes the next client line and checks it as a glob; a
 *   reply item is sent as written; directives act in place.
 * - Replies pair with what the client sent, in order (each command line, each DATA body, each
 *   BDAT chunk owes one reply). When the client waits for a reply that the script writes after
 *   more `C:` lines (a pipelined group), the reply is sent as soon as its command is in: so
 *   one script serves a pipelining client and a one-command-at-a-time client alike.
 * - A command that does not match is answered `500 5.5.2 transcript expected: <line>` and the
 *   script stays where it was (the client may try again). A DATA body or BDAT chunk that does
 *   not match is read to its end, then answered with that 500 instead of the script's reply.
 * - A `220` sent for `STARTTLS` starts TLS; a `354` sent for `DATA` makes the following lines
 *   the message, up to the line `.`; `BDAT n` makes the next n octets a chunk.
 */
import { concatBytes, DOT, fromUtf8, utf8 } from '@smtp/codec';
import { formatDuration } from '../arguments.js';
import type { Range, SendLine } from '../ast.js';
import { printable } from '../reply-lines.js';
import { matchClientLine } from '../serve-check.js';
import { defineVariable, type Scope } from '../variables.js';
import { ClientInput } from './client-input.js';
import { servedReply } from './reply-bytes.js';
import type { ScriptItem, SessionPlan } from './script-plan.js';
import type { ScriptFailure, ScriptSessionResult } from './script-result.js';

/** What the connection adapter does next. */
export type ScriptInstruction =
  /** Write these bytes; with `startTls`, start TLS right after and call `tlsStarted`/`tlsFailed`. */
  | { readonly kind: 'write'; readonly bytes: Uint8Array; readonly startTls: boolean }
  /** Wait, then call `next` again (`@sleep`). */
  | { readonly kind: 'sleep'; readonly milliseconds: number }
  /** Wait for client bytes (`receive`) or its close; call `timedOut` after `timeoutMs`. */
  | { readonly kind: 'read'; readonly timeoutMs: number }
  /** Wait for the TLS handshake started by the last write; call `timedOut` after `timeoutMs`. */
  | { readonly kind: 'await-tls'; readonly timeoutMs: number }
  /** Wait for the client to close the connection (`@closed`); call `timedOut` after `timeoutMs`. */
  | { readonly kind: 'await-close'; readonly timeoutMs: number }
  /** Close the connection (after what was written); the session is over. */
  | { readonly kind: 'close' }
  /** The session is over and the connection is closed or being closed: nothing more to do. */
  | { readonly kind: 'ended' };

/** What a client sent that the script owes a reply to, oldest first. */
type Owed =
  | {
      readonly kind: 'command';
      readonly startTls: boolean;
      readonly data: boolean;
    }
  /** A DATA body or BDAT chunk; `failed`: the script text its first wrong line was checked against. */
  | { readonly kind: 'message'; readonly failed: string | undefined }
  /** A command that did not match: answered with the 500, not with a script reply. */
  | { readonly kind: 'mismatch'; readonly expected: string };

/** How the client's next bytes are read. */
type Reading =
  | { readonly kind: 'command' }
  | { readonly kind: 'data'; failed: string | undefined }
  | {
      readonly kind: 'bdat';
      remaining: number;
      /** The BDAT line did not match: the chunk is read and skipped, then answered with the 500. */
      readonly mismatch: string | undefined;
      failed: string | undefined;
      /** Chunk octets after the last CRLF seen. */
      rest: Uint8Array;
    };

type Phase = 'running' | 'awaiting-tls' | 'awaiting-close' | 'ended';

/** Longest command line read before the client is given up on (far above RFC 5321's 512). */
const MAX_COMMAND_LINE = 64 * 1024;
/** Longest DATA line read before the client is given up on. */
const MAX_DATA_LINE = 1024 * 1024;
/** Differences in one session before the script stops listening to the client. */
export const MAX_SESSION_FAILURES = 10;
const BDAT_COMMAND = /^BDAT +(\d{1,15})(?: +LAST)? *$/i;
const STARTTLS_COMMAND = /^STARTTLS *$/i;
const DATA_COMMAND = /^DATA *$/i;
const SHOWN_LENGTH = 200;

const ENDED: ScriptInstruction = Object.freeze({ kind: 'ended' });
const CLOSE: ScriptInstruction = Object.freeze({ kind: 'close' });

/** Options of a {@link ScriptSession}. */
export interface ScriptSessionOptions {
  /** 0-based index of the session (for failures). */
  readonly index: number;
  /** Called with each failure as it is found (the server reports them live). */
  readonly onFailure?: (failure: ScriptFailure) => void;
}

/** One served session: see the module comment. */
export class ScriptSession {
  readonly #plan: SessionPlan;
  readonly #items: readonly ScriptItem[];
  readonly #index: number;
  readonly #onFailure: ((failure: ScriptFailure) => void) | undefined;
  readonly #input = new ClientInput();
  readonly #outbox: ScriptInstruction[] = [];
  readonly #owed: Owed[] = [];
  /** Replies sent ahead of the cursor because the client was waiting for them. */
  readonly #sentEarly = new Set<number>();
  readonly #failures: ScriptFailure[] = [];
  #cursor = 0;
  #scope: Scope;
  #timeoutMs: number;
  #reading: Reading = { kind: 'command' };
  #phase: Phase = 'running';
  /** The last reply sent was a `334`: the next client line is a SASL response (never shown). */
  #saslResponse = false;
  #bareLfReported = false;
  #matched = 0;

  constructor(plan: SessionPlan, options: ScriptSessionOptions) {
    this.#plan = plan;
    this.#items = plan.items;
    this.#index = options.index;
    this.#onFailure = options.onFailure;
    this.#scope = plan.scope;
    this.#timeoutMs = plan.timeoutMs;
  }

  /** Whether the session is over. */
  get ended(): boolean {
    return this.#phase === 'ended' && this.#outbox.length === 0;
  }

  /** The session's outcome so far. */
  result(remote?: string): ScriptSessionResult {
    return {
      index: this.#index,
      range: this.#plan.session.range,
      status: this.#failures.length === 0 ? 'passed' : 'failed',
      matched: this.#matched,
      failures: [...this.#failures],
      ...(remote === undefined ? {} : { remote }),
    };
  }

  /** Bytes from the client. */
  receive(bytes: Uint8Array): void {
    switch (this.#phase) {
      case 'running':
      // Over TLS, the client's first command may arrive with the end of the handshake.
      case 'awaiting-tls':
        this.#input.push(bytes);
        return;
      case 'awaiting-close': {
        const item = this.#items[this.#cursor];
        this.#fail(
          item?.kind === 'directive' ? item.directive.range : this.#plan.session.range,
          'the client to close the connection (@closed)',
          this.#shownBytes(bytes),
          'the client sent more instead of closing the connection',
        );
        this.#end();
        return;
      }
      case 'ended':
        return;
    }
  }

  /** The client closed the connection (or it broke). */
  clientClosed(): void {
    const phase = this.#phase;
    if (phase === 'ended') {
      this.#outbox.length = 0;
      return;
    }
    this.#phase = 'ended';
    this.#outbox.length = 0;
    if (phase === 'awaiting-close') {
      this.#matched++;
      return;
    }
    if (phase === 'awaiting-tls') {
      this.#failHere(
        'the TLS handshake',
        'the client closed the connection',
        'the client closed the connection instead of starting TLS',
      );
      return;
    }
    if (this.#reading.kind !== 'command') {
      this.#failHere(
        this.#describeHere(),
        'the client closed the connection',
        `the client closed the connection in the middle of a ${this.#reading.kind === 'data' ? 'DATA body' : 'BDAT chunk'}`,
      );
      return;
    }
    const next = this.#nextClientItem();
    if (next !== undefined) {
      this.#fail(
        next.range,
        next.expected,
        'the client closed the connection',
        'the client closed the connection before the transcript was done',
      );
    }
  }

  /** The wait announced by the last `read`, `await-tls` or `await-close` ran out. */
  timedOut(): void {
    if (this.#phase === 'ended') return;
    const waited = formatDuration(this.#timeoutMs);
    if (this.#phase === 'awaiting-close') {
      this.#failHere(
        'the client to close the connection (@closed)',
        `nothing within ${waited}`,
        `the client kept the connection open for ${waited}`,
      );
      this.#end();
      return;
    }
    if (this.#phase === 'awaiting-tls') {
      this.#failHere(
        'the TLS handshake',
        `nothing within ${waited}`,
        `the client did not start TLS within ${waited}`,
      );
      this.#end();
      return;
    }
    this.#failHere(
      this.#describeHere(),
      `nothing within ${waited}`,
      `the client sent nothing more for ${waited}`,
    );
    this.#abort('421 4.4.2 transcript: timed out waiting for the client');
  }

  /** The TLS handshake started by a `write` with `startTls` finished. */
  tlsStarted(): void {
    if (this.#phase === 'awaiting-tls') this.#phase = 'running';
  }

  /** The TLS handshake failed. */
  tlsFailed(reason: string): void {
    if (this.#phase !== 'awaiting-tls') return;
    this.#failHere('the TLS handshake', `a failed handshake: ${reason}`, 'TLS could not be started');
    this.#end();
  }

  /** The server is stopping: the client gets `421` and the session ends. */
  stop(): void {
    if (this.#phase === 'ended') return;
    this.#failHere(
      this.#describeHere(),
      'nothing before the server stopped',
      'the server was stopped before the session was done',
    );
    this.#abort('421 4.3.2 transcript server shutting down');
  }

  /** What to do now. Call again after each instruction is carried out. */
  next(): ScriptInstruction {
    for (;;) {
      const queued = this.#outbox.shift();
      if (queued !== undefined) return queued;
      switch (this.#phase) {
        case 'ended':
          return ENDED;
        case 'awaiting-tls':
          return { kind: 'await-tls', timeoutMs: this.#timeoutMs };
        case 'awaiting-close':
          return { kind: 'await-close', timeoutMs: this.#timeoutMs };
        case 'running':
          break;
      }
      if (this.#answerMismatch()) continue;
      if (this.#reading.kind !== 'command') {
        if (this.#readBody() || this.#replyEarly()) continue;
        return { kind: 'read', timeoutMs: this.#timeoutMs };
      }
      const item = this.#items[this.#cursor];
      if (item === undefined) {
        this.#finish();
        continue;
      }
      switch (item.kind) {
        case 'reply':
          if (!this.#sentEarly.has(this.#cursor)) this.#sendReply(this.#cursor);
          this.#cursor++;
          continue;
        case 'directive': {
          const instruction = this.#obey(item);
          if (instruction !== undefined) return instruction;
          continue;
        }
        case 'line':
          if (this.#readCommand(item.line) || this.#replyEarly()) continue;
          return { kind: 'read', timeoutMs: this.#timeoutMs };
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Replies

  /** Sends the 500 for a mismatched command at the head of the queue. */
  #answerMismatch(): boolean {
    const head = this.#owed[0];
    if (head?.kind !== 'mismatch') return false;
    this.#owed.shift();
    this.#write(mismatchReply(head.expected), false);
    return true;
  }

  /**
   * The client waits for a reply the script writes after more `C:` lines (a pipelined group
   * sent one command at a time): send the next unsent reply now, when only `C:` lines stand
   * between it and the cursor.
   */
  #replyEarly(): boolean {
    const head = this.#owed[0];
    if (head === undefined || head.kind === 'mismatch') return false;
    for (let at = this.#cursor; at < this.#items.length; at++) {
      const item = this.#items[at] as ScriptItem;
      if (item.kind === 'line') continue;
      if (item.kind === 'directive') return false;
      if (this.#sentEarly.has(at)) continue;
      this.#sendReply(at);
      this.#sentEarly.add(at);
      return true;
    }
    return false;
  }

  #sendReply(at: number): void {
    const item = this.#items[at];
    if (item?.kind !== 'reply') return;
    const owed = this.#owed.shift();
    if (owed?.kind === 'message' && owed.failed !== undefined) {
      this.#write(mismatchReply(owed.failed), false);
      return;
    }
    const resolved = servedReply(item.reply, this.#scope);
    if (!resolved.ok) {
      this.#fail(
        item.reply.range,
        'a reply to send',
        'nothing',
        `cannot send this reply: ${resolved.error.message}`,
      );
      this.#write(utf8('451 4.3.0 transcript: cannot resolve this reply\r\n'), false);
      return;
    }
    const { code, bytes } = resolved.value;
    const command = owed?.kind === 'command' ? owed : undefined;
    if (command?.data === true && code === 354) this.#reading = { kind: 'data', failed: undefined };
    const startTls = command?.startTls === true && code === 220;
    this.#saslResponse = code === 334;
    this.#write(bytes, startTls);
  }

  #write(bytes: Uint8Array, startTls: boolean): void {
    this.#outbox.push({ kind: 'write', bytes, startTls });
    if (!startTls) return;
    this.#phase = 'awaiting-tls';
    if (this.#input.length > 0) {
      // RFC 3207 §5: nothing sent before the handshake may count; a client that pipelines
      // behind STARTTLS is what CVE-2011-0411 exploited on the server side.
      const early = this.#input.takeAll();
      this.#failHere(
        'the TLS handshake right after STARTTLS',
        this.#shownBytes(early),
        'the client sent more after STARTTLS before TLS started (discarded)',
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reading the client

  /** Reads one command line for the `C:` line at the cursor; false when none is complete yet. */
  #readCommand(expected: SendLine): boolean {
    const read = this.#input.takeLine(MAX_COMMAND_LINE);
    if (read.kind === 'partial') return false;
    if (read.kind === 'too-long') {
      this.#fail(
        expected.range,
        `C: ${expected.text.source}`,
        `a line of ${read.length}+ octets`,
        'the line is too long to be a command',
      );
      this.#abort('500 5.5.6 transcript: line too long');
      return true;
    }
    const { bytes, bareLf } = read.line;
    const sasl = this.#saslResponse;
    if (bareLf) this.#noteBareLf(expected.range, bytes, sasl);
    const text = fromUtf8(bytes);
    const match = matchClientLine(expected, sameKeywordCase(expected.text.source, text), this.#scope);
    const bdat = BDAT_COMMAND.exec(text);
    if (match.ok) {
      this.#matched++;
      this.#cursor++;
      if (bdat) this.#startChunk(Number(bdat[1]), undefined);
      else {
        this.#owed.push({
          kind: 'command',
          startTls: STARTTLS_COMMAND.test(text),
          data: DATA_COMMAND.test(text),
        });
      }
      return true;
    }
    this.#fail(
      expected.range,
      `C: ${expected.text.source}`,
      this.#shownLine(text, sasl),
      secretLine(text, sasl) ? `the line does not match \`${expected.text.source}\`` : match.explanation,
    );
    // The octets of a BDAT chunk follow its command at once: read them even so, or they would
    // be taken for commands.
    if (bdat) this.#startChunk(Number(bdat[1]), expected.text.source);
    else this.#owed.push({ kind: 'mismatch', expected: expected.text.source });
    return true;
  }

  #startChunk(size: number, mismatch: string | undefined): void {
    if (size === 0) {
      this.#owed.push(
        mismatch === undefined
          ? { kind: 'message', failed: undefined }
          : { kind: 'mismatch', expected: mismatch },
      );
      return;
    }
    this.#reading = { kind: 'bdat', remaining: size, mismatch, failed: undefined, rest: new Uint8Array(0) };
  }

  /** Reads DATA lines or chunk octets; false when nothing new has arrived. */
  #readBody(): boolean {
    const reading = this.#reading;
    if (reading.kind === 'data') return this.#readDataLine(reading);
    if (reading.kind === 'bdat') return this.#readChunk(reading);
    return false;
  }

  #readDataLine(reading: Extract<Reading, { kind: 'data' }>): boolean {
    const read = this.#input.takeLine(MAX_DATA_LINE);
    if (read.kind === 'partial') return false;
    const item = this.#items[this.#cursor];
    const scriptLine = item?.kind === 'line' ? item.line : undefined;
    const scriptEnds = scriptLine !== undefined && isBodyEnd(scriptLine);
    if (read.kind === 'too-long') {
      this.#failBody(reading, `a line of ${read.length}+ octets`, 'the message line is too long');
      this.#abort('500 5.5.6 transcript: line too long');
      return true;
    }
    const { bytes, bareLf } = read.line;
    if (bareLf) this.#noteBareLf(scriptLine?.range ?? this.#plan.session.range, bytes, false);
    const isEnd = !bareLf && bytes.length === 1 && bytes[0] === DOT;
    if (isEnd) {
      if (scriptEnds) {
        this.#matched++;
        this.#cursor++;
      } else {
        this.#failBody(
          reading,
          'C: . (the end of the message)',
          "the message ended before the transcript's did",
        );
        this.#skipToBodyEnd();
      }
      this.#owed.push({ kind: 'message', failed: reading.failed });
      this.#reading = { kind: 'command' };
      return true;
    }
    if (scriptLine !== undefined && !scriptEnds) {
      this.#cursor++;
      const match = matchClientLine(scriptLine, bytes, this.#scope);
      if (match.ok) this.#matched++;
      else this.#failBody(reading, this.#shownLine(fromUtf8(bytes), false), match.explanation, scriptLine);
      return true;
    }
    this.#failBody(
      reading,
      this.#shownLine(fromUtf8(bytes), false),
      "the message goes on after the transcript's ended",
    );
    return true;
  }

  #readChunk(reading: Extract<Reading, { kind: 'bdat' }>): boolean {
    const octets = this.#input.take(reading.remaining);
    if (octets.length === 0) return false;
    reading.remaining -= octets.length;
    const all = reading.rest.length === 0 ? octets : concatBytes([reading.rest, octets]);
    let start = 0;
    for (let cr = crlfAt(all, start); cr >= 0; cr = crlfAt(all, start)) {
      this.#checkChunkLine(reading, all.subarray(start, cr));
      start = cr + 2;
    }
    reading.rest = all.slice(start);
    if (reading.remaining > 0) return true;
    // A chunk need not end with CRLF: its last piece is checked as a line of its own.
    if (reading.rest.length > 0) this.#checkChunkLine(reading, reading.rest);
    this.#owed.push(
      reading.mismatch === undefined
        ? { kind: 'message', failed: reading.failed }
        : { kind: 'mismatch', expected: reading.mismatch },
    );
    this.#reading = { kind: 'command' };
    return true;
  }

  #checkChunkLine(reading: Extract<Reading, { kind: 'bdat' }>, bytes: Uint8Array): void {
    if (reading.mismatch !== undefined) return;
    const item = this.#items[this.#cursor];
    if (item?.kind !== 'line') {
      this.#failBody(
        reading,
        this.#shownLine(fromUtf8(bytes), false),
        "the chunk goes on after the transcript's ended",
      );
      return;
    }
    this.#cursor++;
    const match = matchClientLine(item.line, bytes, this.#scope);
    if (match.ok) this.#matched++;
    else this.#failBody(reading, this.#shownLine(fromUtf8(bytes), false), match.explanation, item.line);
  }

  /** After a body that ended early, moves the cursor past the script's own `C: .`. */
  #skipToBodyEnd(): void {
    for (let at = this.#cursor; at < this.#items.length; at++) {
      const item = this.#items[at] as ScriptItem;
      if (item.kind !== 'line') {
        this.#cursor = at;
        return;
      }
      if (isBodyEnd(item.line)) {
        this.#cursor = at + 1;
        return;
      }
    }
    this.#cursor = this.#items.length;
  }

  // -------------------------------------------------------------------------------------------
  // Directives and the end

  #obey(item: Extract<ScriptItem, { kind: 'directive' }>): ScriptInstruction | undefined {
    const { directive } = item;
    switch (directive.name) {
      case 'sleep':
        this.#cursor++;
        return { kind: 'sleep', milliseconds: directive.milliseconds };
      case 'timeout':
        this.#timeoutMs = directive.milliseconds;
        this.#cursor++;
        return undefined;
      case 'set': {
        this.#cursor++;
        const next = defineVariable(this.#scope, directive);
        if (next.ok) this.#scope = next.value;
        else this.#fail(directive.range, 'a value for @set', 'nothing', next.error.message);
        return undefined;
      }
      case 'close':
        this.#finish();
        return undefined;
      case 'closed':
        this.#phase = 'awaiting-close';
        // Whatever the client already sent is what it did instead of closing.
        if (this.#input.length > 0) this.receive(this.#input.takeAll());
        return undefined;
      case 'connect':
      case 'tls':
      case 'server':
        // No effect when served (checkServable warned): the connection already exists.
        this.#cursor++;
        return undefined;
    }
  }

  /** The script's session is done: anything the client still sent was not expected. */
  #finish(): void {
    if (this.#input.length > 0) {
      const rest = this.#input.takeAll();
      this.#fail(
        this.#lastRange(),
        'nothing more (the session ends here)',
        this.#shownBytes(rest),
        'the client sent more than the transcript expected',
      );
    }
    this.#outbox.push(CLOSE);
    this.#phase = 'ended';
  }

  /** Sends a last reply and closes. */
  #abort(reply: string): void {
    if (this.#phase === 'ended') return;
    this.#outbox.push({ kind: 'write', bytes: utf8(`${reply}\r\n`), startTls: false }, CLOSE);
    this.#phase = 'ended';
  }

  #end(): void {
    this.#outbox.push(CLOSE);
    this.#phase = 'ended';
  }

  // -------------------------------------------------------------------------------------------
  // Failures

  #fail(range: Range, expected: string, received: string, explanation: string): void {
    const failure: ScriptFailure = { session: this.#index, range, expected, received, explanation };
    this.#failures.push(failure);
    this.#onFailure?.(failure);
    if (this.#failures.length >= MAX_SESSION_FAILURES && this.#phase === 'running') {
      this.#abort('421 4.7.0 transcript: too many differences, closing');
    }
  }

  /** A failure at the cursor (or the session's last line when the cursor is past the end). */
  #failHere(expected: string, received: string, explanation: string): void {
    const item = this.#items[this.#cursor];
    this.#fail(item === undefined ? this.#lastRange() : itemRange(item), expected, received, explanation);
  }

  /** Records the first difference of a DATA body or chunk; it is answered with the 500 at its end. */
  #failBody(
    reading: { failed: string | undefined },
    received: string,
    explanation: string,
    scriptLine?: SendLine,
  ): void {
    if (reading.failed !== undefined) return;
    const item = this.#items[this.#cursor];
    const line = scriptLine ?? (item?.kind === 'line' ? item.line : undefined);
    const expected = line === undefined ? 'the end of the message' : line.text.source;
    reading.failed = expected;
    this.#fail(
      line?.range ?? (item === undefined ? this.#lastRange() : itemRange(item)),
      line === undefined ? expected : `C: ${expected}`,
      received,
      explanation,
    );
  }

  #noteBareLf(range: Range, bytes: Uint8Array, sasl: boolean): void {
    if (this.#bareLfReported) return;
    this.#bareLfReported = true;
    this.#fail(
      range,
      'a line ending in CRLF',
      `${this.#shownLine(fromUtf8(bytes), sasl)} ended by a bare LF`,
      'RFC 5321 §2.3.8: lines end with CRLF; the client sent a bare LF',
    );
  }

  /** The next thing the client still owes (a `C:` line), skipping replies and directives. */
  #nextClientItem(): { range: Range; expected: string } | undefined {
    for (let at = this.#cursor; at < this.#items.length; at++) {
      const item = this.#items[at] as ScriptItem;
      if (item.kind === 'line') return { range: item.line.range, expected: `C: ${item.line.text.source}` };
      if (
        item.kind === 'directive' &&
        (item.directive.name === 'closed' || item.directive.name === 'close')
      ) {
        return undefined;
      }
    }
    return undefined;
  }

  #describeHere(): string {
    const item = this.#items[this.#cursor];
    if (item === undefined) return 'the end of the session';
    switch (item.kind) {
      case 'line':
        return `C: ${item.line.text.source}`;
      case 'reply':
        return 'a reply to be sent';
      case 'directive':
        return `@${item.directive.name}`;
    }
  }

  #lastRange(): Range {
    const last = this.#items[this.#items.length - 1];
    return last === undefined ? this.#plan.session.range : itemRange(last);
  }

  #shownLine(text: string, sasl: boolean): string {
    if (sasl) return 'C: … (a SASL response, not shown)';
    const auth = /^(AUTH +\S+) +\S/i.exec(text);
    if (auth) return `C: ${printable(auth[1] as string)} …`;
    const shown = printable(text);
    return `C: ${shown.length > SHOWN_LENGTH ? `${shown.slice(0, SHOWN_LENGTH)}…` : shown}`;
  }

  #shownBytes(bytes: Uint8Array): string {
    const text = fromUtf8(bytes);
    const firstLine = text.replace(/\r?\n[\s\S]*$/, '');
    return this.#shownLine(firstLine, this.#saslResponse);
  }
}

const KEYWORDS = /^([A-Za-z][A-Za-z0-9-]*)(?: (FROM|TO):)?/i;

/**
 * RFC 5321 §2.4: verbs and the `FROM:`/`TO:` of MAIL and RCPT are case-insensitive, so
 * `mail FROM:<a>` (Python's smtplib) matches `C: MAIL FROM:<*>`. The received line gets the
 * script's spelling of those words, and only those; everything else is compared as written.
 */
export function sameKeywordCase(scriptText: string, received: string): string {
  const wanted = KEYWORDS.exec(scriptText);
  const got = KEYWORDS.exec(received);
  if (wanted === null || got === null) return received;
  const [wantedPrefix, wantedVerb, wantedKeyword] = wanted as unknown as [string, string, string | undefined];
  const [gotPrefix, gotVerb, gotKeyword] = got as unknown as [string, string, string | undefined];
  if (wantedVerb.toUpperCase() !== gotVerb.toUpperCase()) return received;
  if (wantedKeyword !== undefined && gotKeyword?.toUpperCase() === wantedKeyword.toUpperCase()) {
    return wantedPrefix + received.slice(gotPrefix.length);
  }
  return wantedVerb + received.slice(gotVerb.length);
}

function mismatchReply(expected: string): Uint8Array {
  return utf8(`500 5.5.2 transcript expected: ${expected}\r\n`);
}

function isBodyEnd(line: SendLine): boolean {
  return line.text.source === '.';
}

function secretLine(text: string, sasl: boolean): boolean {
  return sasl || /^AUTH +\S+ +\S/i.test(text);
}

function itemRange(item: ScriptItem): Range {
  switch (item.kind) {
    case 'line':
      return item.line.range;
    case 'reply':
      return item.reply.range;
    case 'directive':
      return item.directive.range;
  }
}

function crlfAt(bytes: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(0x0d, from); at >= 0; at = bytes.indexOf(0x0d, at + 1)) {
    if (bytes[at + 1] === 0x0a) return at;
    if (at + 1 >= bytes.length) return -1;
  }
  return -1;
}
