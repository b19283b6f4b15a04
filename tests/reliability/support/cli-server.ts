import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../apps/cli/dist/bin.js');

/** `smtp serve` running as its own process (the built CLI, as users run it). */
export interface CliServer {
  readonly pid: number;
  readonly port: number;
  /** What the process wrote to stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to this process (by its PID) and waits for it to end. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `smtp serve --port 0` with these further arguments; resolves once it listens. */
export async function startCliServer(args: readonly string[]): Promise<CliServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'serve', '--host', '127.0.0.1', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('smtp serve did not start');
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`smtp serve did not listen within 10 s: ${stderr}`));
    }, 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on smtp:\/\/[^:\s]+:(\d+)/.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`smtp serve exited with ${code} before listening: ${stderr}`));
    });
  });
  return {
    pid,
    port,
    stderr: () => stderr,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
