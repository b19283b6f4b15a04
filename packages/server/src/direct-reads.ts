import { Socket } from 'node:net';

/** Receives each read of a connection: octets the caller owns (never reused by the reader). */
export type ChunkReceiver = (chunk: Buffer) => void;

/** What an accepted socket looks like inside Node: its libuv handle, not part of the typed API. */
interface WithHandle {
  _handle?: object | null;
}

/** As large as libuv's own read size: one read takes whatever the kernel has, up to this. */
const READ_BUFFER_SIZE = 64 * 1024;

/**
 * One buffer for the reads of every connection: reads happen one at a time on the event loop,
 * and each is copied out before the next can start.
 */
let sharedReadBuffer: Buffer | undefined;

/**
 * Rebuilds an accepted plain TCP socket around the same connection so that reads go into one
 * reused buffer and straight to `receive` (Node's `onread`, which `net.Server` cannot be asked
 * for), skipping the stream machinery each read otherwise costs: a 64 KiB allocation, a Buffer,
 * a push through the readable state and a tick. Writes, pause/resume, half-close, 'end',
 * 'close' and a later TLS upgrade work as on any socket.
 *
 * Each read is copied into octets of its own size before `receive` sees it, because the session
 * keeps what it is given. Returns undefined, leaving `socket` untouched, when the socket is not a
 * plain TCP socket this Node lets us rebuild; the caller then listens for 'data' as usual.
 *
 * `socket` must be paused (the server accepts with `pauseOnConnect`), so that no read can start
 * on it; the old socket object is destroyed without its connection, which only tells its server
 * that it is gone.
 */
export function withDirectReads(socket: Socket, receive: ChunkReceiver): Socket | undefined {
  const shell = socket as unknown as WithHandle;
  const handle = shell._handle;
  if (socket.constructor !== Socket || typeof handle !== 'object' || handle === null) return undefined;
  sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_SIZE);
  const options = {
    handle,
    allowHalfOpen: socket.allowHalfOpen,
    readable: true,
    writable: true,
    onread: {
      buffer: sharedReadBuffer,
      callback: (length: number, buffer: Uint8Array): boolean => {
        // Small reads share Node's buffer pool; large ones get memory of exactly their size.
        const chunk = Buffer.allocUnsafe(length);
        chunk.set(buffer.subarray(0, length));
        receive(chunk);
        return true;
      },
    },
  };
  const direct = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  shell._handle = null;
  socket.destroy();
  return direct;
}
