import type { ForwardPath, MailParameters, RcptParameters, ReversePath, SmtpErrorLike } from '@smtp/codec';
import type { AuthAttempt } from './auth.js';
import type { SessionInfo } from './session-info.js';
import type { MessageHook } from './stores/hook-store.js';

/**
 * What most hooks return: nothing to accept, or an `SmtpError` (anything with a 4xx/5xx `code`,
 * an optional `enhanced` code and a `message`) to refuse with that reply. Throwing an `SmtpError`
 * does the same; throwing anything else refuses with `451 4.3.0` and is reported as an `error`
 * event of the server.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: hooks that return nothing must fit this type
export type HookResult = void | undefined | SmtpErrorLike;

/** A hook's result, possibly later. */
export type MaybePromise<T> = T | Promise<T>;

/** The sender of a transaction, as `onMail` sees it. */
export interface MailFromRequest {
  /** The address, `''` for the null reverse-path `<>`. */
  readonly address: string;
  readonly path: ReversePath;
  readonly params: MailParameters;
}

/** A recipient, as `onRcpt` sees it. */
export interface RcptToRequest {
  /** The address (`Postmaster` for a bare `<Postmaster>`). */
  readonly address: string;
  readonly path: ForwardPath;
  readonly params: RcptParameters;
  /** The transaction's sender address (`''` for `<>`). */
  readonly from: string;
  /** Recipients accepted so far in this transaction. */
  readonly accepted: readonly string[];
}

/**
 * The answer to `VRFY`: a string is the mailbox found (`250`); `{ code: 251, message }` says the
 * user is not local but mail will be forwarded; refuse with `550 5.1.1` (unknown) or `553 5.1.4`
 * (ambiguous) by returning or throwing an `SmtpError`.
 */
export type VrfyResult = string | { readonly code: 250 | 251; readonly message: string } | SmtpErrorLike;

/**
 * The application's say in each step of a session. Every hook is optional; without one, the
 * step is accepted (or answered per the spec's defaults: `VRFY` → 252, `EXPN` → 502).
 */
export interface ServerHooks {
  /** A client connected (after PROXY header and limits); refuse to turn it away with that reply. */
  onConnect?(session: SessionInfo): MaybePromise<HookResult>;
  /**
   * Checks credentials. Return `true` (or nothing) to accept, `false` for `535 5.7.8`, or an
   * `SmtpError`. Without this hook, the `auth` option's users and token check decide.
   */
  onAuth?(attempt: AuthAttempt, session: SessionInfo): MaybePromise<boolean | HookResult>;
  /** `MAIL FROM` passed the protocol checks. */
  onMail?(from: MailFromRequest, session: SessionInfo): MaybePromise<HookResult>;
  /** `RCPT TO` passed the protocol checks. */
  onRcpt?(to: RcptToRequest, session: SessionInfo): MaybePromise<HookResult>;
  /**
   * Receives each message with its body as a stream, instead of the `store`. Resolve once the
   * message is safe (the client then gets `250`); refuse by throwing an `SmtpError`.
   */
  onMessage?: MessageHook;
  /** Answers `VRFY` (without it: `252 2.5.0`). */
  onVrfy?(argument: string, session: SessionInfo): MaybePromise<VrfyResult>;
  /** Answers `EXPN` with the list's mailboxes, one reply line each (without it: `502 5.5.1`). */
  onExpn?(argument: string, session: SessionInfo): MaybePromise<readonly string[] | SmtpErrorLike>;
}
