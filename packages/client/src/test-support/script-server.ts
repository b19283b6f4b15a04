/**
 * A tiny scripted SMTP server on loopback for the transport's error paths (timeouts, closes,
 * malformed replies, STARTTLS injection, TLS failures): each connection runs a handler that
 * reads lines and writes whatever it likes, byte for byte.
 */
import net from 'node:net';
import tls from 'node:tls';

/** One accepted connection as the handler sees it. */
export interface ScriptedConnection {
  /** Writes raw text. */
  write(text: string): void;
  /** The next line from the client, without CRLF (rejects when the client closes first). */
  readLine(): Promise<string>;
  /** Reads lines up to and including the DATA terminator; returns the raw body text. */
  readData(): Promise<string>;
  /** Upgrades to TLS as the server (after writing `220` to STARTTLS). */
  startTls(options: tls.TlsOptions): Promise<void>;
  /** Stops reading from the client (its writes then back up). */
  pause(): void;
  /** Ends the connection politely / abruptly. */
  end(): void;
  destroy(): void;
  /** Resolves when the client has closed. */
  readonly closed: Promise<void>;
}

/** A running scripted server. */
export interface ScriptServer {
  readonly port: number;
  /** Errors thrown by handlers (a test can assert there were none). */
  readonly errors: Error[];
  close(): Promise<void>;
}

class Connection implements ScriptedConnection {
  #socket: net.Socket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  #ended = false;
  readonly closed: Promise<void>;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#listen(socket);
  }

  #listen(socket: net.Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  write(text: string): void {
    if (!this.#socket.destroyed) this.#socket.write(Buffer.from(text, 'latin1'));
  }

  async readLine(): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end !== -1) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return line;
      }
      if (this.#ended) throw new Error('client closed the connection');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async readData(): Promise<string> {
    let body = '';
    for (;;) {
      const line = await this.readLine();
      if (line === '.') return body;
      body += `${line}\r\n`;
    }
  }

  startTls(options: tls.TlsOptions): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    const secure = new tls.TLSSocket(plain, { ...options, isServer: true });
    this.#socket = secure;
    this.#buffer = '';
    this.#listen(secure);
    return new Promise((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
    });
  }

  pause(): void {
    this.#socket.pause();
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/** Starts a server whose every connection runs `handler`. */
export async function scriptServer(
  handler: (connection: ScriptedConnection) => Promise<void>,
  options: { tls?: tls.TlsOptions } = {},
): Promise<ScriptServer> {
  const errors: Error[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    handler(new Connection(socket)).catch((error: Error) => {
      errors.push(error);
      socket.destroy();
    });
  };
  const server = options.tls ? tls.createServer(options.tls, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The usual opening: greeting, then an EHLO reply with these extensions. */
export async function greet(
  connection: ScriptedConnection,
  extensions: readonly string[] = ['PIPELINING'],
): Promise<string> {
  connection.write('220 script.test ESMTP\r\n');
  const ehlo = await connection.readLine();
  const lines = ['script.test', ...extensions];
  connection.write(lines.map((line, i) => `250${i === lines.length - 1 ? ' ' : '-'}${line}\r\n`).join(''));
  return ehlo;
}

/** Answers everything positively (PIPELINING offered) until QUIT or the client leaves; counts messages. */
export async function acceptAll(
  connection: ScriptedConnection,
  onMessage: (body: string) => void = () => undefined,
): Promise<void> {
  await greet(connection, ['PIPELINING']);
  for (;;) {
    let line: string;
    try {
      line = await connection.readLine();
    } catch {
      return;
    }
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'QUIT') {
      connection.write('221 2.0.0 bye\r\n');
      connection.end();
      return;
    }
    if (verb === 'DATA') {
      connection.write('354 go\r\n');
      onMessage(await connection.readData());
      connection.write('250 2.0.0 queued\r\n');
      continue;
    }
    connection.write('250 2.0.0 ok\r\n');
  }
}
