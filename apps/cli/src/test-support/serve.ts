import { connect } from 'node:net';
import type { CliRun } from './run-cli.js';
import { listeningPort, startCli } from './start-cli.js';

/** An `smtp serve` running in this process, stopped through its abort signal. */
export interface ServeRun {
  /** The port from the `listening on` line. */
  readonly port: number;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Aborts (as SIGINT/SIGTERM would) and resolves with the finished run. */
  stop(): Promise<CliRun>;
}

/**
 * Runs `smtp serve ARGS --port 0` in-process and waits for its `listening on` line (or fails
 * with what it printed when it ends first).
 */
export async function startServe(args: readonly string[], timeoutMs = 15_000): Promise<ServeRun> {
  const serve = startCli(['serve', '--port', '0', ...args]);
  const port = await listeningPort(serve, timeoutMs);
  return { port, stdout: serve.stdout, stop: () => serve.stop('SIGTERM') };
}

/**
 * Talks to a server: reads the greeting, then sends each step and reads one reply to it (a
 * multi-line reply to its last line). Returns the reply codes, greeting first.
 */
export async function converse(
  port: number,
  steps: readonly string[],
  host = '127.0.0.1',
): Promise<number[]> {
  const socket = connect({ port, host });
  socket.on('error', () => {});
  let buffer = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (const wake of waiters.splice(0)) wake();
  });
  const reply = async (): Promise<number> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const match = /^(\d{3}) .*\r\n/m.exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return Number(match[1]);
      }
      if (Date.now() > deadline) throw new Error(`no reply; received ${JSON.stringify(buffer)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  const codes = [await reply()];
  for (const step of steps) {
    socket.write(step, 'latin1');
    codes.push(await reply());
  }
  socket.destroy();
  return codes;
}
