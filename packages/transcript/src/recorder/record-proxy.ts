/**
 * `smtp record`: a proxy between SMTP clients and a server that writes every session passing
 * through as a transcript that replays against that server.
 */
import { EventEmitter } from 'node:events';
import type { Server, Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { selfSignedCertificate } from '@smtp/server';
import { listenTcp } from '../tcp-listener.js';
import { SecretNames } from './auth-template.js';
import { ProxiedSession, type Upstream } from './proxied-session.js';
import { formatRecording, type RecordedSession, type Recording } from './recording-file.js';

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** The server every client is passed on to. */
  readonly upstream: Upstream;
  /** Certificate and key (PEM) shown to clients after STARTTLS; default a self-signed one. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** How long to wait for the upstream to accept a connection (default 10 s). */
  readonly connectTimeoutMs?: number;
}

/** The events of a {@link RecordingProxy}. */
export interface RecorderEvents {
  /** A client connected; its session is number `index` (0-based). */
  'session-start': [index: number, client: string];
  /** A session ended and was recorded. */
  'session-end': [session: RecordedSession];
  /** A client came but the upstream could not be reached; the client got `421 4.4.1`. */
  'upstream-error': [client: string, message: string];
}

/** The recording proxy. Made by {@link createRecorder}. */
export class RecordingProxy extends EventEmitter<RecorderEvents> {
  readonly #options: RecorderOptions;
  readonly #secrets = new SecretNames();
  readonly #sessions: RecordedSession[] = [];
  readonly #live = new Set<ProxiedSession>();
  readonly #idle: (() => void)[] = [];
  #server: Server | undefined;
  #secureContext: SecureContext | undefined;
  #nextIndex = 0;
  #closing: Promise<void> | undefined;

  constructor(options: RecorderOptions) {
    super();
    this.#options = options;
  }

  /**
   * Prepares the certificate shown after STARTTLS, then accepts clients (port 0: any free port).
   *
   * @throws ListenError when the address cannot be bound.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    if (this.#server !== undefined || this.#closing !== undefined) throw new Error('listen() called twice');
    const pair = this.#options.tls ?? (await selfSignedCertificate());
    this.#secureContext = createSecureContext({ key: pair.key, cert: pair.cert });
    const { server, address } = await listenTcp(port, host, (socket) => this.#accept(socket));
    this.#server = server;
    return address;
  }

  /** The sessions recorded so far, in order of connection, and the secrets they need. */
  recording(): Recording {
    const { host, port } = this.#options.upstream;
    return {
      upstream: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
      sessions: [...this.#sessions].sort((a, b) => a.index - b.index),
      secrets: this.#secrets.notes(),
    };
  }

  /** The recording as `.smtp` text. */
  text(): string {
    return formatRecording(this.recording());
  }

  /** Resolves once no session is going on (at once when none is). */
  idle(): Promise<void> {
    if (this.#live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops accepting clients and cuts the sessions still going on (each is recorded up to where
   * it was, with a comment saying so). Resolves when every session has been recorded.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    const stopped = new Promise<void>((resolve) => {
      if (server === undefined) resolve();
      else server.close(() => resolve());
    });
    for (const session of [...this.#live]) session.stop();
    await stopped;
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    if (this.#closing !== undefined || this.#secureContext === undefined) {
      socket.destroy();
      return;
    }
    const index = this.#nextIndex++;
    const session: ProxiedSession = new ProxiedSession(socket, index, {
      upstream: this.#options.upstream,
      secureContext: this.#secureContext,
      secrets: this.#secrets,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? 10_000,
      ended: (recorded) => {
        this.#live.delete(session);
        if (recorded !== undefined) {
          this.#sessions.push(recorded);
          this.emit('session-end', recorded);
        }
        if (this.#live.size === 0) for (const wake of this.#idle.splice(0)) wake();
      },
      unreachable: (message) => this.emit('upstream-error', session.remote, message),
    });
    this.#live.add(session);
    this.emit('session-start', index, session.remote);
    session.start();
  }
}

/**
 * A proxy that records every SMTP session between its clients and `upstream` as a transcript.
 *
 * @example
 * ```ts
 * const recorder = createRecorder({ upstream: { host: '127.0.0.1', port: 2525 } });
 * const { port } = await recorder.listen(2526);
 * recorder.on('session-end', () => writeFileSync('session.smtp', recorder.text()));
 * ```
 */
export function createRecorder(options: RecorderOptions): RecordingProxy {
  return new RecordingProxy(options);
}
