import { createServer, type Server, type Socket } from 'node:net';

/** A scripted SMTP server for client checks: it answers each command line as `answer` says. */
export interface FakePeer {
  readonly port: number;
  /** Every line each connection sent, in order (latin1), and whether it closed. */
  readonly received: string[][];
  close(): Promise<void>;
}

/**
 * Listens on loopback; greets with `220`, then for each command line the client sends writes
 * what `answer(line, socket)` returns (nothing when it returns undefined). Every connection is
 * closed after `lifetimeMs`, so nothing waits forever on a peer that stopped talking.
 */
export async function startFakePeer(
  answer: (line: string, socket: Socket) => string | undefined,
  lifetimeMs = 3000,
): Promise<FakePeer> {
  const received: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const lines: string[] = [];
    received.push(lines);
    const timer = setTimeout(() => socket.destroy(), lifetimeMs);
    socket.once('close', () => {
      clearTimeout(timer);
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        const reply = answer(line, socket);
        if (reply !== undefined && socket.writable) socket.write(Buffer.from(reply, 'latin1'));
      }
    });
    socket.write('220 fake.test ESMTP\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
