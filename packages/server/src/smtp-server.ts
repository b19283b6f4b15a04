import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { type ResolvedPolicy, resolvePolicy, ServerSession, type SessionPolicy } from '@smtp/session';
import { CertificateError, selfSignedCertificate } from './certificates.js';
import { Connection, type ConnectionHost } from './connection.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { resolveOptions, type ServerConfig, type ServerOptions } from './options.js';
import { encodeReplyLine } from './reply-line.js';
import type { SessionInfo } from './session-info.js';
import type { SessionPort } from './session-port.js';
import type { IncomingMessage, MessageStore } from './stores/message-store.js';

/** A message the server stored and acknowledged with `250`. */
export interface AcceptedMessage extends IncomingMessage {
  /** Octets of the message body as stored (after dot-unstuffing). */
  readonly size: number;
}

/** Running totals, for tests, benchmarks and metrics. */
export interface ServerCounters {
  /** Connections accepted since start (including those turned away by limits). */
  readonly connections: number;
  /** Connections open now. */
  readonly activeConnections: number;
  /** Connections turned away by a limit or by `onConnect`. */
  readonly refusedConnections: number;
  /** Messages stored and acknowledged. */
  readonly messages: number;
  /** Octets of message bodies stored. */
  readonly messageBytes: number;
}

/** The events of a {@link SmtpServer}. */
export interface SmtpServerEvents {
  /** The server accepts connections at this address. */
  listening: [address: AddressInfo];
  /** A client was admitted and its session started (greeting sent). */
  session: [session: SessionInfo];
  /** A session's connection closed and its cleanup finished. */
  'session-end': [session: SessionInfo];
  /** A message was stored; emitted before its `250` is written. */
  message: [message: AcceptedMessage];
  /**
   * A hook or the store failed unexpectedly (the client got `451 4.3.0`), or the server socket
   * failed. Without a listener such errors become process warnings, never crashes.
   */
  error: [error: Error, session: SessionInfo | undefined];
  /** `close()` has finished. */
  close: [];
}

/** `listen()` failed: the address is in use, not available, or not permitted. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Options of {@link SmtpServer.close}. */
export interface CloseOptions {
  /** Milliseconds commands in progress may take to finish; default the server's `shutdownGrace`. */
  readonly grace?: number;
}

/** Where a server is in its life. */
type ServerState = 'new' | 'starting' | 'listening' | 'closing' | 'closed';

type MutableCounters = { -readonly [K in keyof ServerCounters]: ServerCounters[K] };

const SERVER_FULL = encodeReplyLine({
  code: 421,
  enhanced: '4.3.2',
  message: 'Too many connections; try again later',
});

/**
 * An SMTP (or LMTP) server on Node sockets around the sans-IO `@smtp/session`.
 *
 * @example
 * ```ts
 * const server = createServer({ hostname: 'mx.example.test', store: new MaildirStore('/var/mail/in') });
 * const address = await server.listen(2525, '127.0.0.1');
 * server.on('message', (m) => console.log(`${m.id}: ${m.from} → ${m.to.join(', ')} (${m.size} bytes)`));
 * // later
 * await server.close();
 * ```
 */
