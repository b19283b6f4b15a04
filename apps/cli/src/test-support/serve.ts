import { connect } from 'node:net';
import { type CliRun, runCli } from './run-cli.js';

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
  const controller = new AbortController();
  let out = '';
  let onListening: ((port: number) => void) | undefined;
  const listening = new Promise<number>((resolve) => {
    onListening = resolve;
  });
  const run = runCli(['serve', '--port', '0', ...args], {
    stop: controller.signal,
    onStdout: (text) => {
      out += text;
      const match = /^listening on smtp:\/\/(?:\[[^\]]+\]|[^:]+):(\d+)$/m.exec(out);
      if (match) onListening?.(Number(match[1]));
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const port = await Promise.race([
    listening,
    run.then((result) => {
      throw new Error(`smtp serve ended before listening: ${JSON.stringify(result)}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`smtp serve did not listen within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]);
  clearTimeout(timer);
  return {
    port,
    stdout: () => out,
    stop: () => {
      controller.abort('SIGTERM');
      return run;
    },
  };
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
