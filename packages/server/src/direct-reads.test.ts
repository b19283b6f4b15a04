import { once } from 'node:events';
import { createServer, type Server, Socket, connect as tcpConnect } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { withDirectReads } from './direct-reads.js';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A paused-on-accept server whose connections are rebuilt; resolves with the rebuilt socket. */
async function directPair(receive: (chunk: Buffer) => void) {
  let accepted!: (socket: Socket | undefined) => void;
  const rebuilt = new Promise<Socket | undefined>((resolve) => {
    accepted = resolve;
  });
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) =>
    accepted(withDirectReads(socket, receive)),
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = tcpConnect({ host: '127.0.0.1', port });
  await once(client, 'connect');
  const socket = await rebuilt;
  if (socket === undefined) throw new Error('the accepted socket was not rebuilt');
  return { server, client, socket };
}

describe('withDirectReads', () => {
  it('hands over every octet in order, each read a copy the next read cannot overwrite', async () => {
    const chunks: Buffer[] = [];
    const { client, socket } = await directPair((chunk) => chunks.push(chunk));
    const sent: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const piece = Buffer.alloc(100 + i * 37, String.fromCharCode(0x41 + (i % 26)));
      sent.push(piece);
      client.write(piece);
      // Separate reads on the server side, so the shared read buffer is reused between them.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    client.end();
    await once(socket, 'end');
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.concat(sent))).toBe(true);
    socket.destroy();
  });

  it('keeps writes, pause/resume, the end of input and close working', async () => {
    const chunks: Buffer[] = [];
    const { client, socket } = await directPair((chunk) => chunks.push(chunk));
    const replies: Buffer[] = [];
    client.on('data', (chunk: Buffer) => replies.push(chunk));
    socket.write('220 ready\r\n');
    socket.pause();
    client.write('paused\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chunks).toHaveLength(0);
    socket.resume();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(chunks).toString()).toBe('paused\r\n');
    client.end();
    await once(socket, 'end');
    socket.end();
    await once(socket, 'close');
    expect(Buffer.concat(replies).toString()).toBe('220 ready\r\n');
  });

  it('lets the server close once the rebuilt connection is gone', async () => {
    const { server, client, socket } = await directPair(() => {});
    client.end();
    await once(socket, 'end');
    socket.end();
    await once(socket, 'close');
    servers.splice(servers.indexOf(server), 1);
    await new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve(0))));
  });

  it('leaves a socket it cannot rebuild untouched', () => {
    const plain = new Socket();
    const secure = new TLSSocket(new Socket());
    expect(withDirectReads(secure, () => {})).toBeUndefined();
    expect(secure.destroyed).toBe(false);
    // A socket that was never connected has no handle to take over.
    expect(withDirectReads(plain, () => {})).toBeUndefined();
    expect(plain.destroyed).toBe(false);
    secure.destroy();
    plain.destroy();
  });
});
