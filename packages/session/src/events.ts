/**
 * What a session tells its adapter: actions to perform, events to observe, and decisions the
 * application must take before the session can go on.
 */
import type { ForwardPath, MailParameters, RcptParameters, ReversePath, SmtpErrorLike } from '@smtp/codec';
import type { AuthMechanismName } from './policy.js';

/** One accepted recipient: its path and RCPT parameters. */
export interface Recipient {
  readonly to: ForwardPath;
  readonly params: RcptParameters;
}

/** Everything known about a message besides its content. */
export interface Envelope {
  /** The reverse-path of `MAIL FROM` (the null path for bounces). */
  readonly from: ReversePath;
  /** The `MAIL FROM` parameters. */
  readonly params: MailParameters;
  /** The accepted recipients, in the order accepted. */
  readonly recipients: readonly Recipient[];
  /** The domain the client gave in `EHLO`/`HELO`/`LHLO`. */
  readonly helo: string;
  /** The connection was encrypted when the transaction started. */
  readonly tls: boolean;
  /** The username the client authenticated as, when it did. */
  readonly authenticatedAs?: string | undefined;
}

/** How a message body reached the server. */
export type MessageVia = 'DATA' | 'BDAT';

/** Why a message in progress was dropped; nothing of it may be stored. */
export type MessageAbortReason =
  | 'size'
  | 'line-ending'
  | 'long-line'
  | 'timeout'
  | 'disconnect'
  | 'shutdown'
  | 'rset'
  | 'quit'
  | 'too-many-errors'
  | 'overflow';

/** `AUTH` finished its exchange: are these credentials good? */
export interface AuthDecisionEvent {
  readonly type: 'auth';
  readonly mechanism: AuthMechanismName;
  /** Who wants in (for OAUTHBEARER without an `a=` identity: the empty string). */
  readonly username: string;
  /** PLAIN and LOGIN. */
  readonly password?: string | undefined;
  /** XOAUTH2 and OAUTHBEARER: the bearer token. */
  readonly token?: string | undefined;
  /** PLAIN and OAUTHBEARER: the identity to act as, when the client named one. */
  readonly authzid?: string | undefined;
  /** CRAM-MD5: the challenge sent, decoded (`<nonce@hostname>`). */
  readonly challenge?: string | undefined;
  /** CRAM-MD5: the client's HMAC-MD5 of the challenge, 32 lower-case hex digits. */
  readonly response?: string | undefined;
}

/** `MAIL FROM` passed every protocol check: accept the sender? */
export interface MailDecisionEvent {
  readonly type: 'mail';
  readonly from: ReversePath;
  readonly params: MailParameters;
}

/** `RCPT TO` passed every protocol check: accept the recipient? */
export interface RcptDecisionEvent {
  readonly type: 'rcpt';
  readonly to: ForwardPath;
  readonly params: RcptParameters;
  /** The transaction so far (recipients accepted before this one). */
  readonly envelope: Envelope;
}

/**
 * The whole message has arrived through `message-data` events: store it and accept, or refuse.
 * In LMTP mode answer with `perRecipient`, one decision per recipient of the envelope.
 */
export interface MessageEndDecisionEvent {
  readonly type: 'message-end';
  readonly envelope: Envelope;
  /** Octets of the message as stored (after dot-unstuffing). */
  readonly size: number;
  readonly via: MessageVia;
}

/** `VRFY` with a verify hook configured. */
export interface VrfyDecisionEvent {
  readonly type: 'vrfy';
  readonly argument: string;
}

/** `EXPN` with an expand hook configured. */
export interface ExpnDecisionEvent {
  readonly type: 'expn';
  readonly argument: string;
}

/** A question the session waits on; answer it with `ServerSession.decide`. */
export type DecisionEvent =
  | AuthDecisionEvent
  | MailDecisionEvent
  | RcptDecisionEvent
  | MessageEndDecisionEvent
  | VrfyDecisionEvent
  | ExpnDecisionEvent;

/** Something that happened, for the application and for logs. */
export type SessionEvent =
  | DecisionEvent
  /** The greeting was queued (the first action of every session). */
  | { readonly type: 'greeting' }
  /** The client introduced itself; `extended` for EHLO and LHLO. */
  | {
      readonly type: 'helo';
      readonly verb: 'HELO' | 'EHLO' | 'LHLO';
      readonly domain: string;
      readonly extended: boolean;
    }
  /** `220` to STARTTLS was queued; a `starttls` action follows. */
  | { readonly type: 'starttls' }
  | { readonly type: 'rset' }
  | { readonly type: 'quit' }
  | { readonly type: 'noop' }
  /** A message body begins; `message-data` events follow. */
  | { readonly type: 'message-start'; readonly envelope: Envelope; readonly via: MessageVia }
  /**
   * A piece of the body, unstuffed, in order. A view into the bytes given to `receive`: consume
   * or copy it before the next `receive`.
   */
  | { readonly type: 'message-data'; readonly data: Uint8Array }
  /** The message in progress is dropped: discard what `message-data` delivered. */
  | { readonly type: 'message-abort'; readonly reason: MessageAbortReason }
  /** The session itself answered with an error reply (for logs and metrics). */
  | {
      readonly type: 'protocol-error';
      readonly code: number;
      readonly enhanced?: string | undefined;
      /** The command line that got it (never an AUTH response). */
      readonly line?: string | undefined;
    }
  /** AUTH succeeded. */
  | { readonly type: 'authenticated'; readonly username: string; readonly mechanism: AuthMechanismName };

/** An instruction for the adapter, in order. */
export type SessionAction =
  /** Write these bytes; when `delayMs` is set, wait that long first (slows down password guessing). */
  | { readonly type: 'write'; readonly data: Uint8Array; readonly delayMs?: number }
  /** Something to observe; when it is a {@link DecisionEvent}, `ServerSession.pending` holds it too. */
  | { readonly type: 'event'; readonly event: SessionEvent }
  /** `220` to STARTTLS was written before this: start the TLS handshake now. */
  | { readonly type: 'starttls' }
  /** Close the connection once the writes before this one are flushed. */
  | { readonly type: 'close' };

/** Accept what a decision event asked about. */
export interface Acceptance {
  readonly accept: true;
  /**
   * `rcpt` and `vrfy` only: 251 ("user not local; will forward") instead of 250.
   * Default 250.
   */
  readonly code?: 250 | 251 | undefined;
  /** Reply text instead of the default one. */
  readonly message?: string | undefined;
  /** `expn` (and `vrfy`): one reply line per mailbox. */
  readonly lines?: readonly string[] | undefined;
  /** `message-end`: the id the message was stored under, for `250 2.0.0 Ok: queued as <id>`. */
  readonly queueId?: string | undefined;
}

/**
 * Refuse with this reply. `error.code` must be 4xx or 5xx; a 421 also closes the session. An
 * `SmtpError` with several `lines` gives a multi-line reply.
 */
export interface Refusal {
  readonly accept: false;
  readonly error: SmtpErrorLike & { readonly lines?: readonly string[] | undefined };
}

/** LMTP `message-end`: one decision per recipient, in the envelope's order. */
export interface PerRecipientDecision {
  readonly perRecipient: readonly (Acceptance | Refusal)[];
}

/** The answer to a {@link DecisionEvent}. */
export type Decision = Acceptance | Refusal | PerRecipientDecision;
