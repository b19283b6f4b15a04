/**
 * One session passing through the recording proxy, written as transcript lines as it happens.
 * Sans-IO: the proxy hands over what each side sent, in the order it arrived; this pairs the
 * server's replies with the client's commands and writes both with the client trace's writer
 * (`@smtp/client` TraceWriter), so a recording reads like a `smtp send --trace`:
 * - volatile reply text (greeting, queue id after a message, random challenges) as `*`, the
 *   first line of an EHLO reply as `*` and its extension lines exactly, everything else exactly;
 * - DATA bodies and BDAT chunks as the `C:` lines they were on the wire;
 * - AUTH secrets as `{{env:…}}` (see `auth-template.ts`).
 */

import { type ReplyTraceStyle, TraceWriter } from '@smtp/client';
import { CR, concatBytes, fromUtf8, LF, type Reply, ReplyParser } from '@smtp/codec';
import {
  authCommand,
  type SaslExchange,
  type SecretNames,
  saslResponse,
  type TemplateLine,
  volatileChallenges,
} from './auth-template.js';

/** What the client sent that the server will answer, oldest first. */
type Pending =
  | { readonly kind: 'greeting' }
  | { readonly kind: 'hello' }
  | { readonly kind: 'starttls' }
  | { readonly kind: 'data' }
  | { readonly kind: 'message' }
  | { readonly kind: 'chunk'; readonly last: boolean }
  | { readonly kind: 'auth'; readonly exchange: SaslExchange }
  | { readonly kind: 'command' };

/** How the client's next bytes are read. */
type ClientMode =
  | { readonly kind: 'command' }
  /** `matched`: how much of `<CRLF>.<CRLF>` was just seen (the DATA line's CRLF counts). */
  | { readonly kind: 'data'; matched: number }
  | { readonly kind: 'chunk'; readonly line: string; remaining: number; readonly parts: Uint8Array[] };

/** How a recorded session ended. */
export type RecordedEnding =
  /** The client closed its side first. */
  | 'client-closed'
  /** The server closed the connection (after `221`, or on its own). */
  | 'server-closed'
  /** The recorder was stopped while the session was going on. */
  | 'stopped'
  /** TLS could not be started on one side. */
  | 'tls-failed';

/** What the proxy must do after a server chunk. */
export interface ServerChunkOutcome {
  /** The server accepted `STARTTLS` (a `220`): start TLS on both sides now. */
  readonly startTls: boolean;
}

const BDAT_LINE = /^BDAT +(\d{1,15})( +LAST)? *$/i;
const DATA_END = [CR, LF, 0x2e, CR, LF] as const;
const HELLO_VERBS = new Set(['EHLO', 'HELO', 'LHLO']);

/** Records one session; see the module comment. */
export class SessionRecorder {
  readonly #lines: string[] = [];
  readonly #writer = new TraceWriter((line) => this.#lines.push(line));
  readonly #secrets: SecretNames;
  readonly #replies = new ReplyParser();
  readonly #pending: Pending[] = [{ kind: 'greeting' }];
  #mode: ClientMode = { kind: 'command' };
  /** The start of a command line whose LF has not come yet. */
  #partial: Uint8Array[] = [];
  /** An AUTH exchange whose next client line is a SASL response (after a `334`). */
  #sasl: SaslExchange | undefined;
  #lastReplyCode = 0;
  #usedStartTls = false;
  #ended = false;

  constructor(secrets: SecretNames) {
    this.#secrets = secrets;
  }

  /** The lines written so far (no line ends). */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Whether the session went through STARTTLS (its replay needs `@tls insecure`). */
  get usedStartTls(): boolean {
    return this.#usedStartTls;
  }

  /** A `# comment` line at this point of the session. */
  comment(text: string): void {
    this.#writer.comment(text);
  }

