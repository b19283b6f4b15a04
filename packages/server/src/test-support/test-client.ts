import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

/** A reply as the test client read it. */
export interface TestReply {
  readonly code: number;
  /** The enhanced status code of the first line, when there is one. */
  readonly enhanced: string | undefined;
  /** Text of every line after `CODE-`/`CODE `. */
  readonly lines: readonly string[];
  /** The reply's bytes as received, CRLFs included. */
  readonly raw: string;
}

/** Options of {@link TestClient.connect}. */
export interface TestClientOptions {
  readonly host?: string;
  /** Connect with TLS from the first byte (implicit TLS). */
  readonly tls?: boolean;
  /** The local address to connect from (e.g. 127.0.0.2, to look like another client). */
  readonly localAddress?: string;
  /** Bytes to send before anything else (e.g. a PROXY header), in the same write as nothing else. */
  readonly preface?: Uint8Array;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A deliberately simple SMTP client for tests: raw writes, reply reading with timeouts, and
 * STARTTLS. It checks nothing itself, so tests can send anything (pipelined groups, injections,
 * bare LFs) and look at exactly what came back.
 */
export class TestClient {
  #socket: Socket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  #closed = false;
  /** Every 'data' event's text, in order (a pipelined group's replies should come as one). */
  readonly reads: string[] = [];
  /** Resolves when the server closed the connection. */
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
    this.#attach(socket);
    socket.on('error', () => {});
  }

  /** Connects and waits until the connection is established (not for the greeting). */
  static async connect(port: number, options: TestClientOptions = {}): Promise<TestClient> {
    const host = options.host ?? '127.0.0.1';
    const socket = await new Promise<Socket>((resolve, reject) => {
      if (options.tls) {
        const secure: TLSSocket = connectTls({ port, host, rejectUnauthorized: false }, () =>
          resolve(secure),
        );
        secure.once('error', reject);
      } else {
        const local = options.localAddress === undefined ? {} : { localAddress: options.localAddress };
        const plain = connectTcp({ port, host, ...local }, () => resolve(plain));
        plain.once('error', reject);
      }
    });
    const client = new TestClient(socket);
    if (options.preface !== undefined) socket.write(options.preface);
    return client;
  }

  /** Whether the server has closed the connection. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** The underlying socket (TLS after {@link startTls}). */
  get socket(): Socket {
    return this.#socket;
  }

  /** Writes text (latin1, so every octet is what the test wrote) or bytes as they are. */
  write(data: string | Uint8Array): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes one command line (CRLF added) and reads its reply. */
  async command(line: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestReply> {
    this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Reads the next complete reply (multi-line replies are read to their last line). */
  async reply(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = this.#takeReply();
      if (reply !== undefined) return reply;
      if (this.#closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`);
      await this.#waitForData(deadline - Date.now());
    }
  }

  /** Reads `count` replies. */
  async replies(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestReply[]> {
    const out: TestReply[] = [];
    for (let i = 0; i < count; i++) out.push(await this.reply(timeoutMs));
    return out;
  }

  /** Text received and not yet read as a reply. */
  get unread(): string {
    return this.#buffer;
  }

  /** Waits until the server closes the connection (or fails after the timeout). */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.closed,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`server did not close within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Upgrades the connection after a `220` to STARTTLS (certificate not verified: tests use self-signed ones). */
  async startTls(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TLS handshake timed out')), timeoutMs);
      const socket = connectTls({ socket: plain, rejectUnauthorized: false, servername: 'localhost' }, () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    this.#socket = secure;
    secure.on('error', () => {});
    this.#attach(secure);
  }

  /** Sends QUIT (ignoring the outcome) and closes. */
  async quit(): Promise<void> {
    if (!this.#closed) {
      this.write('QUIT\r\n');
      await this.waitClosed().catch(() => this.#socket.destroy());
    }
  }

  /** Drops the connection without QUIT. */
  destroy(): void {
    this.#socket.destroy();
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.reads.push(text);
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
    if (timeoutMs <= 0) {
      return Promise.reject(
        new Error(`no complete reply within the time allowed; unread: ${JSON.stringify(this.#buffer)}`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`no complete reply within the time allowed; unread: ${JSON.stringify(this.#buffer)}`),
        );
      }, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #takeReply(): TestReply | undefined {
    let offset = 0;
    const lines: string[] = [];
    let code = 0;
    for (;;) {
      const end = this.#buffer.indexOf('\r\n', offset);
      if (end === -1) return undefined;
      const line = this.#buffer.slice(offset, end);
      offset = end + 2;
      code = Number(line.slice(0, 3));
      lines.push(line.slice(4));
      if (line[3] !== '-') break;
    }
    const raw = this.#buffer.slice(0, offset);
    this.#buffer = this.#buffer.slice(offset);
    const enhanced = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/.exec(lines[0] ?? '')?.[1];
    return { code, enhanced, lines, raw };
  }
}
