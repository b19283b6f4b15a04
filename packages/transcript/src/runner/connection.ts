/**
 * One client connection of the runner: a socket (plain, implicit TLS, or upgraded by STARTTLS),
 * the codec's ReplyParser over what it receives, and reads with a timeout and a cancel signal.
 * It does not interpret the transcript; the session player decides what to send and expect.
 */
import net from 'node:net';
import tls from 'node:tls';
import { fromUtf8, type Reply, ReplyParser } from '@smtp/codec';
import { formatDuration } from '../arguments.js';
import { printable } from '../reply-lines.js';
import { errorReason, formatEndpoint, isClosedBySocketError, tlsReason } from './network-errors.js';
import type { Endpoint } from './options.js';
import { checkAfterHandshake, type TlsPolicy, tlsConnectOptions } from './tls-trust.js';

/** Something the server did, in the order it happened. */
export type Incoming =
  | { readonly kind: 'reply'; readonly reply: Reply }
  /** Bytes that are not an SMTP reply (the parser's reason). */
  | { readonly kind: 'bad-reply'; readonly message: string }
  /** The server closed the connection; `leftover` octets of an unfinished reply came before. */
  | { readonly kind: 'closed'; readonly leftover: number; readonly reset: boolean }
  /** The socket failed for another reason. */
  | { readonly kind: 'error'; readonly message: string };

/** The outcome of waiting for the server. */
export type ReadResult = Incoming | { readonly kind: 'timeout' } | { readonly kind: 'aborted' };

/** Why a connection or a TLS upgrade could not be made. */
export interface OpenFailure {
  readonly kind: 'unreachable' | 'tls' | 'timeout' | 'cancelled';
  readonly message: string;
}

/** What the server sent after its `220` to STARTTLS, before the handshake. */
export type UpgradeFailure =
  | OpenFailure
  | { readonly kind: 'plaintext-after-starttls'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string };

/** Longest wait for the server's close after the runner closes (it needs nothing more). */
const CLOSE_WAIT_MS = 2000;
const SHOWN_CHARACTERS = 80;

/** A connection to the server under test. */
export class TranscriptConnection {
  #socket: net.Socket;
  #parser = new ReplyParser();
  readonly #queue: Incoming[] = [];
  /** The terminal event (closed or error), repeated to every read after it. */
  #ended: Incoming | undefined;
  #waiter: ((item: Incoming) => void) | undefined;
  readonly #endpoint: Endpoint;
  #tls: { protocol: string; cipher: string } | undefined;

  private constructor(socket: net.Socket, endpoint: Endpoint) {
    this.#socket = socket;
    this.#endpoint = endpoint;
    this.#attach(socket);
  }

