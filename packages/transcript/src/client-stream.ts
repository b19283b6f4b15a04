/**
 * Which of the bytes a client writes will be answered. A pure state machine over the client's
 * byte stream: every command line gets one reply, a DATA body gets one reply after its
 * `<CRLF>.<CRLF>`, and a BDAT command gets its reply once its counted octets have passed.
 *
 * The parser feeds it each send line's bytes to pair `S:` lines with commands; the runner feeds
 * it the resolved bytes it actually writes (variables can change lengths).
 */
import { CR, concatBytes, fromUtf8, LF } from '@smtp/codec';

/** A command line that the server answers with one reply. */
export interface CommandCause<T> {
  readonly kind: 'command';
  /** The first word, upper-cased (`MAIL`); for a SASL response line, its first word too. */
  readonly verb: string;
  /** The whole line as text, without its line end. */
  readonly line: string;
  /** Where the line's first byte came from. */
  readonly origin: T;
  /** A `STARTTLS` command: after a `220` reply the connection is upgraded. */
  readonly startTls: boolean;
  /** For `BDAT n [LAST]`: the chunk the reply comes after. */
  readonly chunk?: { readonly size: number; readonly last: boolean };
}

/** The end of a DATA body, answered with the message's reply. */
export interface MessageCause<T> {
  readonly kind: 'message';
  /** The DATA command this body belongs to. */
  readonly data: CommandCause<T>;
  /** Where the terminating `<CRLF>.<CRLF>` was completed. */
  readonly origin: T;
}

/** Something in the client's bytes that the server will answer, in order. */
export type ReplyCause<T> = CommandCause<T> | MessageCause<T>;

/** What the next byte the client writes is: part of a command line, a DATA body, or BDAT octets. */
export type ClientStreamMode = 'command' | 'data' | 'bdat';

type State<T> =
  | { readonly mode: 'command' }
  /** `matched`: how much of `<CR><LF>.<CR><LF>` the body has just shown (the DATA line's own CRLF counts). */
  | { readonly mode: 'data'; readonly data: CommandCause<T>; matched: number }
  | { readonly mode: 'bdat'; readonly command: CommandCause<T>; remaining: number };

const DATA_END = [CR, LF, 0x2e, CR, LF] as const;
const DATA_COMMAND = /^DATA *$/i;
const STARTTLS_COMMAND = /^STARTTLS *$/i;
const BDAT_COMMAND = /^BDAT +(\d{1,15})(?: +(LAST))? *$/i;

/**
 * Tracks command / DATA-body / BDAT-octet mode across writes and yields what will be answered.
 * `T` is whatever the caller uses to say where bytes came from (a source line, a step).
 */
export class ClientStream<T> {
  private state: State<T> = { mode: 'command' };
  /** Bytes of a command line not yet ended by LF (a `C!` may split a line across writes). */
  private lineParts: Uint8Array[] = [];
  private lineOrigin: T | undefined;

  /** The current mode. */
  get mode(): ClientStreamMode {
    return this.state.mode;
  }

  /** In command mode: whether part of a command line has been written without its line end. */
  get midLine(): boolean {
    return this.lineParts.length > 0;
  }

  /** The unfinished command line, when there is one. */
  get partialLine(): { readonly text: string; readonly origin: T } | undefined {
    if (this.lineParts.length === 0) return undefined;
    return { text: fromUtf8(concatBytes(this.lineParts)), origin: this.lineOrigin as T };
  }

  /** The DATA command whose body is being written, when in data mode. */
  get openData(): CommandCause<T> | undefined {
    return this.state.mode === 'data' ? this.state.data : undefined;
  }

  /** The BDAT command whose octets are being written and how many are still missing. */
  get openChunk(): { readonly command: CommandCause<T>; readonly missing: number } | undefined {
    return this.state.mode === 'bdat'
      ? { command: this.state.command, missing: this.state.remaining }
      : undefined;
  }

