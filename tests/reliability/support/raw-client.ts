import { connect as connectTcp, type Socket } from 'node:net';
import {
  connect as connectTls,
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
} from 'node:tls';
import { type ParsedReply, takeReply } from './reply-check.js';

/** Where and how a {@link RawClient} connects. */
export interface RawClientOptions {
  readonly host?: string;
  /** The local address to connect from (127.0.0.2 looks like another client). */
  readonly localAddress?: string;
  /** TLS from the first byte (implicit TLS), with these options. */
  readonly tls?: TlsConnectionOptions;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A client that checks nothing itself: it writes whatever a check wants (injections, bare line
 * ends, half commands), reads replies — failing on any malformed one — and can cut the connection
 * in the ways a network does: half-close (FIN), reset (RST) or just drop.
 */
export class RawClient {
  #socket: Socket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  #closed = false;
  #received = '';
  /** Resolves when the connection is closed. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closed = true;
        this.#wake();
        resolve();
      });
    });
    socket.on('error', () => {});
    this.#attach(socket);
  }

  /** Connects (not waiting for the greeting). */
  static async connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const host = options.host ?? '127.0.0.1';
    const socket = await new Promise<Socket>((resolve, reject) => {
      if (options.tls !== undefined) {
        const secure: TLSSocket = connectTls({ ...options.tls, port, host }, () => resolve(secure));
        secure.once('error', reject);
      } else {
        const local = options.localAddress === undefined ? {} : { localAddress: options.localAddress };
        const plain = connectTcp({ port, host, ...local }, () => resolve(plain));
        plain.once('error', reject);
      }
    });
    return new RawClient(socket);
  }

  /** Connects and reads the greeting, which must be a 220. */
  static async greeted(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const client = await RawClient.connect(port, options);
    const greeting = await client.reply();
    if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.raw}`);
    return client;
  }

  /** Every octet received, in order (latin1). */
  get received(): string {
    return this.#received;
  }

  get socket(): Socket {
    return this.#socket;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Text received and not read as a reply yet. */
  get unread(): string {
    return this.#buffer;
  }

  /** Writes text (latin1: every char is one octet) or bytes, as they are. */
  write(data: string | Uint8Array): void {
    if (this.#socket.writable)
      this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /**
   * Writes `data` in pieces of the given sizes, each on its own once the one before has left, so
   * the server reads them apart (as far as TCP lets it).
   */
  async writeInPieces(data: string, pieces: readonly number[]): Promise<void> {
    let offset = 0;
    for (const size of pieces) {
      if (!this.#socket.writable) return;
      const piece = Buffer.from(data.slice(offset, offset + size), 'latin1');
      offset += size;
      await new Promise<void>((resolve) => this.#socket.write(piece, () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (offset < data.length) this.write(data.slice(offset));
  }

  /** Writes one line (CRLF added) and reads its reply. */
  async command(line: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ParsedReply> {
    this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** The next complete reply; throws on a malformed one, on close, or after the timeout. */
  async reply(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ParsedReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const taken = takeReply(this.#buffer);
      if (taken !== undefined) {
        this.#buffer = taken.rest;
        return taken.reply;
      }
      if (this.#closed) throw new Error(`connection closed; unread ${JSON.stringify(this.#buffer)}`);
      await this.#waitForData(deadline - Date.now());
    }
  }

  /** `count` replies in order. */
  async replies(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ParsedReply[]> {
    const out: ParsedReply[] = [];
    for (let i = 0; i < count; i++) out.push(await this.reply(timeoutMs));
    return out;
  }

  /** Every reply until the server closes (for after a cut or a half-close). */
  async repliesUntilClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ParsedReply[]> {
    await this.waitClosed(timeoutMs);
    const out: ParsedReply[] = [];
    for (let taken = takeReply(this.#buffer); taken !== undefined; taken = takeReply(this.#buffer)) {
      this.#buffer = taken.rest;
      out.push(taken.reply);
    }
    return out;
  }

  /** Waits until the server closes the connection. */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.closed,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`server did not close within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Upgrades after a `220` to STARTTLS. */
  async startTls(options: TlsConnectionOptions = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TLS handshake timed out')), timeoutMs);
      const socket = connectTls(
        { rejectUnauthorized: false, servername: 'localhost', ...options, socket: plain },
        () => {
          clearTimeout(timer);
          resolve(socket);
        },
      );
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    secure.on('error', () => {});
    this.#socket = secure;
    this.#attach(secure);
  }

  /** Half-close: no more bytes from us, replies still read. */
  end(data?: string): void {
    if (data === undefined) this.#socket.end();
    else this.#socket.end(Buffer.from(data, 'latin1'));
  }

  /** Cuts with a TCP reset. */
  reset(): void {
    if (typeof this.#socket.resetAndDestroy === 'function' && this.#socket.readyState !== 'closed') {
      this.#socket.resetAndDestroy();
    } else {
      this.#socket.destroy();
    }
  }

  /** Drops the connection (FIN, no more reading). */
  destroy(): void {
    this.#socket.destroy();
  }

  /** QUIT, ignoring the outcome, then close. */
  async quit(): Promise<void> {
    if (this.#closed) return;
    this.write('QUIT\r\n');
    await this.waitClosed().catch(() => this.#socket.destroy());
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.#received += text;
      this.#buffer += text;
      this.#wake();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #waitForData(timeoutMs: number): Promise<void> {
    const failure = () =>
      new Error(`no complete reply within the time allowed; unread ${JSON.stringify(this.#buffer)}`);
    if (timeoutMs <= 0) return Promise.reject(failure());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(failure()), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
