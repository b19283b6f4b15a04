/**
 * One client connection through the recording proxy: a connection to the upstream server,
 * bytes passed both ways unchanged and shown to the {@link SessionRecorder} on the way, and
 * STARTTLS terminated on both sides (the proxy is the TLS server toward the client, with its
 * own certificate, and a TLS client toward the server, without checking its certificate: it
 * has to read the session to record it).
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type SecureContext, TLSSocket } from 'node:tls';
import type { SecretNames } from './auth-template.js';
import type { RecordedSession } from './recording-file.js';
import { type RecordedEnding, SessionRecorder } from './session-recorder.js';

/** Where the upstream server is. */
export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** How a proxied session reports back to the proxy. */
export interface ProxiedSessionHost {
  readonly upstream: Upstream;
  readonly secureContext: SecureContext;
  readonly secrets: SecretNames;
  readonly connectTimeoutMs: number;
  /** The session was recorded (or, when the upstream could not be reached, not: `undefined`). */
  ended(session: RecordedSession | undefined): void;
  /** The upstream could not be reached; the client got `421`. */
  unreachable(message: string): void;
}

type Phase =
  | { readonly kind: 'connecting'; readonly early: Buffer[] }
  | { readonly kind: 'open' }
  /** STARTTLS: TLS toward the client and the server is being set up; client bytes wait. */
  | { readonly kind: 'upgrading'; readonly early: Buffer[] }
  | { readonly kind: 'closing'; readonly ending: RecordedEnding }
  | { readonly kind: 'ended' };

/** How long a closing session waits for the other side before cutting it. */
const LINGER_MS = 2000;

/** One proxied, recorded session. */
export class ProxiedSession {
  readonly #host: ProxiedSessionHost;
  readonly #index: number;
  readonly #remote: string;
  readonly #recorder: SessionRecorder;
  #client: Socket;
  #server: Socket | undefined;
  #phase: Phase = { kind: 'connecting', early: [] };
  #linger: ReturnType<typeof setTimeout> | undefined;

  constructor(client: Socket, index: number, host: ProxiedSessionHost) {
    this.#client = client;
    this.#index = index;
    this.#host = host;
    this.#remote = `${client.remoteAddress ?? '?'}:${client.remotePort ?? '?'}`;
    this.#recorder = new SessionRecorder(host.secrets);
  }

  /** The client's address. */
  get remote(): string {
    return this.#remote;
  }

  /** Connects to the upstream server and starts passing bytes. */
  start(): void {
    const client = this.#client;
    client.setNoDelay(true);
    client.on('error', () => {});
    this.#watchClient(client);
    const { host, port } = this.#host.upstream;
    const server = connectTcp({ host, port, timeout: this.#host.connectTimeoutMs });
    server.setNoDelay(true);
    this.#server = server;
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#phase.kind === 'connecting') this.#unreachable(error.code ?? error.message);
    });
    server.once('timeout', () => {
      if (this.#phase.kind === 'connecting') {
        server.destroy();
        this.#unreachable('no answer');
      }
    });
    server.once('connect', () => {
      server.setTimeout(0);
      const phase = this.#phase;
      if (phase.kind !== 'connecting') return;
      this.#phase = { kind: 'open' };
      this.#watchServer(server);
      for (const chunk of phase.early) this.#fromClient(chunk);
    });
  }

