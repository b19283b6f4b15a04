/**
 * `smtp serve --script FILE.smtp` from the built CLI, in its own process: the transcript plays
 * the server and checks the client under test. It ends by itself once every session was played
 * (exit 0 when all passed, 1 otherwise) and prints `N sessions: P passed, F failed` last.
 */
import { writeFileSync } from 'node:fs';
import { requireBuiltCli } from './our-server.js';
import { type ServerProcess, startServer, waitForOutput } from './process.js';
import { scratchDir } from './scratch.js';

/** A running script server. */
export interface ScriptServer {
  readonly port: number;
  readonly process: ServerProcess;
  /** Waits (at most `timeoutMs`) for it to end by itself; resolves with its exit code and output. */
  finished(timeoutMs?: number): Promise<{ code: number | null; output: string }>;
  /** Stops it if still running and removes its files. */
  stop(): Promise<void>;
}

/** Writes `script` to a file and serves it on a free loopback port. */
export async function startScriptServer(script: string): Promise<ScriptServer> {
  const bin = requireBuiltCli();
  const scratch = scratchDir('script');
  const file = scratch.file('session.smtp');
  writeFileSync(file, script);
  const server = await startServer(process.execPath, [bin, 'serve', '--script', file, '--port', '0'], {
    ready: async (started) => {
      await waitForOutput(started, /^listening on smtp:\/\/127\.0\.0\.1:\d+$/m);
    },
  });
  const port = Number(/^listening on smtp:\/\/127\.0\.0\.1:(\d+)$/m.exec(server.output())?.[1]);
  return {
    port,
    process: server,
    async finished(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!server.exited() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 25));
      if (!server.exited()) {
        await server.stop();
        throw new Error(`smtp serve --script did not end within ${timeoutMs} ms:\n${server.output()}`);
      }
      return { code: await server.stop(), output: server.output() };
    },
    async stop() {
      await server.stop();
      scratch.remove();
    },
  };
}

/**
 * Plays `script` to the client `run` drives (given the port), then checks the script server
 * ended by itself with every one of its `sessions` passed. Returns what the client printed.
 */
export async function expectScriptPasses<T>(
  script: string,
  run: (port: number) => Promise<T>,
  sessions = 1,
): Promise<T> {
  const server = await startScriptServer(script);
  try {
    const client = await run(server.port);
    const { code, output } = await server.finished();
    const summary = `${sessions} session${sessions === 1 ? '' : 's'}: ${sessions} passed, 0 failed`;
    if (code !== 0 || output.trimEnd().split('\n').at(-1) !== summary) {
      throw new Error(`the script server did not pass (exit ${code}):\n${output}`);
    }
    return client;
  } finally {
    await server.stop();
  }
}