  /** Feeds bytes the client writes; returns what in them (or completed by them) gets a reply. */
  push(bytes: Uint8Array, origin: T): ReplyCause<T>[] {
    const causes: ReplyCause<T>[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const state = this.state;
      switch (state.mode) {
        case 'command':
          offset = this.readCommand(bytes, offset, origin, causes);
          break;
        case 'data':
          offset = this.readData(state, bytes, offset, origin, causes);
          break;
        case 'bdat':
          offset = this.readChunk(state, bytes, offset, causes);
          break;
      }
    }
    return causes;
  }

  /**
   * The server refused DATA (no `354`): whatever follows is read as commands again. For the
   * runner; the parser assumes DATA is accepted.
   */
  abortData(): void {
    if (this.state.mode === 'data') this.state = { mode: 'command' };
  }

  private readCommand(bytes: Uint8Array, offset: number, origin: T, causes: ReplyCause<T>[]): number {
    const lf = bytes.indexOf(LF, offset);
    if (this.lineParts.length === 0) this.lineOrigin = origin;
    if (lf < 0) {
      this.lineParts.push(bytes.subarray(offset));
      return bytes.length;
    }
    let line: string;
    if (this.lineParts.length === 0) {
      // The usual case: the whole line is in this write, so decode it where it lies.
      line = fromUtf8(bytes.subarray(offset, lf > offset && bytes[lf - 1] === CR ? lf - 1 : lf));
    } else {
      this.lineParts.push(bytes.subarray(offset, lf));
      const whole = concatBytes(this.lineParts);
      line = fromUtf8(
        whole.subarray(
          0,
          whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length,
        ),
      );
    }
    const lineOrigin = this.lineOrigin as T;
    this.lineParts = [];
    this.lineOrigin = undefined;
    this.endCommandLine(line, lineOrigin, causes);
    return lf + 1;
  }

  private endCommandLine(line: string, origin: T, causes: ReplyCause<T>[]): void {
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    if (DATA_COMMAND.test(line)) {
      const data: CommandCause<T> = { kind: 'command', verb, line, origin, startTls: false };
      causes.push(data);
      // The DATA line's own CRLF is the first CRLF of the terminator.
      this.state = { mode: 'data', data, matched: 2 };
      return;
    }
    const bdat = verb === 'BDAT' ? BDAT_COMMAND.exec(line) : null;
    if (bdat) {
      const size = Number(bdat[1]);
      const chunk = { size, last: bdat[2] !== undefined };
      const command: CommandCause<T> = { kind: 'command', verb, line, origin, startTls: false, chunk };
      if (size === 0) causes.push(command);
      else this.state = { mode: 'bdat', command, remaining: size };
      return;
    }
    causes.push({
      kind: 'command',
      verb,
      line,
      origin,
      startTls: verb === 'STARTTLS' && STARTTLS_COMMAND.test(line),
    });
  }

  private readData(
    state: Extract<State<T>, { mode: 'data' }>,
    bytes: Uint8Array,
    offset: number,
    origin: T,
    causes: ReplyCause<T>[],
  ): number {
    let matched = state.matched;
    for (let i = offset; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (byte === DATA_END[matched]) matched++;
      else matched = byte === CR ? 1 : 0;
      if (matched === DATA_END.length) {
        causes.push({ kind: 'message', data: state.data, origin });
        this.state = { mode: 'command' };
        return i + 1;
      }
    }
    state.matched = matched;
    return bytes.length;
  }

  private readChunk(
    state: Extract<State<T>, { mode: 'bdat' }>,
    bytes: Uint8Array,
    offset: number,
    causes: ReplyCause<T>[],
  ): number {
    const take = Math.min(state.remaining, bytes.length - offset);
    state.remaining -= take;
    if (state.remaining === 0) {
      causes.push(state.command);
      this.state = { mode: 'command' };
    }
    return offset + take;
  }
}