  /** The address as `host:port`. */
  get where(): string {
    return formatEndpoint(this.#endpoint);
  }

  /** Protocol and cipher once the connection is TLS. */
  get tls(): { readonly protocol: string; readonly cipher: string } | undefined {
    return this.#tls;
  }

  /** Whether the server has closed the connection (or it failed). */
  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /**
   * Connects (with a TLS handshake first when `implicitTls` is given); resolves with the
   * connection, or a one-line reason it could not be made.
   */
  static async open(
    endpoint: Endpoint,
    options: { implicitTls?: TlsPolicy; timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ ok: true; connection: TranscriptConnection } | { ok: false; failure: OpenFailure }> {
    const where = formatEndpoint(endpoint);
    const policy = options.implicitTls;
    const socket =
      policy === undefined
        ? net.connect({ host: endpoint.host, port: endpoint.port })
        : tls.connect({ ...tlsConnectOptions(endpoint, policy), port: endpoint.port });
    socket.setNoDelay(true);
    const ready = policy === undefined ? 'connect' : 'secureConnect';
    let connected = false;
    socket.once('connect', () => {
      connected = true;
    });
    const outcome = await settle<true>(socket, ready, options.timeoutMs, options.signal);
    if (outcome !== true) {
      socket.destroy();
      const failure: OpenFailure =
        outcome.kind === 'error'
          ? policy !== undefined && connected
            ? { kind: 'tls', message: `TLS handshake with ${where} failed: ${tlsReason(outcome.error)}` }
            : { kind: 'unreachable', message: `cannot connect to ${where}: ${errorReason(outcome.error)}` }
          : outcome.kind === 'timeout'
            ? {
                kind: 'unreachable',
                message: `cannot connect to ${where}: no answer within ${formatDuration(options.timeoutMs)}`,
              }
            : { kind: 'cancelled', message: 'the run was cancelled' };
      return { ok: false, failure };
    }
    if (policy !== undefined) {
      const secure = socket as tls.TLSSocket;
      const refused = checkAfterHandshake(secure, endpoint, policy);
      if (refused !== undefined) {
        socket.destroy();
        return {
          ok: false,
          failure: { kind: 'tls', message: `TLS handshake with ${where} failed: ${tlsReason(refused)}` },
        };
      }
    }
    const connection = new TranscriptConnection(socket, endpoint);
    if (policy !== undefined) connection.#noteTls(socket as tls.TLSSocket);
    return { ok: true, connection };
  }

  /** Writes bytes in one write (a send group). */
  write(bytes: Uint8Array): void {
    if (!this.#socket.destroyed) this.#socket.write(bytes);
  }

  /** The next thing the server does: a reply, a close, an error; or a timeout or cancellation. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<ReadResult> {
    const item = this.#queue.shift() ?? this.#ended;
    if (item !== undefined) return Promise.resolve(item);
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise<ReadResult>((resolve) => {
      const finish = (result: ReadResult): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiter = undefined;
        resolve(result);
      };
      const onAbort = (): void => {
        this.destroy();
        finish({ kind: 'aborted' });
      };
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiter = finish;
    });
  }

  /**
   * Upgrades to TLS after the server's `220` to STARTTLS. Anything the server sent after that
   * reply in plain text is a failure (it would be trusted as if it came over TLS).
   */
  async startTls(
    policy: TlsPolicy,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ ok: true } | { ok: false; failure: UpgradeFailure }> {
    const early = this.#queue.splice(0);
    const rest = this.#parser.takeRest();
    const sent = early.flatMap((item) => (item.kind === 'reply' ? [replyText(item.reply)] : []));
    if (rest.length > 0) sent.push(fromUtf8(rest));
    if (sent.length > 0 || early.some((item) => item.kind === 'bad-reply')) {
      this.destroy();
      return {
        ok: false,
        failure: {
          kind: 'plaintext-after-starttls',
          message: `the server sent ${shorten(sent.join(''))} in plain text after its 220 to STARTTLS, before the TLS handshake`,
        },
      };
    }
    if (this.#ended !== undefined) {
      return {
        ok: false,
        failure: { kind: 'closed', message: 'the server closed the connection after its 220 to STARTTLS' },
      };
    }
    const plain = this.#socket;
    this.#detach(plain);
    const secure = tls.connect({ ...tlsConnectOptions(this.#endpoint, policy), socket: plain });
    const outcome = await settle<true>(secure, 'secureConnect', timeoutMs, signal);
    const where = this.where;
    if (outcome !== true) {
      secure.destroy();
      plain.destroy();
      this.#ended = { kind: 'error', message: 'TLS handshake failed' };
      if (outcome.kind === 'error') {
        return {
          ok: false,
          failure: {
            kind: 'tls',
            message: `TLS handshake after STARTTLS with ${where} failed: ${tlsReason(outcome.error)}`,
          },
        };
      }
      return {
        ok: false,
        failure:
          outcome.kind === 'timeout'
            ? {
                kind: 'timeout',
                message: `TLS handshake after STARTTLS with ${where}: no answer within ${formatDuration(timeoutMs)}`,
              }
            : { kind: 'cancelled', message: 'the run was cancelled' },
      };
    }
    const refused = checkAfterHandshake(secure, this.#endpoint, policy);
    if (refused !== undefined) {
      secure.destroy();
      this.#ended = { kind: 'error', message: 'TLS handshake failed' };
      return {
        ok: false,
        failure: {
          kind: 'tls',
          message: `TLS handshake after STARTTLS with ${where} failed: ${tlsReason(refused)}`,
        },
      };
    }
    this.#socket = secure;
    this.#parser = new ReplyParser();
    this.#attach(secure);
    this.#noteTls(secure);
    return { ok: true };
  }

  /**
   * Closes from the client side: sends FIN, waits briefly for the server's close (reading and
   * dropping whatever it still sends), then releases the socket.
   */
  async close(): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed) return;
    socket.end();
    if (this.#ended === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_WAIT_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    socket.destroy();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.#socket.destroy();
  }

  #attach(socket: net.Socket): void {
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
  }

  #detach(socket: net.Socket): void {
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onEnd);
    socket.off('error', this.#onError);
  }

  #noteTls(socket: tls.TLSSocket): void {
    this.#tls = { protocol: socket.getProtocol() ?? 'TLS', cipher: socket.getCipher().name };
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const event of this.#parser.push(chunk)) {
      this.#deliver(
        event.kind === 'reply'
          ? { kind: 'reply', reply: event.reply }
          : { kind: 'bad-reply', message: event.error.message },
      );
    }
  };

  readonly #onEnd = (): void => {
    this.#finish({ kind: 'closed', leftover: this.#parser.buffered, reset: false });
  };

  readonly #onError = (error: Error): void => {
    this.#finish(
      isClosedBySocketError(error)
        ? { kind: 'closed', leftover: this.#parser.buffered, reset: true }
        : { kind: 'error', message: `connection to ${this.where} failed: ${errorReason(error)}` },
    );
  };

  #finish(item: Incoming): void {
    if (this.#ended !== undefined) return;
    this.#ended = item;
    const waiter = this.#waiter;
    if (waiter !== undefined) waiter(item);
  }

  #deliver(item: Incoming): void {
    const waiter = this.#waiter;
    if (waiter !== undefined && this.#queue.length === 0) waiter(item);
    else this.#queue.push(item);
  }
}

type Settled<T> = T | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'aborted' };

/** Waits for `event` on a socket, its first error, a timeout or the signal. */
function settle<T extends true>(
  socket: net.Socket,
  event: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Settled<T>> {
  if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise<Settled<T>>((resolve) => {
    const done = (result: Settled<T>): void => {
      clearTimeout(timer);
      socket.off(event, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onReady = (): void => done(true as T);
    const onError = (error: unknown): void => done({ kind: 'error', error });
    const onClose = (): void =>
      done({ kind: 'error', error: new Error('the server closed the connection during the TLS handshake') });
    const onAbort = (): void => done({ kind: 'aborted' });
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    socket.once(event, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function replyText(reply: Reply): string {
  const lines = reply.lines.length > 0 ? reply.lines : [''];
  return lines.map((line, i) => `${reply.code}${i === lines.length - 1 ? ' ' : '-'}${line}\r\n`).join('');
}

/** What the server sent, on one line and cut short, between backticks. */
function shorten(text: string): string {
  const shown = printable(text.replace(/\r\n/g, ' ').trimEnd());
  return `\`${shown.length > SHOWN_CHARACTERS ? `${shown.slice(0, SHOWN_CHARACTERS)}…` : shown}\``;
}
