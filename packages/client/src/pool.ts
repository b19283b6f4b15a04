import { type ConnectionOptions, SmtpConnection } from './connection.js';
import type { Envelope, TransactionOptions } from './envelope.js';
import { ConnectionError } from './errors.js';
import type { MessageInput } from './message-source.js';
import type { SendResult } from './result.js';

/** Connection options plus the pool's limits. */
export interface PoolOptions extends ConnectionOptions {
  /** Most connections open at once (default 5). */
  readonly maxConnections?: number;
  /** Messages sent on one connection before it is closed and replaced (default 100; `Infinity` for no limit). */
  readonly maxMessagesPerConnection?: number;
  /** Milliseconds an unused connection stays open (default 30 s). */
  readonly idleTimeout?: number;
}

interface Job {
  readonly envelope: Envelope;
  readonly message: MessageInput;
  readonly options: TransactionOptions;
  readonly resolve: (result: SendResult) => void;
  readonly reject: (error: unknown) => void;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value >= 1) || (!Number.isInteger(value) && value !== Number.POSITIVE_INFINITY)) {
    throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  }
  return value;
}

/**
 * Sends messages over up to `maxConnections` reused sessions: a message takes an idle
 * connection, or opens one when the limit allows, or waits its turn. A refused message leaves
 * its connection in the pool (the client sent RSET); a broken connection is dropped and
 * replaced. Connections unused for `idleTimeout` are closed with QUIT.
 *
 * @example
 * ```ts
 * const pool = new SmtpPool({ host: 'mx.example.test', maxConnections: 10 });
 * await Promise.all(messages.map((m) => pool.send(m.envelope, m.raw)));
 * await pool.close();
 * ```
 */
export class SmtpPool {
  readonly #options: ConnectionOptions;
  readonly #maxConnections: number;
  readonly #maxMessages: number;
  readonly #idleTimeout: number;
  readonly #queue: Job[] = [];
  readonly #idle: SmtpConnection[] = [];
  readonly #busy = new Set<SmtpConnection>();
  readonly #idleTimers = new Map<SmtpConnection, NodeJS.Timeout>();
  #opening = 0;
  #closing = false;
  #drained: (() => void) | undefined;

  constructor(options: PoolOptions) {
    const { maxConnections, maxMessagesPerConnection, idleTimeout, ...connection } = options;
    this.#options = connection;
    this.#maxConnections = positive(maxConnections, 5, 'maxConnections');
    this.#maxMessages = positive(maxMessagesPerConnection, 100, 'maxMessagesPerConnection');
    this.#idleTimeout = positive(idleTimeout, 30_000, 'idleTimeout');
  }

  /** Connections open or opening. */
  get size(): number {
    return this.#idle.length + this.#busy.size + this.#opening;
  }

  /** Messages waiting for a connection. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Sends a message on a pooled connection; see {@link SmtpConnection.send}. */
  send(envelope: Envelope, message: MessageInput, options: TransactionOptions = {}): Promise<SendResult> {
    if (this.#closing) return Promise.reject(new ConnectionError('closed', 'the pool is closed'));
    return new Promise<SendResult>((resolve, reject) => {
      this.#queue.push({ envelope, message, options, resolve, reject });
      this.#dispatch();
    });
  }

  /** Lets queued and running messages finish, then closes every connection with QUIT. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#queue.length > 0 || this.#busy.size > 0 || this.#opening > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    const idle = this.#idle.splice(0);
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    await Promise.all(idle.map((connection) => connection.quit()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const connection = this.#takeIdle();
      if (connection !== undefined) {
        this.#run(connection, this.#queue.shift() as Job);
        continue;
      }
      if (this.size < this.#maxConnections && this.#opening < this.#queue.length) {
        this.#open();
        continue;
      }
      return;
    }
    this.#checkDrained();
  }

  #takeIdle(): SmtpConnection | undefined {
    for (let connection = this.#idle.pop(); connection !== undefined; connection = this.#idle.pop()) {
      const timer = this.#idleTimers.get(connection);
      if (timer !== undefined) clearTimeout(timer);
      this.#idleTimers.delete(connection);
      if (connection.usable) return connection;
    }
    return undefined;
  }

  #open(): void {
    this.#opening++;
    SmtpConnection.connect(this.#options).then(
      (connection) => {
        this.#opening--;
        connection.onClose(() => this.#forget(connection));
        this.#release(connection);
      },
      (error: unknown) => {
        this.#opening--;
        // The message that asked for this connection learns why it could not be opened.
        this.#queue.shift()?.reject(error);
        this.#dispatch();
      },
    );
  }

  #run(connection: SmtpConnection, job: Job): void {
    this.#busy.add(connection);
    connection.send(job.envelope, job.message, job.options).then(
      (result) => {
        this.#release(connection);
        job.resolve(result);
      },
      (error: unknown) => {
        this.#release(connection);
        job.reject(error);
      },
    );
  }

  #release(connection: SmtpConnection): void {
    this.#busy.delete(connection);
    if (!connection.usable) {
      this.#dispatch();
      return;
    }
    if (connection.messages >= this.#maxMessages) {
      void connection.quit();
      this.#dispatch();
      return;
    }
    this.#idle.push(connection);
    if (!this.#closing) {
      const timer = setTimeout(() => {
        this.#forget(connection);
        void connection.quit();
      }, this.#idleTimeout);
      timer.unref();
      this.#idleTimers.set(connection, timer);
    }
    this.#dispatch();
  }

  #forget(connection: SmtpConnection): void {
    const index = this.#idle.indexOf(connection);
    if (index !== -1) this.#idle.splice(index, 1);
    const timer = this.#idleTimers.get(connection);
    if (timer !== undefined) clearTimeout(timer);
    this.#idleTimers.delete(connection);
  }

  #checkDrained(): void {
    if (this.#drained === undefined || this.#queue.length > 0 || this.#busy.size > 0 || this.#opening > 0)
      return;
    const drained = this.#drained;
    this.#drained = undefined;
    drained();
  }
}