  /** The proxy is stopping: the session is cut where it is and recorded as such. */
  stop(): void {
    if (this.#phase.kind === 'ended') return;
    if (this.#phase.kind === 'connecting') {
      this.#client.destroy();
      this.#server?.destroy();
      this.#phase = { kind: 'ended' };
      this.#host.ended(undefined);
      return;
    }
    this.#finish('stopped');
  }

  #watchClient(socket: Socket): void {
    socket.on('data', this.#onClientData);
    socket.on('end', this.#onClientEnd);
    socket.on('close', this.#onClientEnd);
  }

  #watchServer(socket: Socket): void {
    socket.on('data', this.#onServerData);
    socket.on('end', this.#onServerEnd);
    socket.on('close', this.#onServerEnd);
  }

  #unwatch(client: Socket, server: Socket): void {
    client.removeListener('data', this.#onClientData);
    client.removeListener('end', this.#onClientEnd);
    client.removeListener('close', this.#onClientEnd);
    server.removeListener('data', this.#onServerData);
    server.removeListener('end', this.#onServerEnd);
    server.removeListener('close', this.#onServerEnd);
  }

  readonly #onClientData = (chunk: Buffer): void => {
    const phase = this.#phase;
    if (phase.kind === 'connecting' || phase.kind === 'upgrading') phase.early.push(chunk);
    else if (phase.kind === 'open') this.#fromClient(chunk);
  };

  #fromClient(chunk: Buffer): void {
    this.#recorder.fromClient(chunk);
    const server = this.#server as Socket;
    if (!server.write(chunk)) {
      this.#client.pause();
      server.once('drain', () => this.#client.resume());
    }
  }

  readonly #onServerData = (chunk: Buffer): void => {
    if (this.#phase.kind !== 'open') return;
    const outcome = this.#recorder.fromServer(chunk);
    const client = this.#client;
    if (!client.write(chunk)) {
      (this.#server as Socket).pause();
      client.once('drain', () => this.#server?.resume());
    }
    if (outcome.startTls) this.#startTls();
  };

  readonly #onClientEnd = (): void => {
    this.#closed('client-closed');
  };

  readonly #onServerEnd = (): void => {
    this.#closed('server-closed');
  };

  /** One side closed: close the other and finish once it has (or after a short wait). */
  #closed(ending: RecordedEnding): void {
    const phase = this.#phase;
    if (phase.kind === 'ended') return;
    if (phase.kind === 'closing') {
      if (ending !== phase.ending) this.#finish(phase.ending);
      return;
    }
    if (phase.kind === 'connecting') {
      this.stop();
      return;
    }
    this.#phase = { kind: 'closing', ending };
    (ending === 'client-closed' ? this.#server : this.#client)?.end();
    this.#linger = setTimeout(() => this.#finish(ending), LINGER_MS);
  }

  #startTls(): void {
    const rawClient = this.#client;
    const rawServer = this.#server as Socket;
    this.#unwatch(rawClient, rawServer);
    const early: Buffer[] = [];
    this.#phase = { kind: 'upgrading', early };
    const { host } = this.#host.upstream;
    // The recorder must read the session, so it cannot refuse a certificate it cannot check.
    const server = connectTls({
      socket: rawServer,
      rejectUnauthorized: false,
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const client = new TLSSocket(rawClient, { isServer: true, secureContext: this.#host.secureContext });
    this.#client = client;
    this.#server = server;
    client.on('error', () => this.#tlsFailed());
    server.on('error', () => this.#tlsFailed());
    // The client may finish its handshake first and send its next command: it waits in `early`.
    client.on('data', this.#onClientData);
    client.on('end', this.#onClientEnd);
    client.on('close', this.#onClientEnd);
    server.once('secureConnect', () => {
      if (this.#phase.kind !== 'upgrading') return;
      this.#phase = { kind: 'open' };
      this.#watchServer(server);
      for (const chunk of early) this.#fromClient(chunk);
    });
  }

  #tlsFailed(): void {
    if (this.#phase.kind === 'upgrading') this.#finish('tls-failed');
  }

  #unreachable(reason: string): void {
    const { host, port } = this.#host.upstream;
    const message = `cannot reach upstream ${host}:${port}: ${reason}`;
    this.#phase = { kind: 'ended' };
    this.#client.end(`421 4.4.1 smtp record: ${message}\r\n`);
    setTimeout(() => this.#client.destroy(), LINGER_MS).unref();
    this.#host.unreachable(message);
    this.#host.ended(undefined);
  }

  #finish(ending: RecordedEnding): void {
    if (this.#phase.kind === 'ended') return;
    this.#phase = { kind: 'ended' };
    if (this.#linger !== undefined) clearTimeout(this.#linger);
    this.#client.destroy();
    this.#server?.destroy();
    const lines = this.#recorder.finish(ending);
    this.#host.ended({
      index: this.#index,
      client: this.#remote,
      lines: [...lines],
      usedStartTls: this.#recorder.usedStartTls,
      ending,
    });
  }
}
