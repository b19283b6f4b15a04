import net from 'node:net';
import { hostname } from 'node:os';
import tls from 'node:tls';
import { type Capabilities, isValidDomain, type Reply } from '@smtp/codec';
import { ClientCore } from './core.js';
import type { CoreEvent, TlsMode } from './core-types.js';
import type { Envelope, TransactionOptions } from './envelope.js';
import { ConnectionError, MessageReadError, TimeoutError, type TimeoutKind } from './errors.js';
import { chunkBytes, type MessageInput, type MessageSource, toMessageSource } from './message-source.js';
import type { SendResult } from './result.js';
import type { Credentials, TraceSecretNames } from './sasl-client.js';
import { connectionErrorOf, tlsErrorOf } from './socket-errors.js';
import { DEFAULT_TIMEOUTS, PhaseTimer, type Timeouts } from './timeouts.js';
import { TraceWriter } from './trace-writer.js';

/** Octets read at a time on a plain-text session. */
const READ_BUFFER_SIZE = 64 * 1024;

/** Where a trace goes, and the names it writes in place of secrets. */
export interface TraceOptions {
  /** Gets each transcript line, without its line end. */
  readonly write: (line: string) => void;
  /** Environment variable names standing for the password and the token (`SMTP_PASSWORD`, `SMTP_TOKEN`). */
  readonly secrets?: Partial<TraceSecretNames>;
}

/** How to reach a server and run the session. */
export interface ConnectionOptions {
  /** Host name or IP address. */
  readonly host: string;
  /** Default 465 with implicit TLS, else 25. */
  readonly port?: number;
  /** Default `opportunistic`: STARTTLS when the server offers it (with certificate checks). */
  readonly tls?: TlsMode;
  /**
   * Verify the server's certificate and host name (default true). Turn off only for tests
   * against self-signed certificates.
   */
  readonly rejectUnauthorized?: boolean;
  /** The name sent as SNI and checked against the certificate (default: `host` when it is a name). */
  readonly servername?: string;
  /** More `node:tls` options (`ca`, `minVersion`, client `cert`/`key`…). */
  readonly tlsOptions?: tls.ConnectionOptions;
  /** The name given with EHLO (default: this machine's host name when it is a valid domain, else `localhost`). */
  readonly name?: string;
  readonly auth?: Credentials;
  /** Allow AUTH without TLS (default false). */
  readonly allowInsecureAuth?: boolean;
  /** Speak LMTP (RFC 2033) instead of SMTP. */
  readonly lmtp?: boolean;
  /** Use PIPELINING when offered (default true). */
  readonly pipelining?: boolean;
  /** Use BDAT when CHUNKING is offered (default true). */
  readonly chunking?: boolean;
  /** Octets per BDAT chunk of a streamed message (default 256 KiB). */
  readonly bdatChunkSize?: number;
  /** Bare CR or LF in a message: made CRLF (`normalize`, default) or refused (`reject`). */
  readonly bareLineEndings?: 'normalize' | 'reject';
  readonly timeouts?: Partial<Timeouts>;
  /** Writes the session as a `.smtp` transcript as it happens. */
  readonly trace?: ((line: string) => void) | TraceOptions;
  /** Local address to connect from. */
  readonly localAddress?: string;
}

