import type { Decision } from '@smtp/session';
import { fromThrown, isRefusal, LOCAL_ERROR, refuse } from './decisions.js';
import type { MaybePromise } from './hooks.js';
import type {
  IncomingMessage,
  MessageAbortReason,
  MessageSink,
  MessageStore,
  StoreResult,
} from './stores/message-store.js';

/** Where one message is on its way into the store. */
type TransferState =
  /** `settled` resolves once the store's open has answered (and a late sink was dropped). */
  | { readonly kind: 'opening'; readonly settled?: Promise<void> }
  | { readonly kind: 'open'; readonly sink: MessageSink }
  | { readonly kind: 'refused'; readonly error: unknown }
  | { readonly kind: 'finishing'; readonly sink: MessageSink }
  | { readonly kind: 'finished' }
  | { readonly kind: 'aborted' };

/** Reports a store's unexpected failure. */
export type FailureReporter = (error: unknown) => void;

/** What a store's answer after its timeout becomes: nothing, the client was answered already. */
const LATE_ANSWER: Decision = Object.freeze({ accept: false, error: LOCAL_ERROR });

/** A store operation did not settle within the server's `storeTimeout`. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
  constructor(operation: 'open' | 'write' | 'end' | 'abort', timeoutMs: number) {
    super(`the message store's ${operation}() did not settle within ${timeoutMs} ms`);
  }
}

/**
 * Carries one message from the session's `message-data` events into a {@link MessageStore}
 * sink, and turns the store's verdict into the session's decision. Store calls that return
 * promises are passed back to the connection, which stops reading until they settle.
 */
export class MessageTransfer {
  readonly message: IncomingMessage;
  #state: TransferState = { kind: 'opening' };
  readonly #report: FailureReporter;
  readonly #timeoutMs: number;

  /**
   * @param timeoutMs how long one store operation may take before the message is given up
   *   (`451 4.3.0`, the sink told to abort); 0 waits forever. A stalled store must not hold the
   *   client, its connection and its reading forever: the client's own patience ends (RFC 5321
   *   §4.5.3.2 gives it 10 minutes for the final reply), and a late answer is ignored.
   */
  constructor(message: IncomingMessage, report: FailureReporter, timeoutMs = 0) {
    this.message = message;
    this.#report = report;
    this.#timeoutMs = timeoutMs;
  }

