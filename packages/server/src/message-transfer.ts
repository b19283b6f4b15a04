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
  | { readonly kind: 'opening' }
  | { readonly kind: 'open'; readonly sink: MessageSink }
  | { readonly kind: 'refused'; readonly error: unknown }
  | { readonly kind: 'finishing'; readonly sink: MessageSink }
  | { readonly kind: 'finished' }
  | { readonly kind: 'aborted' };

/** Reports a store's unexpected failure. */
export type FailureReporter = (error: unknown) => void;

/**
 * Carries one message from the session's `message-data` events into a {@link MessageStore}
 * sink, and turns the store's verdict into the session's decision. Store calls that return
 * promises are passed back to the connection, which stops reading until they settle.
 */
export class MessageTransfer {
  readonly message: IncomingMessage;
  #state: TransferState = { kind: 'opening' };
  readonly #report: FailureReporter;

  constructor(message: IncomingMessage, report: FailureReporter) {
    this.message = message;
    this.#report = report;
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
    return opened.then(
      (sink) => this.#opened(sink),
      (error: unknown) => this.#refuse(error),
    );
  }

  /** Hands a body piece to the sink (dropped when the store refused at open). */
  write(chunk: Uint8Array): void | Promise<void> {
    if (this.#state.kind !== 'open') return;
    try {
      const written = this.#state.sink.write(chunk);
      if (written instanceof Promise) return written.catch((error: unknown) => this.#failSink(error));
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
    let ended: ReturnType<MessageSink['end']>;
    try {
      ended = state.sink.end();
    } catch (error) {
      return fail(error);
    }
    if (!(ended instanceof Promise)) return accept(ended);
    return ended.then(accept, fail);
  }

  /** The session dropped the message: the sink discards it. Resolves once it has. */
  abort(reason: MessageAbortReason): void | Promise<void> {
    const state = this.#state;
    this.#state = { kind: 'aborted' };
    // While finishing, the store may still be able to stop short of committing (a shutdown).
    if (state.kind !== 'open' && state.kind !== 'finishing') return;
    try {
      const done = state.sink.abort(reason);
      if (done instanceof Promise) return done.catch((error: unknown) => this.#report(error));
    } catch (error) {
      this.#report(error);
    }
  }

  #opened(sink: MessageSink): void {
    // The session may have dropped the message while the store was opening.
    if (this.#state.kind === 'aborted') {
      void Promise.resolve()
        .then(() => sink.abort('disconnect'))
        .catch((error: unknown) => this.#report(error));
      return;
    }
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
    void Promise.resolve()
      .then(() => state.sink.abort('refused'))
      .catch((failure: unknown) => this.#report(failure));
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
