/**
 * A tiny scripted TCP server on loopback for runner tests that need a server misbehaving in a
 * precise way (a greeting that is not 220, silence, a close mid-session, plain text after the
 * 220 to STARTTLS). Each connection is handed to a function; every socket is destroyed on close.
 */
import net from 'node:net';

/** A running raw server. */
export interface RawServer {
  readonly port: number;
  /** Everything each connection received, in order of connection. */
  readonly received: string[];
  close(): Promise<void>;
}

/** What a connection handler gets: the socket and a way to wait for the next line of input. */
export interface RawConnection {
  readonly socket: net.Socket;
  /** Resolves with the next complete line (without CRLF), or undefined when the client closed. */
  line(): Promise<string | undefined>;
}

/** Starts a server that runs `handle` for each connection. */
export async function startRawServer(
  handle: (connection: RawConnection) => Promise<void> | void,
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const received: string[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const index = received.push('') - 1;
    let buffer = '';
    let ended = false;
    const waiters: ((line: string | undefined) => void)[] = [];
    const lines: string[] = [];
    const flush = (): void => {
      while (waiters.length > 0 && (lines.length > 0 || ended)) {
        (waiters.shift() as (line: string | undefined) => void)(lines.shift());
      }
    };
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received[index] += text;
      buffer += text;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        lines.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      flush();
    });
    socket.on('end', () => {
      ended = true;
      flush();
    });
    const connection: RawConnection = {
      socket,
      line: () =>
        new Promise((resolve) => {
          waiters.push(resolve);
          flush();
        }),
    };
    void Promise.resolve(handle(connection)).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
