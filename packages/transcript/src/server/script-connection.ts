/**
 * Runs a {@link ScriptSession} over one client socket: writes what it says, waits where it
 * says (timers live here, not in the session), starts TLS after a `220` to `STARTTLS`, and
 * tells the session when the client speaks, goes quiet or leaves.
 */
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { ScriptSession } from './script-session.js';

/** How long a closed session's socket may linger (client not reading) before it is destroyed. */
const LINGER_MS = 2000;

/** One client connection playing one session of the script. */
export class ScriptConnection {
  readonly #session: ScriptSession;
  readonly #secureContext: SecureContext | undefined;
  readonly #onEnd: () => void;
  #socket: Socket;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** What the connection waits for: input (data wakes the session) or the end of a sleep. */
  #waiting: 'input' | 'sleep' | 'nothing' = 'nothing';
  #pumping = false;
  #ended = false;

  constructor(
    socket: Socket,
    session: ScriptSession,
    secureContext: SecureContext | undefined,
    onEnd: () => void,
  ) {
    this.#socket = socket;
    this.#session = session;
    this.#secureContext = secureContext;
    this.#onEnd = onEnd;
    socket.setNoDelay(true);
    this.#listen(socket);
  }

  /** Sends the greeting (or whatever the session starts with). */
  start(): void {
    this.#pump();
  }

  /** The server is stopping: the client gets `421` and the connection closes. */
  stop(): void {
    this.#session.stop();
    this.#clearTimer();
    this.#waiting = 'nothing';
    this.#pump();
  }

  /** Closes at once, whatever the state (the last resort of a stopping server). */
  destroy(): void {
    this.#socket.destroy();
    this.#finish();
  }

  #listen(socket: Socket): void {
    socket.on('data', this.#onData);
    socket.on('end', this.#onClose);
    socket.on('close', this.#onClose);
    // A reset or a broken pipe ends the session through 'close'; nothing to add here.
    socket.on('error', () => {});
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#session.receive(chunk);
    if (this.#waiting !== 'input') return;
    this.#clearTimer();
    this.#waiting = 'nothing';
    this.#pump();
  };

  readonly #onClose = (): void => {
    if (this.#ended) return;
    this.#clearTimer();
    this.#waiting = 'nothing';
    this.#session.clientClosed();
    this.#pump();
  };

  #pump(): void {
    if (this.#pumping || this.#ended) return;
    this.#pumping = true;
    try {
      for (;;) {
        const instruction = this.#session.next();
        switch (instruction.kind) {
          case 'write':
            if (!this.#socket.destroyed) this.#socket.write(instruction.bytes);
            if (instruction.startTls) this.#startTls();
            continue;
          case 'sleep':
            this.#waiting = 'sleep';
            this.#timer = setTimeout(() => {
              this.#timer = undefined;
              this.#waiting = 'nothing';
              this.#pump();
            }, instruction.milliseconds);
            return;
          case 'read':
          case 'await-tls':
          case 'await-close':
            this.#waiting = instruction.kind === 'await-tls' ? 'nothing' : 'input';
            this.#timer = setTimeout(() => {
              this.#timer = undefined;
              this.#waiting = 'nothing';
              this.#session.timedOut();
              this.#pump();
            }, instruction.timeoutMs);
            return;
          case 'close': {
            const socket = this.#socket;
            socket.end();
            setTimeout(() => socket.destroy(), LINGER_MS).unref();
            this.#finish();
            return;
          }
          case 'ended':
            this.#socket.destroy();
            this.#finish();
            return;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #startTls(): void {
    const context = this.#secureContext;
    if (context === undefined) {
      this.#session.tlsFailed('the script server has no certificate');
      return;
    }
    const raw = this.#socket;
    // From here on the raw socket's bytes are the handshake: they must reach TLS, not the script.
    raw.removeListener('data', this.#onData);
    raw.removeListener('end', this.#onClose);
    raw.removeListener('close', this.#onClose);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.#socket = secure;
    this.#listen(secure);
    secure.once('secure', () => {
      this.#clearTimer();
      this.#session.tlsStarted();
      this.#pump();
    });
    secure.once('error', (error: Error) => {
      this.#clearTimer();
      this.#session.tlsFailed(error.message);
      this.#pump();
    });
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clearTimer();
    this.#onEnd();
  }
}
