import type { SmtpErrorLike } from '@smtp/codec';
import type { SessionInfo } from '../session-info.js';

/**
 * A message as it starts to arrive: who sent it to whom, over which connection. The body follows
 * through the {@link MessageSink} that {@link MessageStore.open} returns.
 */
export interface IncomingMessage {
  /** The queue id the server gave the message (also in the `250` reply). */
  readonly id: string;
  /** The reverse-path's address (`MAIL FROM`), `''` for the null path `<>`. */
  readonly from: string;
  /** Every accepted recipient's address (`RCPT TO`), in the order given. */
  readonly to: readonly string[];
  /** The connection and session the message came in on. */
  readonly session: SessionInfo;
  /** `DATA` (dot-stuffed text) or `BDAT` (octet-counted chunks). */
  readonly via: 'DATA' | 'BDAT';
}

/** Why a message was abandoned before it was complete; nothing may be kept of it. */
export type MessageAbortReason =
  | 'size'
  | 'line-ending'
  | 'long-line'
  | 'timeout'
  | 'disconnect'
  | 'shutdown'
  | 'rset'
  | 'refused'
  | (string & {});

/**
 * What a store may say about a stored message. In LMTP mode, `recipients` gives one result per
 * recipient of {@link IncomingMessage.to} (in order): `undefined` for delivered, an SMTP error for
 * refused; when absent, every recipient shares the message's result.
 */
export interface StoreReceipt {
  readonly recipients?: readonly (SmtpErrorLike | undefined)[];
}

/**
 * What {@link MessageSink.end} gives back: nothing (the usual case), or a {@link StoreReceipt}.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a store whose end() returns nothing must fit this type
export type StoreResult = void | StoreReceipt;

/**
 * Receives the body of one message, in order, in pieces.
 *
 * The server waits for a returned promise before handing over more (that is its backpressure:
 * while a store is slow the connection stops reading). A piece belongs to the sink once passed:
 * the server never reuses its memory.
 */
export interface MessageSink {
  /** Takes the next piece of the body. */
  write(chunk: Uint8Array): void | Promise<void>;
  /**
   * The body is complete: make the message durable. Resolving means stored — the server sends
   * `250` only after that. Throwing an `SmtpError` (or anything with `code` and `message`) makes
   * that the reply; any other error gives `451 4.3.0`.
   */
  end(): StoreResult | Promise<StoreResult>;
  /**
   * The message is abandoned (see the reason): drop everything written so far. Also called (with
   * `refused`) after `end()` failed, before the refusal is sent. Must not throw.
   */
  abort(reason: MessageAbortReason): void | Promise<void>;
}

/**
 * Where accepted messages go. `open` is called when the client starts sending the body (after
 * `354`, or at the first `BDAT`); throwing an SMTP error there refuses the message once its end
 * is reached (the body is read and dropped meanwhile).
 *
 * @example A store that counts bytes and keeps nothing:
 * ```ts
 * const countingStore: MessageStore = {
 *   open(message) {
 *     let size = 0;
 *     return {
 *       write(chunk) { size += chunk.length; },
 *       end() { console.log(`${message.id}: ${size} bytes from ${message.from}`); },
 *       abort() {},
 *     };
 *   },
 * };
 * ```
 */
export interface MessageStore {
  /** Starts receiving one message. */
  open(message: IncomingMessage): MessageSink | Promise<MessageSink>;
  /**
   * Optional: called once before the server accepts connections (create directories, recover
   * from a crash). A failure makes `listen()` fail.
   */
  prepare?(): Promise<void>;
}