  /** Opens the store's sink; a promise when the store opens asynchronously. */
  open(store: MessageStore): void | Promise<void> {
    let opened: MessageSink | Promise<MessageSink>;
    try {
      opened = store.open(this.message);
    } catch (error) {
      this.#refuse(error);
      return;
    }
    if (!(opened instanceof Promise)) {
      this.#opened(opened);
      return;
    }
    const settled = this.#bounded(
      opened.then(
        (sink) => this.#opened(sink),
        (error: unknown) => this.#refuse(error),
      ),
      'open',
      (timeout) => this.#refuse(timeout),
    );
    this.#state = { kind: 'opening', settled };
    return settled;
  }

  /** Hands a body piece to the sink (dropped when the store refused at open). */
  write(chunk: Uint8Array): void | Promise<void> {
    if (this.#state.kind !== 'open') return;
    try {
      const written = this.#state.sink.write(chunk);
      if (written instanceof Promise) {
        return this.#bounded(
          written.catch((error: unknown) => this.#failSink(error)),
          'write',
          (timeout) => this.#failSink(timeout),
        );
      }
    } catch (error) {
      this.#failSink(error);
    }
  }

  /**
   * The body is complete: asks the store to keep it and answers with the session's decision
   * (one per recipient in LMTP mode). `onStored` runs once the message is durable.
   */
  finish(lmtp: boolean, onStored: () => void): MaybePromise<Decision> {
    const state = this.#state;
    this.#state = state.kind === 'open' ? { kind: 'finishing', sink: state.sink } : { kind: 'finished' };
    if (state.kind !== 'open') {
      const error = state.kind === 'refused' ? state.error : LOCAL_ERROR;
      return this.#verdict(fromThrown(error, { report: this.#report }), lmtp);
    }
    const settled = () => {
      if (this.#state.kind === 'finishing') this.#state = { kind: 'finished' };
    };
    const accept = (receipt: StoreResult) => {
      settled();
      onStored();
      return this.#accepted(receipt, lmtp);
    };
    const fail = (error: unknown) => {
      settled();
      return this.#verdict(fromThrown(error, { report: this.#report }), lmtp);
    };
    // A sink whose end() failed may still hold what it was given (a store that refuses before
    // handing the message on, say): it is told to drop it before the refusal goes out.
    const failAndDrop = (error: unknown) => {
      const refusal = fail(error);
      this.#state = { kind: 'aborted' };
      const dropped = this.#abortSink(state.sink, 'refused');
      return dropped instanceof Promise ? dropped.then(() => refusal) : refusal;
    };
    let ended: ReturnType<MessageSink['end']>;
    try {
      ended = state.sink.end();
    } catch (error) {
      return failAndDrop(error);
    }
    if (!(ended instanceof Promise)) return accept(ended);
    let late = false;
    return this.#bounded(
      ended.then(
        // After a timeout the client has been refused: a late success must not count as stored.
        (receipt) => (late ? LATE_ANSWER : accept(receipt)),
        (error: unknown) => (late ? LATE_ANSWER : failAndDrop(error)),
      ),
      'end',
      (timeout) => {
        late = true;
        // The refusal goes out once the store has dropped the message (or that too timed out).
        return failAndDrop(timeout);
      },
    );
  }

  /** The session dropped the message: the sink discards it. Resolves once it has. */
  abort(reason: MessageAbortReason): void | Promise<void> {
    const state = this.#state;
    this.#state = { kind: 'aborted' };
    // Still opening: the sink that arrives later is dropped by #opened; the cleanup (and so
    // `session-end` and `close()`) must wait for that, or a Maildir file could outlive them.
    if (state.kind === 'opening') return state.settled;
    // While finishing, the store may still be able to stop short of committing (a shutdown).
    if (state.kind !== 'open' && state.kind !== 'finishing') return;
    return this.#abortSink(state.sink, reason);
  }

  /** Tells a sink to drop its message; bounded like every store call, never throws. */
  #abortSink(sink: MessageSink, reason: MessageAbortReason): void | Promise<void> {
    try {
      const done = sink.abort(reason);
      if (done instanceof Promise) {
        return this.#bounded(
          done.catch((error: unknown) => this.#report(error)),
          'abort',
          (timeout) => this.#report(timeout),
        );
      }
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Settles like `operation`, or runs `onTimeout` once the store has taken longer than the
   * timeout (the operation's own outcome is then ignored by its handlers).
   */
  #bounded<T>(
    operation: Promise<T>,
    name: ConstructorParameters<typeof StoreTimeoutError>[0],
    onTimeout: (timeout: StoreTimeoutError) => T | Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.#timeoutMs;
    if (timeoutMs === 0) return operation;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(onTimeout(new StoreTimeoutError(name, timeoutMs))), timeoutMs);
    });
    return Promise.race([operation.finally(() => clearTimeout(timer)), expired]);
  }

  #opened(sink: MessageSink): void | Promise<void> {
    // The session may have dropped the message (or given up on the store) while it was opening.
    if (this.#state.kind !== 'opening')
      return this.#abortSink(sink, this.#state.kind === 'aborted' ? 'disconnect' : 'refused');
    this.#state = { kind: 'open', sink };
  }

  #refuse(error: unknown): void {
    if (this.#state.kind === 'opening') this.#state = { kind: 'refused', error };
  }

  /** A failed write refuses the message at its end; the sink is told to drop what it has. */
  #failSink(error: unknown): void {
    const state = this.#state;
    if (state.kind !== 'open') return;
    this.#state = { kind: 'refused', error };
    void Promise.resolve().then(() => this.#abortSink(state.sink, 'refused'));
  }

  #accepted(receipt: StoreResult, lmtp: boolean): Decision {
    const id = this.message.id;
    if (!lmtp) return { accept: true, queueId: id };
    const results = receipt?.recipients;
    return {
      perRecipient: this.message.to.map((_, i) => {
        const result = results?.[i];
        return result !== undefined && isRefusal(result)
          ? { accept: false, error: result }
          : { accept: true, queueId: id };
      }),
    };
  }

  #verdict(decision: Decision, lmtp: boolean): Decision {
    if (!lmtp || 'perRecipient' in decision) return decision;
    if (decision.accept) return decision;
    return {
      perRecipient: this.message.to.map(
        () => refuse(decision.error) as Exclude<Decision, { perRecipient: unknown }>,
      ),
    };
  }
}
