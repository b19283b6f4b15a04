import type { Reply } from './reply.js';

/**
 * Where in a session an error happened. The client stamps every error with its phase; the
 * server side uses it to say which hook refused.
 */
export type SmtpPhase =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'helo'
  | 'starttls'
  | 'tls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'bdat'
  | 'message'
  | 'rset'
  | 'noop'
  | 'vrfy'
  | 'expn'
  | 'help'
  | 'quit';

/** The plain shape of an SMTP refusal: what a hook returns or throws to refuse, and what a reply carries. */
export interface SmtpErrorLike {
  readonly code: number;
  readonly enhanced?: string | undefined;
  readonly message: string;
}

/** Options of {@link SmtpError} beyond its code and text. */
export interface SmtpErrorOptions {
  /** RFC 3463 enhanced status code, `class.subject.detail`. */
  enhanced?: string | undefined;
  /** The command line that got this reply, when known (credentials are never put here). */
  command?: string | undefined;
  /** The phase of the session in which it happened. */
  phase?: SmtpPhase | undefined;
  /** The reply's full text lines when it had several. */
  lines?: readonly string[] | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/**
 * One error type for both sides of SMTP: thrown by server hooks to refuse a command
 * (the server writes `code enhanced message` as the reply) and thrown by the client when
 * a server refuses (carrying the server's reply).
 *
 * @example
 * ```ts
 * throw new SmtpError(550, 'No such user here', { enhanced: '5.1.1' });
 * ```
 */
export class SmtpError extends Error implements SmtpErrorLike {
  override readonly name = 'SmtpError';
  /** The reply code, 400-599 for a refusal. */
  readonly code: number;
  /** RFC 3463 enhanced status code, when known. */
  readonly enhanced: string | undefined;
  /** The command that got this reply, when known. */
  readonly command: string | undefined;
  /** The phase of the session in which it happened, when known. */
  readonly phase: SmtpPhase | undefined;
  /** Every text line of the reply (a single line for most errors). */
  readonly lines: readonly string[];

  constructor(code: number, message: string, options: SmtpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new RangeError(`SMTP reply code must be an integer from 100 to 599, got ${code}`);
    }
    if (options.enhanced !== undefined && !ENHANCED.test(options.enhanced)) {
      throw new RangeError(
        `enhanced status code must look like 5.1.1, got ${JSON.stringify(options.enhanced)}`,
      );
    }
    this.code = code;
    this.enhanced = options.enhanced;
    this.command = options.command;
    this.phase = options.phase;
    this.lines = options.lines ?? [message];
  }

  /** A 4xx reply: the same request may succeed later. */
  get transient(): boolean {
    return this.code >= 400 && this.code < 500;
  }

  /** A 5xx reply: the request will not succeed as it stands. */
  get permanent(): boolean {
    return this.code >= 500;
  }

  /** The reply a server writes for this error. */
  toReply(): Reply {
    const lines = this.lines.map((line) => (this.enhanced === undefined ? line : `${this.enhanced} ${line}`));
    return this.enhanced === undefined
      ? { code: this.code, lines }
      : { code: this.code, enhanced: this.enhanced, lines };
  }

  /** Builds an error from a reply a server sent, keeping every line. */
  static fromReply(reply: Reply, options: Omit<SmtpErrorOptions, 'enhanced' | 'lines'> = {}): SmtpError {
    const prefix = reply.enhanced === undefined ? '' : `${reply.enhanced} `;
    const lines = reply.lines.map((line) =>
      prefix && line.startsWith(prefix) ? line.slice(prefix.length) : line,
    );
    return new SmtpError(reply.code, lines.join(' ').trim() || `reply ${reply.code}`, {
      ...options,
      enhanced: reply.enhanced,
      lines,
    });
  }

  /** Whether a value has the shape of an SMTP refusal (an SmtpError or a plain object like one). */
  static isLike(value: unknown): value is SmtpErrorLike {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.code === 'number' && typeof v.message === 'string';
  }
}