export class SmtpServer extends EventEmitter<SmtpServerEvents> {
  /** Where messages go (the `store` option, a hook store for `onMessage`, or a `MemoryStore`). */
  readonly store: MessageStore;
  readonly #config: ServerConfig;
  readonly #policy: SessionPolicy;
  readonly #policies = new Map<string, ResolvedPolicy>();
  readonly #limiter: ConnectionLimiter;
  readonly #connections = new Set<Connection>();
  readonly #counters: MutableCounters = {
    connections: 0,
    activeConnections: 0,
    refusedConnections: 0,
    messages: 0,
    messageBytes: 0,
  };
  #state: ServerState = 'new';
  #server: Server | undefined;
  #secureContext: SecureContext | undefined;
  #nextSessionId = 1;
  #closing: Promise<void> | undefined;
  readonly #host: ConnectionHost;

  constructor(options: ServerOptions = {}) {
    super();
    this.#config = resolveOptions(options);
    this.store = this.#config.store;
    this.#limiter = new ConnectionLimiter(this.#config);
    this.#policy = sessionPolicy(this.#config);
    // Checked here, so a bad option fails createServer() rather than every connection.
    this.#resolvedPolicy({ available: options.tls !== undefined, active: false });
    const server = this;
    this.#host = {
      config: this.#config,
      limiter: this.#limiter,
      get secureContext() {
        return server.#secureContext;
      },
      get stopping() {
        return server.#state === 'closing' || server.#state === 'closed';
      },
      createSession: (tls) => this.#createSession(tls),
      sessionStarted: (info) => this.emit('session', info),
      sessionEnded: (info) => this.emit('session-end', info),
      messageStored: (message, size) => {
        this.#counters.messages++;
        this.#counters.messageBytes += size;
        if (this.listenerCount('message') > 0) this.emit('message', { ...message, size });
      },
      connectionRefused: () => {
        this.#counters.refusedConnections++;
      },
      report: (error, info) => this.#report(error, info),
    };
  }

  /** Running totals (a live view). */
  get counters(): ServerCounters {
    return { ...this.#counters, activeConnections: this.#connections.size };
  }

  /**
   * Prepares TLS and the store, then accepts connections. Resolves with the bound address (pass
   * port 0 for any free port).
   *
   * @throws ListenError when the address cannot be bound; CertificateError for unusable TLS material.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.#state !== 'new') throw new Error(`listen() called on a server that is ${this.#state}`);
    this.#state = 'starting';
    try {
      this.#secureContext = await makeSecureContext(this.#config);
      await this.store.prepare?.();
      const server = createNetServer(
        // Half-open: a client that shuts down its sending side still gets every reply. Paused:
        // the connection decides how it reads (see withDirectReads) before any read starts.
        { noDelay: true, allowHalfOpen: true, pauseOnConnect: true },
        (socket) => this.#accept(socket),
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((error: NodeJS.ErrnoException) => {
        throw new ListenError(
          `cannot listen on ${formatHostPort(host, port)}: ${describeListenError(error)}`,
          error.code,
        );
      });
      server.on('error', (error) => this.#report(error, undefined));
      this.#server = server;
      this.#state = 'listening';
    } catch (error) {
      this.#state = 'closed';
      throw error;
    }
    const address = this.address() as AddressInfo;
    this.emit('listening', address);
    return address;
  }

  /** The bound address, once listening. */
  address(): AddressInfo | undefined {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  /**
   * Stops gracefully: no new connections; idle sessions get `421 4.3.2` at once; a command in
   * progress is finished and answered within the grace period (a message that completes in time is
   * stored and acknowledged), else the client gets `421 4.3.2` and nothing is stored.
   * Resolves when every connection is closed and every store cleanup is done.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.grace ?? this.#config.shutdownGrace);
    return this.#closing;
  }

  async #close(grace: number): Promise<void> {
    const wasListening = this.#state === 'listening';
    this.#state = 'closing';
    const server = this.#server;
    const serverClosed =
      server === undefined ? Promise.resolve() : new Promise<void>((r) => server.close(() => r()));
    for (const connection of this.#connections) connection.shutdown();
    const everyoneDone = () => Promise.all([...this.#connections].map((connection) => connection.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      everyoneDone(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, grace);
      }),
    ]);
    clearTimeout(timer);
    for (const connection of this.#connections) connection.forceClose();
    await everyoneDone();
    await serverClosed;
    this.#state = 'closed';
    if (wasListening) this.emit('close');
  }

  #accept(socket: Socket): void {
    this.#counters.connections++;
    if (this.#state !== 'listening') {
      socket.destroy();
      return;
    }
    if (this.#limiter.admit() !== 'accepted') {
      this.#counters.refusedConnections++;
      socket.on('error', () => {});
      // Accepted paused: reading (and dropping) lets the client's close end the socket early.
      socket.resume();
      socket.end(SERVER_FULL);
      setTimeout(() => socket.destroy(), 5000).unref();
      return;
    }
    const connection = new Connection(socket, `S${this.#nextSessionId++}`, this.#host);
    this.#connections.add(connection);
    void connection.done.then(() => this.#connections.delete(connection));
    try {
      connection.start();
    } catch (error) {
      // A bug of ours must cost one connection, not the server.
      this.#report(error, connection.info);
      socket.destroy();
    }
  }

  /** The session policy for one TLS situation, resolved once and shared by every session. */
  #resolvedPolicy(tls: { available: boolean; active: boolean }): ResolvedPolicy {
    const key = `${tls.available}/${tls.active}`;
    let policy = this.#policies.get(key);
    if (policy === undefined) {
      policy = resolvePolicy({ ...this.#policy, tls });
      this.#policies.set(key, policy);
    }
    return policy;
  }

  #createSession(tls: { available: boolean; active: boolean }): SessionPort {
    const policy = this.#resolvedPolicy(tls);
    const nonce = this.#config.mechanisms.includes('CRAM-MD5') ? randomBytes(12).toString('hex') : undefined;
    return new ServerSession(policy, nonce === undefined ? {} : { nonce });
  }

  #report(error: unknown, session: SessionInfo | undefined): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (this.listenerCount('error') > 0) this.emit('error', failure, session);
    else process.emitWarning(failure);
  }
}

/** Makes an {@link SmtpServer}; call `listen()` on it to start. */
export function createServer(options: ServerOptions = {}): SmtpServer {
  return new SmtpServer(options);
}

function sessionPolicy(config: ServerConfig): SessionPolicy {
  const { options } = config;
  return {
    hostname: config.hostname,
    product: config.product,
    maxMessageSize: options.maxMessageSize,
    maxRecipients: options.maxRecipients,
    maxErrors: options.maxErrors,
    maxTextLineLength: options.maxTextLineLength,
    lineEndings: options.lineEndings,
    extensions: options.extensions,
    lmtp: options.lmtp,
    vrfy: options.onVrfy !== undefined,
    expn: options.onExpn !== undefined,
    auth:
      config.mechanisms.length === 0
        ? undefined
        : {
            mechanisms: config.mechanisms,
            allowInsecure: options.auth?.allowInsecure,
            required: options.auth?.required,
          },
  };
}

async function makeSecureContext(config: ServerConfig): Promise<SecureContext | undefined> {
  const tls = config.options.tls;
  if (tls === undefined) return undefined;
  const pair = tls.selfSigned === true ? await selfSignedCertificate([config.hostname]) : tls;
  try {
    return createSecureContext({ ...tls.context, key: pair.key, cert: pair.cert });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CertificateError(`cannot use the TLS certificate and key: ${reason}`);
  }
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function describeListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'address already in use';
    case 'EADDRNOTAVAIL':
      return 'address not available on this machine';
    case 'EACCES':
      return 'permission denied';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    default:
      return error.message;
  }
}
