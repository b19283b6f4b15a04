import type { BodyType, Capabilities, Reply, SmtpError, SmtpPhase } from '@smtp/codec';
import type { Envelope, TransactionOptions } from './envelope.js';
import type { SendResult } from './result.js';
import type { Credentials, SaslExchange, TraceSecretNames } from './sasl-client.js';
import type { TraceWriter } from './trace-writer.js';

/**
 * How the connection gets (or does not get) TLS:
 * - `none`: plain text only;
 * - `implicit`: the connection is TLS from its first byte (port 465);
 * - `starttls`: upgrade with STARTTLS, and fail when the server does not offer it;
 * - `opportunistic`: upgrade with STARTTLS when offered, else stay in plain text.
 */
export type TlsMode = 'none' | 'implicit' | 'starttls' | 'opportunistic';

/** Settings of a {@link ClientCore}: everything it needs to decide what to send. */
export interface ClientCoreOptions {
  /** The name given with EHLO / HELO / LHLO: the client's host name or an address literal. */
  readonly clientName: string;
  /** Speak LMTP (RFC 2033): LHLO, and one reply per accepted recipient after the message. */
  readonly lmtp?: boolean;
  /** Default `none`. With `implicit` the core starts as already encrypted. */
  readonly tls?: TlsMode;
  /** Authenticate after EHLO (and after TLS) with these credentials. */
  readonly auth?: Credentials;
  /** Allow AUTH on a connection without TLS (off by default: credentials would travel in clear). */
  readonly allowInsecureAuth?: boolean;
  /** Use PIPELINING when offered (default true). */
  readonly pipelining?: boolean;
  /** Use BDAT when CHUNKING is offered (default true). */
  readonly chunking?: boolean;
  /** Octets per BDAT chunk (default 256 KiB). */
  readonly bdatChunkSize?: number;
  /** DATA bodies: bare CR/LF become CRLF (`normalize`, default) or fail the message (`reject`). */
  readonly bareLineEndings?: 'normalize' | 'reject';
  /** Writes the session as a `.smtp` transcript as it happens. */
  readonly trace?: TraceWriter;
  /** Environment variable names a trace writes in place of secrets. */
  readonly traceSecrets?: Partial<TraceSecretNames>;
}

/** One message for {@link ClientCore.send}: its envelope and options, plus what is known of its body. */
export interface TransactionRequest {
  readonly envelope: Envelope;
  readonly options: TransactionOptions;
  /**
   * Whether `options.bodyType` comes from scanning the whole body already (in-memory bodies),
   * so the octets need no checking as they go.
   */
  readonly bodyTypeScanned?: boolean;
}

/** What the core tells its driver, in order. Bytes to write are taken with {@link ClientCore.takeOutput}. */
export type CoreEvent =
  /** The server said `220` to STARTTLS: upgrade the connection, then call `tlsEstablished()`. */
  | { readonly type: 'start-tls' }
  /** The session is set up (greeting, EHLO, TLS, AUTH) or a transaction/command finished: idle. */
  | { readonly type: 'ready'; readonly capabilities: Capabilities }
  /** The core takes body octets now (`writeBody` / `endBody`). */
  | { readonly type: 'body-wanted' }
  /** The message was accepted (for at least one recipient). */
  | { readonly type: 'sent'; readonly result: SendResult }
  /** The message was refused; the session is still usable (a `ready` follows). */
  | { readonly type: 'refused'; readonly error: SmtpError }
  /** The reply to a command given with `command()` (NOOP, RSET, VRFY…). */
  | { readonly type: 'reply'; readonly reply: Reply }
  /** The session ended normally (QUIT answered, or the server closed after it). */
  | { readonly type: 'closed' }
  /** The session cannot go on: close the connection. */
  | { readonly type: 'fatal'; readonly error: Error };

/** What the core waits for, so its driver can arm the matching timer. */
export type Waiting = 'greeting' | 'command' | 'final-reply' | 'tls' | 'nothing';

/** Where the session stands. One value; details of a transaction live in its record. */
export type CorePhase =
  | 'greeting'
  | 'hello'
  | 'starttls'
  | 'tls-handshake'
  | 'auth'
  | 'ready'
  | 'transaction'
  | 'command'
  | 'rset'
  | 'quit'
  | 'closed'
  | 'failed';

/** A reply the core is waiting for, with what it needs to handle it. */
export type Pending =
  | { readonly kind: 'greeting' }
  | { readonly kind: 'hello'; readonly verb: 'EHLO' | 'HELO' | 'LHLO' }
  | { readonly kind: 'starttls' }
  | { readonly kind: 'auth'; readonly exchange: SaslExchange }
  | { readonly kind: 'mail'; readonly command: string }
  | { readonly kind: 'rcpt'; readonly index: number; readonly command: string }
  | { readonly kind: 'data' }
  | { readonly kind: 'bdat'; readonly command: string; readonly last: boolean }
  /** The reply after `<CRLF>.<CRLF>` (SMTP), or one recipient's reply after it (LMTP). */
  | { readonly kind: 'message'; readonly recipient?: number }
  /** The `.` that closes a DATA the server accepted although the transaction had already failed. */
  | { readonly kind: 'abandoned-data' }
  | { readonly kind: 'rset'; readonly failure?: SmtpError }
  | { readonly kind: 'command'; readonly command: string; readonly phase: SmtpPhase }
  | { readonly kind: 'quit'; readonly failure?: Error };

/** The body type a transaction allows and whether its octets must be checked as they stream. */
export interface BodyPolicy {
  readonly allowed: BodyType;
  readonly verify: boolean;
}