  /** Bytes the client sent (before the proxy forwards them). */
  fromClient(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      const mode = this.#mode;
      switch (mode.kind) {
        case 'command':
          offset = this.#readCommand(bytes, offset);
          break;
        case 'data':
          offset = this.#readData(mode, bytes, offset);
          break;
        case 'chunk':
          offset = this.#readChunk(mode, bytes, offset);
          break;
      }
    }
  }

  /** Bytes the server sent (before the proxy forwards them). */
  fromServer(bytes: Uint8Array): ServerChunkOutcome {
    let startTls = false;
    for (const event of this.#replies.push(bytes)) {
      if (event.kind === 'error') {
        this.#writer.comment(`the server sent a reply that is not SMTP: ${event.error.message}`);
        continue;
      }
      if (this.#onReply(event.reply)) {
        startTls = true;
        const rest = this.#replies.takeRest();
        if (rest.length > 0)
          this.#writer.comment('the server sent more after its 220 to STARTTLS (not recorded)');
      }
    }
    return { startTls };
  }

  /** Ends the session; returns its lines. */
  finish(ending: RecordedEnding): readonly string[] {
    if (this.#ended) return this.#lines;
    this.#ended = true;
    if (this.#mode.kind === 'data') {
      this.#writer.endBody();
      this.#writer.comment('the message above was never ended with a line `.`');
    } else if (this.#mode.kind === 'chunk') {
      this.#writer.comment(`a BDAT chunk was cut short: ${this.#mode.remaining} octets never came`);
    }
    if (this.#partial.length > 0) {
      this.#writer.comment('the client also sent part of a line that never ended (not recorded)');
    }
    switch (ending) {
      case 'server-closed':
        // After 221 the close is what every replay expects; anything else must be said.
        if (this.#lastReplyCode !== 221) this.#writer.directive('closed');
        break;
      case 'stopped':
        this.#writer.comment('smtp record was stopped here; the session was cut short');
        break;
      case 'tls-failed':
        this.#writer.comment('TLS could not be started here; the recorder closed the session');
        break;
      case 'client-closed':
        break;
    }
    return this.#lines;
  }

  // -------------------------------------------------------------------------------------------
  // Client side

  #readCommand(bytes: Uint8Array, offset: number): number {
    const lf = bytes.indexOf(LF, offset);
    if (lf < 0) {
      this.#partial.push(bytes.subarray(offset));
      return bytes.length;
    }
    const line =
      this.#partial.length === 0
        ? bytes.subarray(offset, lf + 1)
        : concatBytes([...this.#partial, bytes.subarray(offset, lf + 1)]);
    this.#partial = [];
    this.#commandLine(line);
    return lf + 1;
  }

  /** One command line, its line end included. */
  #commandLine(wire: Uint8Array): void {
    const crlf = wire.length >= 2 && wire[wire.length - 2] === CR;
    const content = wire.subarray(0, wire.length - (crlf ? 2 : 1));
    const text = fromUtf8(content);
    if (this.#sasl !== undefined) {
      const exchange = this.#sasl;
      this.#sasl = undefined;
      this.#writeTemplate(saslResponse(exchange, text, this.#secrets));
      this.#pending.push({ kind: 'auth', exchange });
      return;
    }
    const space = text.indexOf(' ');
    const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const auth = verb === 'AUTH' ? authCommand(text, this.#secrets) : undefined;
    if (auth !== undefined) {
      this.#writeTemplate(auth.line);
      this.#pending.push({ kind: 'auth', exchange: auth.exchange });
      return;
    }
    const bdat = verb === 'BDAT' ? BDAT_LINE.exec(text) : null;
    if (bdat !== null && Number(bdat[1]) > 0) {
      // The command is written with its chunk's octets, once they are all in.
      this.#mode = { kind: 'chunk', line: text, remaining: Number(bdat[1]), parts: [] };
      return;
    }
    this.#writeLine(wire, crlf);
    if (bdat !== null) {
      this.#pending.push({ kind: 'chunk', last: bdat[2] !== undefined });
      return;
    }
    if (HELLO_VERBS.has(verb)) this.#pending.push({ kind: 'hello' });
    else if (/^STARTTLS *$/i.test(text)) this.#pending.push({ kind: 'starttls' });
    else if (/^DATA *$/i.test(text)) this.#pending.push({ kind: 'data' });
    else this.#pending.push({ kind: 'command' });
  }

  /**
   * Writes a command line exactly as its bytes were: the trace writer's body writer turns
   * CRLF-ended octets into `C:` lines (escaping what needs it) and a line ended by a bare LF
   * into `C! …\n`, which is what was on the wire.
   */
  #writeLine(wire: Uint8Array, crlf: boolean): void {
    this.#writer.body(wire);
    if (!crlf) this.#writer.endBody();
  }

  #writeTemplate(line: TemplateLine): void {
    if (line.note !== undefined) this.#writer.comment(line.note);
    this.#writer.commandTemplate(line.text);
  }

  #readData(mode: Extract<ClientMode, { kind: 'data' }>, bytes: Uint8Array, offset: number): number {
    let matched = mode.matched;
    for (let i = offset; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (byte === DATA_END[matched]) matched++;
      else matched = byte === CR ? 1 : 0;
      if (matched === DATA_END.length) {
        this.#writer.body(bytes.subarray(offset, i + 1));
        this.#pending.push({ kind: 'message' });
        this.#mode = { kind: 'command' };
        return i + 1;
      }
    }
    mode.matched = matched;
    this.#writer.body(bytes.subarray(offset));
    return bytes.length;
  }

  #readChunk(mode: Extract<ClientMode, { kind: 'chunk' }>, bytes: Uint8Array, offset: number): number {
    const take = Math.min(mode.remaining, bytes.length - offset);
    mode.parts.push(bytes.slice(offset, offset + take));
    mode.remaining -= take;
    if (mode.remaining === 0) {
      this.#writer.bdatChunk(mode.line, concatBytes(mode.parts));
      this.#pending.push({ kind: 'chunk', last: BDAT_LINE.exec(mode.line)?.[2] !== undefined });
      this.#mode = { kind: 'command' };
    }
    return offset + take;
  }

  // -------------------------------------------------------------------------------------------
  // Server side

  /** Writes a reply and follows what it changes; true when it starts TLS. */
  #onReply(reply: Reply): boolean {
    const cause = this.#pending.shift();
    this.#lastReplyCode = reply.code;
    this.#writer.reply(reply, styleOf(cause, reply));
    if (cause === undefined) return false;
    switch (cause.kind) {
      case 'data':
        if (reply.code === 354) this.#mode = { kind: 'data', matched: 2 };
        return false;
      case 'auth':
        if (reply.code === 334) {
          cause.exchange.challenge = reply.lines[0];
          this.#sasl = cause.exchange;
        }
        return false;
      case 'starttls':
        if (reply.code !== 220) return false;
        this.#usedStartTls = true;
        return true;
      default:
        return false;
    }
  }
}

/** The client trace's rule for which reply text is volatile. */
function styleOf(cause: Pending | undefined, reply: Reply): ReplyTraceStyle {
  switch (cause?.kind) {
    case 'greeting':
    case 'message':
      return 'volatile';
    case 'chunk':
      return cause.last ? 'volatile' : 'exact';
    case 'hello':
      return reply.code === 250 ? 'hello' : 'exact';
    case 'auth':
      return reply.code === 334 && volatileChallenges(cause.exchange.mechanism) ? 'volatile' : 'exact';
    default:
      return 'exact';
  }
}
