import { SmtpError, type SmtpErrorOptions, type SmtpPhase } from '@smtp/codec';
import type { RecipientResult } from './result.js';

/**
 * The base of every error the client raises that is not a server's refusal. Refusals are
 * {@link SmtpError}s (from `@smtp/codec`); everything else — the network, TLS, a timer, a
 * server breaking the protocol, a message the server cannot take — is one of the subclasses
 * below, so a caller can `instanceof` its way to the cause.
 */
export abstract class SmtpClientError extends Error {
  /** The phase of the session in which it happened, when known. */
  readonly phase: SmtpPhase | undefined;

  constructor(message: string, phase?: SmtpPhase, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.phase = phase;
  }
}

/** Why a connection could not be used. */
export type ConnectionFailure = 'refused' | 'unreachable' | 'closed' | 'reset' | 'other';

/**
 * The TCP connection failed: it could not be opened (`refused`, `unreachable`), or the server
 * closed or reset it in the middle of the session (`closed`, `reset`).
 */
export class ConnectionError extends SmtpClientError {
  override readonly name = 'ConnectionError';
  /** What happened to the connection. */
  readonly failure: ConnectionFailure;
  /** The Node.js error code (`ECONNREFUSED`, `ECONNRESET`…), when there was one. */
  readonly code: string | undefined;

  constructor(
    failure: ConnectionFailure,
    message: string,
    options: { phase?: SmtpPhase; code?: string; cause?: unknown } = {},
  ) {
    super(message, options.phase, options);
    this.failure = failure;
    this.code = options.code;
  }
}

/** The TLS handshake failed: an untrusted or expired certificate, a host name mismatch, no common protocol. */
export class TlsError extends SmtpClientError {
  override readonly name = 'TlsError';
  /** The Node.js / OpenSSL error code (e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`). */
  readonly code: string | undefined;

  constructor(message: string, options: { phase?: SmtpPhase; code?: string; cause?: unknown } = {}) {
    super(message, options.phase ?? 'tls', options);
    this.code = options.code;
  }
}

/**
 * What the client was waiting for when time ran out (RFC 5321 §4.5.3.2 names most of them):
 * opening the connection, the greeting, the reply to a command, writing one block of the
 * message, or the reply after the message.
 */
export type TimeoutKind = 'connect' | 'greeting' | 'command' | 'data-block' | 'final-reply';

/** A per-phase timeout expired; the connection has been closed. */
export class TimeoutError extends SmtpClientError {
  override readonly name = 'TimeoutError';
  /** Which timeout expired. */
  readonly timeout: TimeoutKind;
  /** Its length in milliseconds. */
  readonly milliseconds: number;

  constructor(timeout: TimeoutKind, milliseconds: number, phase?: SmtpPhase) {
    super(`timed out after ${milliseconds} ms waiting for ${describeTimeout(timeout)}`, phase);
    this.timeout = timeout;
    this.milliseconds = milliseconds;
  }
}

function describeTimeout(kind: TimeoutKind): string {
  switch (kind) {
    case 'connect':
      return 'the connection to open';
    case 'greeting':
      return "the server's greeting";
    case 'command':
      return 'the reply to a command';
    case 'data-block':
      return 'the server to take the next block of the message';
    case 'final-reply':
      return 'the reply after the message';
  }
}

/** How a server broke the protocol. */
export type ProtocolViolation =
  /** A reply that is not RFC 5321 syntax (the codec's `ReplySyntaxError` is the cause). */
  | 'malformed-reply'
  /** Bytes after the `220` to STARTTLS and before the TLS handshake (CVE-2011-1430 class). */
  | 'starttls-injection'
  /** A reply when none was due, or a reply code that makes no sense where it came. */
  | 'unexpected-reply'
  /** An authentication challenge the chosen mechanism cannot answer. */
  | 'bad-challenge';

/** The server broke the protocol; the connection has been closed because nothing it says can be trusted. */
export class ProtocolError extends SmtpClientError {
  override readonly name = 'ProtocolError';
  /** What the server did wrong. */
  readonly violation: ProtocolViolation;

  constructor(
    violation: ProtocolViolation,
    message: string,
    phase?: SmtpPhase,
    options?: { cause?: unknown },
  ) {
    super(message, phase, options);
    this.violation = violation;
  }
}

/** What the message or the session needs that the server did not offer (or the client refuses to do). */
export type Requirement =
  | 'STARTTLS'
  | 'AUTH'
  | 'ENCRYPTION'
  | '8BITMIME'
  | 'BINARYMIME'
  | 'CHUNKING'
  | 'SMTPUTF8'
  | 'DSN'
  | 'REQUIRETLS'
  | 'SIZE';

/**
 * The session or the message needs something the server did not advertise — STARTTLS when TLS is
 * required, an AUTH mechanism, 8BITMIME for a body with 8-bit octets, SMTPUTF8 for a non-ASCII
 * address, DSN, REQUIRETLS — or authentication was asked for on a connection that is not
 * encrypted. Raised before the command that would need it is sent.
 */
export class CapabilityError extends SmtpClientError {
  override readonly name = 'CapabilityError';
  /** What was missing. */
  readonly requirement: Requirement;

  constructor(requirement: Requirement, message: string, phase?: SmtpPhase) {
    super(message, phase);
    this.requirement = requirement;
  }
}

/** The message is larger than the limit the server declared with `SIZE`; nothing was sent for it. */
export class MessageTooLargeError extends CapabilityError {
  /** The message's size in octets. */
  readonly size: number;
  /** The server's limit in octets. */
  readonly limit: number;

  constructor(size: number, limit: number) {
    super('SIZE', `message of ${size} octets is larger than the server's limit of ${limit} octets`, 'mail');
    this.size = size;
    this.limit = limit;
  }
}

/**
 * The recipients' refusals made the transaction fail: every recipient was refused, or (with
 * `partial: 'all'`) at least one was. It is an {@link SmtpError} carrying the first refusal's
 * code, enhanced code and text, plus every recipient's result.
 */
export class RecipientsRefusedError extends SmtpError {
  /** One result per recipient, in the order they were given. */
  readonly recipients: readonly RecipientResult[];

  constructor(first: SmtpError, recipients: readonly RecipientResult[], message: string) {
    const options: SmtpErrorOptions = {
      enhanced: first.enhanced,
      command: first.command,
      phase: 'rcpt',
      lines: first.lines,
    };
    super(first.code, message, options);
    this.recipients = recipients;
  }
}

/**
 * Reading the message from its stream failed while it was being sent; the connection was closed
 * so that the server does not deliver it cut short. The stream's error is the `cause`.
 */
export class MessageReadError extends SmtpClientError {
  override readonly name = 'MessageReadError';

  constructor(cause: unknown, phase?: SmtpPhase) {
    super(`reading the message failed: ${cause instanceof Error ? cause.message : String(cause)}`, phase, {
      cause,
    });
  }
}