/** What one operation waits for. */
interface Operation {
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

/** The body of the message being sent and where its sending stands. */
interface BodyJob {
  readonly source: MessageSource;
  fed: boolean;
  running: boolean;
  /** Resolves the stream loop's wait for the core to take more. */
  credit: (() => void) | undefined;
}

function defaultName(): string {
  const name = hostname();
  return isValidDomain(name) ? name : 'localhost';
}

function traceOptions(trace: ConnectionOptions['trace']): TraceOptions | undefined {
  if (trace === undefined) return undefined;
  return typeof trace === 'function' ? { write: trace } : trace;
}

/**
 * One SMTP (or LMTP) session over a Node socket: the Node transport around {@link ClientCore}.
 * Operations run one at a time in the order they are called.
 *
 * @example
 * ```ts
 * const connection = await SmtpConnection.connect({ host: 'mx.example.test', tls: 'starttls' });
 * const result = await connection.send({ from: 'a@example.test', to: ['b@example.test'] }, message);
 * await connection.quit();
 * ```
 */
export class SmtpConnection {
  readonly #options: ConnectionOptions;
  readonly #core: ClientCore;
  readonly #timer: PhaseTimer;
  readonly #where: string;
  readonly #host: string;
  readonly #port: number;
  #socket: net.Socket | undefined;
  #op: Operation | undefined;
  /** Operations called while another was under way, oldest first. */
  readonly #waiting: (() => void)[] = [];
  #failure: Error | undefined;
  #closed = false;
  #body: BodyJob | undefined;
  /** Set while the TCP connection or a TLS handshake is under way: errors then mean connect/TLS failures. */
  #handshake: 'tcp' | 'tls' | 'starttls' | undefined;
  #drainWaiter: (() => void) | undefined;
  readonly #closeListeners: ((error: Error | undefined) => void)[] = [];
  #messages = 0;
  /** Whether the first `ready` (the end of connect) has been seen. */
  #connected = false;

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    const mode = options.tls ?? 'opportunistic';
    this.#host = options.host;
    this.#port = options.port ?? (mode === 'implicit' ? 465 : 25);
    this.#where = net.isIPv6(this.#host) ? `[${this.#host}]:${this.#port}` : `${this.#host}:${this.#port}`;
    const trace = traceOptions(options.trace);
    const writer = trace === undefined ? undefined : new TraceWriter(trace.write);
    this.#core = new ClientCore({
      clientName: options.name ?? defaultName(),
      tls: mode,
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      ...(options.allowInsecureAuth === undefined ? {} : { allowInsecureAuth: options.allowInsecureAuth }),
      ...(options.lmtp === undefined ? {} : { lmtp: options.lmtp }),
      ...(options.pipelining === undefined ? {} : { pipelining: options.pipelining }),
      ...(options.chunking === undefined ? {} : { chunking: options.chunking }),
      ...(options.bdatChunkSize === undefined ? {} : { bdatChunkSize: options.bdatChunkSize }),
      ...(options.bareLineEndings === undefined ? {} : { bareLineEndings: options.bareLineEndings }),
      ...(writer === undefined ? {} : { trace: writer }),
      ...(trace?.secrets === undefined ? {} : { traceSecrets: trace.secrets }),
    });
    if (writer !== undefined) {
      writer.comment(`session traced by @smtp/client with ${this.#where}`);
      if (mode === 'implicit') writer.directive('tls implicit');
      if (options.rejectUnauthorized === false) writer.directive('tls insecure');
      writer.directive(`connect ${this.#where}`);
    }
    this.#timer = new PhaseTimer({ ...DEFAULT_TIMEOUTS, ...options.timeouts }, (kind, ms) =>
      this.#onTimeout(kind, ms),
    );
  }

  /**
   * Opens a connection and runs the session up to the point where it can send: greeting, EHLO
   * (HELO fallback), STARTTLS, AUTH.
   *
   * @throws CommandInjectionError when the EHLO name holds CR, LF or NUL (nothing is sent).
   * @throws the first error of the session: {@link ConnectionError}, {@link TlsError},
   * {@link TimeoutError}, {@link ProtocolError}, {@link CapabilityError} or the server's
   * refusal as an `SmtpError`.
   */
  static connect(options: ConnectionOptions): Promise<SmtpConnection> {
    let connection: SmtpConnection;
    try {
      connection = new SmtpConnection(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return connection.#start();
  }

  /** What the server offered in its (last) EHLO reply. */
  get capabilities(): Capabilities {
    return this.#core.capabilities;
  }

  /** Whether the session runs over TLS. */
  get secure(): boolean {
    return this.#core.secure;
  }

  /** Whether AUTH succeeded. */
  get authenticated(): boolean {
    return this.#core.authenticated;
  }

  /** Whether the connection is closed (after QUIT, an error or {@link close}). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages sent on this connection (accepted or refused). */
  get messages(): number {
    return this.#messages;
  }

  /** Whether the session is usable for another message. */
  get usable(): boolean {
    return !this.#closed && this.#failure === undefined;
  }

  /** Calls `listener` once when the connection closes, with the error that closed it, if any. */
  onClose(listener: (error: Error | undefined) => void): void {
    if (this.#closed) listener(this.#failure);
    else this.#closeListeners.push(listener);
  }

  /**
   * Sends one message. Resolves when the server has accepted it for at least one recipient
   * (every one with `partial: 'all'`), with each recipient's result.
   *
   * @throws (rejects with) an `SmtpError` when the server refuses the message — a
   * {@link RecipientsRefusedError} when it is the recipients — after which the connection is still
   * usable; a {@link CapabilityError} or input error (nothing sent); or a connection-level error.
   */
  send(envelope: Envelope, message: MessageInput, options: TransactionOptions = {}): Promise<SendResult> {
    let source: MessageSource;
    try {
      source = toMessageSource(message);
    } catch (error) {
      return Promise.reject(error);
    }
    const scanned = source.kind === 'bytes' && options.bodyType === undefined;
    const txOptions: TransactionOptions =
      source.kind === 'bytes'
        ? { ...options, size: options.size ?? source.size, bodyType: options.bodyType ?? source.bodyType }
        : options;
    return this.#enqueue<SendResult>(() => {
      this.#core.send({ envelope, options: txOptions, bodyTypeScanned: scanned });
      this.#messages++;
      this.#body = { source, fed: false, running: false, credit: undefined };
    });
  }

  /** Sends NOOP; resolves with the reply (whatever its code). */
  noop(): Promise<Reply> {
    return this.#enqueue<Reply>(() => this.#core.command('NOOP', 'noop'));
  }

  /** Sends RSET; resolves with the reply. */
  reset(): Promise<Reply> {
    return this.#enqueue<Reply>(() => this.#core.command('RSET', 'rset'));
  }

  /**
   * Sends QUIT, waits for the reply and closes. A broken session is simply closed. Never
   * rejects because of the server: the session is over either way.
   */
  quit(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const done = this.#enqueue<void>(() => {
      if (!this.#core.ready) throw new ConnectionError('closed', 'the session is not in a state to QUIT');
      this.#core.quit();
    });
    return done.catch(() => this.close());
  }

  /** Closes the connection at once, without QUIT. */
  close(): void {
    if (this.#closed) return;
    this.#finish(
      new ConnectionError('closed', 'the connection was closed by the client', {
        phase: this.#core.errorPhase,
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------

  #start(): Promise<SmtpConnection> {
    return new Promise<SmtpConnection>((resolve, reject) => {
      this.#op = { resolve: resolve as (value: never) => void, reject };
      const options = this.#options;
      this.#timer.arm('connect');
      const mode = options.tls ?? 'opportunistic';
      if (mode === 'implicit') {
        this.#handshake = 'tcp';
        const socket = tls.connect({ ...this.#tlsConnectOptions(), port: this.#port });
        socket.once('connect', () => {
          this.#handshake = 'tls';
        });
        socket.once('secureConnect', () => {
          this.#handshake = undefined;
          this.#pump();
        });
        this.#attach(socket);
      } else {
        this.#handshake = 'tcp';
        // Reads go into one reused buffer (`onread`), skipping the stream machinery per read;
        // the reply parser copies whatever it keeps. After STARTTLS the TLS layer takes the
        // handle over and reads for itself.
        const reuse = {
          onread: {
            buffer: Buffer.allocUnsafe(READ_BUFFER_SIZE),
            callback: (bytes: number, buffer: Uint8Array): boolean => {
              this.#onData(buffer.subarray(0, bytes));
              return true;
            },
          },
        };
        const socket = net.connect({
          host: this.#host,
          port: this.#port,
          ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
          ...reuse,
        });
        socket.once('connect', () => {
          this.#handshake = undefined;
          this.#pump();
        });
        this.#attach(socket);
      }
    });
  }

  #tlsConnectOptions(): tls.ConnectionOptions {
    const options = this.#options;
    const servername = options.servername ?? (net.isIP(this.#host) === 0 ? this.#host : undefined);
    return {
      ...options.tlsOptions,
      host: this.#host,
      ...(servername === undefined ? {} : { servername }),
      ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    };
  }

  #attach(socket: net.Socket): void {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
  }

  #detach(socket: net.Socket): void {
    socket.removeListener('data', this.#onData);
    socket.removeListener('end', this.#onEnd);
    socket.removeListener('close', this.#onEnd);
  }

  readonly #onData = (chunk: Uint8Array): void => {
    this.#core.receive(chunk);
    this.#pump();
  };

  readonly #onEnd = (): void => {
    if (this.#handshake !== undefined && this.#failure === undefined) {
      this.#core.fail(
        this.#handshake === 'tcp'
          ? new ConnectionError('closed', `connection to ${this.#where} closed while opening`, {
              phase: 'connect',
            })
          : tlsErrorOf(
              new Error('the server closed the connection'),
              this.#where,
              this.#handshake === 'starttls',
            ),
      );
    } else {
      this.#core.connectionClosed();
    }
    this.#pump();
  };

  readonly #onError = (error: Error): void => {
    if (this.#failure !== undefined || this.#closed) return;
    const mapped =
      this.#handshake === 'tls' || this.#handshake === 'starttls'
        ? tlsErrorOf(error, this.#where, this.#handshake === 'starttls')
        : connectionErrorOf(
            error,
            this.#where,
            this.#handshake === 'tcp' ? 'connect' : this.#core.errorPhase,
          );
    this.#core.fail(mapped);
    this.#pump();
  };

  #onTimeout(kind: TimeoutKind, milliseconds: number): void {
    this.#core.fail(new TimeoutError(kind, milliseconds, this.#core.errorPhase));
    this.#pump();
  }

  /** Runs after every input: handles the core's events, writes its output, arms the timer. */
  #pump(): void {
    const core = this.#core;
    for (let event = core.nextEvent(); event !== undefined; event = core.nextEvent()) this.#handle(event);
    this.#flush();
    if (this.#closed) return;
    switch (core.waiting) {
      case 'greeting':
        this.#timer.arm('greeting');
        break;
      case 'command':
        this.#timer.arm('command');
        break;
      case 'final-reply':
        this.#timer.arm('final-reply');
        break;
      case 'tls':
        this.#timer.arm('connect');
        break;
      case 'nothing':
        if (this.#drainWaiter === undefined && this.#handshake === undefined) this.#timer.disarm();
        break;
    }
  }

  #handle(event: CoreEvent): void {
    switch (event.type) {
      case 'start-tls':
        this.#startTls();
        return;
      case 'ready':
        // The first `ready` ends connect(); later ones follow an operation's own event.
        if (!this.#connected) {
          this.#connected = true;
          this.#settle((op) => op.resolve(this as never));
        }
        return;
      case 'body-wanted':
        this.#feedBody();
        return;
      case 'sent':
        this.#endBody();
        this.#settle((op) => op.resolve(event.result as never));
        return;
      case 'refused':
        this.#endBody();
        this.#settle((op) => op.reject(event.error));
        return;
      case 'reply':
        this.#settle((op) => op.resolve(event.reply as never));
        return;
      case 'closed':
        this.#settle((op) => op.resolve(undefined as never));
        this.#finish(undefined);
        return;
      case 'fatal':
        this.#finish(event.error);
        return;
    }
  }

  #settle(action: (op: Operation) => void): void {
    const op = this.#op;
    this.#op = undefined;
    if (op !== undefined) action(op);
    // The next operation starts once the core has handled the rest of this input.
    if (this.#waiting.length > 0) queueMicrotask(() => this.#startNext());
  }

  #flush(): void {
    const output = this.#core.takeOutput();
    const socket = this.#socket;
    if (output.length === 0 || socket === undefined || this.#closed) return;
    if (output.length === 1) {
      socket.write(output[0] as Uint8Array);
      return;
    }
    let total = 0;
    for (const piece of output) total += piece.length;
    if (total <= 64 * 1024) {
      socket.write(Buffer.concat(output, total));
      return;
    }
    socket.cork();
    for (const piece of output) socket.write(piece);
    socket.uncork();
  }

  #startTls(): void {
    const plain = this.#socket as net.Socket;
    this.#detach(plain);
    this.#handshake = 'starttls';
    const secure = tls.connect({ ...this.#tlsConnectOptions(), socket: plain });
    secure.once('secureConnect', () => {
      this.#handshake = undefined;
      this.#core.tlsEstablished();
      this.#pump();
    });
    this.#attach(secure);
  }

  /**
   * Runs operations one at a time, in call order: at once when nothing is under way (the common
   * case of a caller awaiting each send), else after the current one settles.
   */
  #enqueue<T>(run: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        if (this.#closed || this.#failure !== undefined) {
          reject(this.#closedError());
          this.#startNext();
          return;
        }
        this.#op = { resolve: resolve as (value: never) => void, reject };
        try {
          run();
        } catch (error) {
          this.#op = undefined;
          this.#body = undefined;
          reject(error);
          this.#startNext();
          return;
        }
        this.#pump();
      };
      if (this.#op === undefined && this.#waiting.length === 0) start();
      else this.#waiting.push(start);
    });
  }

  #startNext(): void {
    if (this.#op !== undefined) return;
    this.#waiting.shift()?.();
  }

  #closedError(): Error {
    const failure = this.#failure;
    return new ConnectionError(
      'closed',
      failure === undefined ? 'the connection is closed' : `the connection is closed: ${failure.message}`,
      failure === undefined ? {} : { cause: failure },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Message bodies

  #feedBody(): void {
    const job = this.#body;
    if (job === undefined) return;
    if (job.source.kind === 'bytes') {
      if (!job.fed) {
        job.fed = true;
        this.#core.writeBody(job.source.bytes);
        if (!this.#core.bodyWanted) return;
      }
      this.#body = undefined;
      this.#core.endBody();
      return;
    }
    const credit = job.credit;
    if (credit !== undefined) {
      job.credit = undefined;
      credit();
      return;
    }
    if (!job.running) {
      job.running = true;
      void this.#streamBody(job, job.source.chunks);
    }
  }

  /** The message is over (sent, refused or failed): release the stream loop. */
  #endBody(): void {
    const job = this.#body;
    this.#body = undefined;
    job?.credit?.();
    if (job !== undefined) job.credit = undefined;
  }

  async #streamBody(job: BodyJob, chunks: AsyncIterable<Uint8Array | string>): Promise<void> {
    const iterator = chunks[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (this.#body !== job) break;
        if (next.done === true) {
          this.#body = undefined;
          this.#core.endBody();
          this.#pump();
          return;
        }
        this.#core.writeBody(chunkBytes(next.value));
        this.#pump();
        if (this.#body !== job) break;
        if (this.#socket?.writableNeedDrain === true) await this.#drained();
        if (this.#body !== job) break;
        if (!this.#core.bodyWanted) {
          await new Promise<void>((resolve) => {
            job.credit = resolve;
          });
          if (this.#body !== job) break;
        }
      }
      await iterator.return?.();
    } catch (error) {
      if (this.#body !== job) return;
      this.#body = undefined;
      this.#core.fail(new MessageReadError(error, this.#core.errorPhase));
      this.#pump();
    }
  }

  /** Waits until the socket takes more data, within the data-block timeout. */
  #drained(): Promise<void> {
    const socket = this.#socket as net.Socket;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        socket.removeListener('drain', done);
        this.#drainWaiter = undefined;
        resolve();
      };
      this.#drainWaiter = done;
      socket.on('drain', done);
      this.#timer.arm('data-block');
    }).then(() => this.#pump());
  }

  // ---------------------------------------------------------------------------------------------

  /** Closes everything; `error` undefined for a normal end. */
  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) this.#failure = error;
    this.#timer.stop();
    const socket = this.#socket;
    if (socket !== undefined) {
      if (error === undefined) socket.end();
      else socket.destroy();
    }
    this.#drainWaiter?.();
    this.#endBody();
    if (error !== undefined) this.#settle((op) => op.reject(error));
    else this.#settle((op) => op.reject(this.#closedError()));
    for (const listener of this.#closeListeners.splice(0)) listener(error);
  }
}
