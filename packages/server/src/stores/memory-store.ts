import { EventEmitter } from 'node:events';
import type { IncomingMessage, MessageSink, MessageStore } from './message-store.js';

/** A message a {@link MemoryStore} holds: the envelope and the exact body bytes. */
export interface StoredMessage extends IncomingMessage {
  /** The body exactly as the client meant it (dot-unstuffed, CRLF kept). */
  readonly data: Buffer;
  /** When the message was stored. */
  readonly storedAt: Date;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * How many messages to keep; the oldest are dropped beyond it so a long-running server keeps
   * bounded memory. Default: no limit.
   */
  readonly capacity?: number;
}

/** The events of a {@link MemoryStore}. */
export interface MemoryStoreEvents {
  /** A message was stored (emitted before the client gets its `250`). */
  message: [message: StoredMessage];
}

/**
 * Keeps messages in memory: for tests, the embedded server and `smtp serve` without `--maildir`.
 * Emits `message` for each message stored.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * store.on('message', (m) => console.log(m.id, m.from, m.to, m.data.length));
 * ```
 */
export class MemoryStore extends EventEmitter<MemoryStoreEvents> implements MessageStore {
  readonly #messages: StoredMessage[] = [];
  readonly #capacity: number;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    this.#capacity = options.capacity ?? Number.POSITIVE_INFINITY;
  }

  /** The messages held, oldest first. */
  get messages(): readonly StoredMessage[] {
    return this.#messages;
  }

  /** Forgets every message held. */
  clear(): void {
    this.#messages.length = 0;
  }

  /** Resolves with the next message stored (or rejects after `timeoutMs`, default 10 s). */
  nextMessage(timeoutMs = 10_000): Promise<StoredMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('message', onMessage);
        reject(new Error(`no message stored within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: StoredMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.once('message', onMessage);
    });
  }

  /** Part of {@link MessageStore}: collects the body in memory. */
  open(message: IncomingMessage): MessageSink {
    return new MemorySink(message, this.#keep);
  }

  readonly #keep = (stored: StoredMessage): void => {
    this.#messages.push(stored);
    if (this.#messages.length > this.#capacity) this.#messages.shift();
    this.emit('message', stored);
  };
}

/** Gathers one message's pieces; a class rather than closures, as it is made for every message. */
class MemorySink implements MessageSink {
  #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(
    private readonly message: IncomingMessage,
    private readonly keep: (stored: StoredMessage) => void,
  ) {}

  write(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  end(): void {
    const { id, from, to, session, via } = this.message;
    // One copy at the end: the pieces are views into socket reads, and keeping them would keep
    // whole reads alive for the life of the message.
    const data = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.keep({ id, from, to, session, via, data, storedAt: new Date() });
  }

  abort(): void {
    this.#chunks = [];
  }
}
