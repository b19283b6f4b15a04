/**
 * The narrow view of a session that command handlers get: read the policy and the state,
 * change the phase, answer, emit, ask the application. Handlers hold no state of their own.
 */
import type { Decision, DecisionEvent, Envelope, MessageAbortReason, SessionEvent } from './events.js';
import type { Offer } from './offer.js';
import type { ResolvedPolicy } from './policy.js';
import type { ReplySpec } from './replies.js';
import type { ConnectionFacts, Phase, Transaction } from './state.js';

/** What handlers may do to a session. */
export interface SessionContext {
  readonly policy: ResolvedPolicy;
  /** Connection facts; handlers update them (greeting, authentication, counters). */
  readonly facts: ConnectionFacts;
  /** The connection's CRAM-MD5 nonce (from the adapter), when it gave one. */
  readonly nonce: string | undefined;
  /** The current phase. */
  readonly phase: Phase;
  /** The extensions on offer now. */
  offer(): Offer;
  /**
   * Moves to another phase. Entering a phase that reads raw octets (DATA text, a BDAT chunk)
   * hands it every byte not yet read as command lines.
   */
  enter(phase: Phase): void;
  /** Writes a reply (the application's or a positive one); 4xx/5xx count as errors, 421 closes. */
  reply(reply: ReplySpec, delayMs?: number): void;
  /** The session's own refusal: a `protocol-error` event, then the reply (421 and 521 close). */
  refuse(reply: ReplySpec): void;
  /** Writes a `334` SASL challenge (base64 text, possibly empty). */
  challenge(base64: string): void;
  /** Queues an event for the adapter. */
  emit(event: SessionEvent): void;
  /** Asks the application; the session reads nothing until `settle` has run with its answer. */
  ask(event: DecisionEvent, settle: (decision: Decision) => void): void;
  /** Drops the message in progress, if any, with a `message-abort` event. */
  abortMessage(reason: MessageAbortReason): void;
  /** Writes `220` was done: discards unread input and hands the connection to the TLS handshake. */
  startTls(): void;
  /** Queues `close`; nothing more is read or written. */
  close(): void;
  /** The envelope of a transaction as events carry it. */
  envelope(tx: Transaction): Envelope;
}
