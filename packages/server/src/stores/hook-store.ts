import { Readable } from 'node:stream';
import type {
  IncomingMessage,
  MessageAbortReason,
  MessageSink,
  MessageStore,
  StoreResult,
} from './message-store.js';

/** A message handed to an `onMessage` hook: the envelope and the body as a stream. */
export interface MessageWithBody extends IncomingMessage {
  /**
   * The body exactly as the client meant it (dot-unstuffed, CRLF kept), as it arrives. A Node
   * `Readable`, so also an `AsyncIterable<Uint8Array>`. It fails with {@link MessageAbortedError}
   * when the message is abandoned (disconnect, size limit, bare LF, shutdown, …).
   */
  readonly body: Readable;
}

/**
 * The application's own message handler: resolve once the message is safely kept (the client then
 * gets `250`), throw an `SmtpError` to refuse it with that reply.
 */
export type MessageHook = (message: MessageWithBody) => StoreResult | Promise<StoreResult>;

/** The body stream's error when a message is abandoned before its end. */
export class MessageAbortedError extends Error {
  override readonly name = 'MessageAbortedError';
  constructor(readonly reason: MessageAbortReason) {
    super(`message abandoned: ${reason}`);
  }
}

/** Buffered body bytes before the hook's stream pushes back. */
const BODY_HIGH_WATER_MARK = 64 * 1024;

/**
 * A {@link MessageStore} that hands each message to a hook as a body stream. The connection stops
 * reading from the client while the hook does not consume the body (backpressure), so a slow
 * hook never makes the server buffer a whole message.
 */
export function hookStore(hook: MessageHook): MessageStore {
  return {
    open(message) {
      return new HookSink(message, hook);
    },
  };
}

/** How the hook's call has turned out so far. */
type HookOutcome =
  | { readonly kind: 'running' }
  | { readonly kind: 'resolved'; readonly receipt: StoreResult }
  | { readonly kind: 'rejected'; readonly error: unknown };

class HookSink implements MessageSink {
  readonly #body: Readable;
  readonly #done: Promise<StoreResult>;
  #outcome: HookOutcome = { kind: 'running' };
  #wantMore: (() => void) | undefined;

  constructor(message: IncomingMessage, hook: MessageHook) {
    this.#body = new Readable({
      highWaterMark: BODY_HIGH_WATER_MARK,
      read: () => this.#resume(),
    });
    // An abandoned body is an error for the hook's reader, never an unhandled one for the process.
    this.#body.on('error', () => {});
    this.#done = Promise.resolve()
      .then(() => hook({ ...message, body: this.#body }))
      .then(
        (receipt) => {
          this.#outcome = { kind: 'resolved', receipt };
          this.#resume();
          return receipt;
        },
        (error: unknown) => {
          this.#outcome = { kind: 'rejected', error };
          this.#resume();
          throw error;
        },
      );
    this.#done.catch(() => {});
  }

  write(chunk: Uint8Array): void | Promise<void> {
    // A hook that has already answered does not read the rest: drop it rather than buffer it.
    if (this.#outcome.kind !== 'running' || this.#body.destroyed) return;
    if (this.#body.push(chunk)) return;
    return new Promise<void>((resolve) => {
      this.#wantMore = resolve;
    });
  }

  end(): Promise<StoreResult> {
    if (!this.#body.destroyed) this.#body.push(null);
    return this.#done;
  }

  /** Lets a waiting `write` return: the hook wants more, has answered, or the body is gone. */
  #resume(): void {
    const resume = this.#wantMore;
    this.#wantMore = undefined;
    resume?.();
  }

  abort(reason: MessageAbortReason): void {
    // The hook learns it from its body stream; its own promise is not waited for, since a hook
    // that never settles must not hold the connection.
    this.#body.destroy(new MessageAbortedError(reason));
    this.#resume();
  }
}
