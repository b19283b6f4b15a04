import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP relay that keeps every octet each client sent, to look at what went on the wire. */
export interface RecordingProxy {
  readonly port: number;
  /** What each connection's client sent, in connection order (latin1). */
  readonly streams: string[];
  close(): Promise<void>;
}

/** Relays connections on a free loopback port to `targetPort`, recording the client's side. */
export async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const streams: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const index = streams.push('') - 1;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => {
      streams[index] += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
  return {
    port: address.port,
    streams,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
