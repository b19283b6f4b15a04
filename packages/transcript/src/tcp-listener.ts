/**
 * Binding a plain TCP server, shared by the script server and the recording proxy: both turn a
 * failed bind into a {@link ListenError} and must survive errors of the listening socket later.
 */
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { ListenError } from '@smtp/server';

/** A bound TCP server and the address it listens on. */
export interface BoundServer {
  /** The server; close it to stop accepting connections. */
  readonly server: Server;
  /** The address actually bound (the port chosen by the system when 0 was asked for). */
  readonly address: { readonly host: string; readonly port: number };
}

/**
 * Binds a TCP server on `host:port` that hands every connection to `accept`.
 *
 * @throws ListenError when the address cannot be bound.
 */
export async function listenTcp(
  port: number,
  host: string,
  accept: (socket: Socket) => void,
): Promise<BoundServer> {
  const server = createNetServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw new ListenError(`cannot listen on ${host}:${port}: ${error.message}`, error.code);
  });
  // Errors of the listening socket after start (rare: EMFILE) must not crash the process.
  server.on('error', () => {});
  const bound = server.address() as AddressInfo;
  return { server, address: { host: bound.address, port: bound.port } };
}
