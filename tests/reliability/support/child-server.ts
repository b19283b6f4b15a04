import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '@smtp/server';

const compiled = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/server-child.js');

/** What the server process says about itself (see processes/server-child.ts). */
export interface ChildStats {
  readonly heapUsed: number;
  readonly rss: number;
  readonly fds: number;
  readonly activeConnections: number;
  readonly messages: number;
  readonly connections: number;
  readonly refusedConnections: number;
  readonly errors: number;
}

/** A server process started by a check; stop it with {@link ChildServer.stop}. */
export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  /** Every `error` event (and crash) the process reported. */
  readonly errors: readonly string[];
  stats(): Promise<ChildStats>;
  /** SIGTERM and wait for the exit (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts processes/server-child.ts (compiled by the global setup) with a Maildir store in
 * `maildir` and these options (plain JSON only: no hooks, no store).
 */
export async function startChildServer(maildir: string, options: ServerOptions = {}): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', compiled], {
    env: { ...process.env, RELIABILITY_SERVER: JSON.stringify({ maildir, options }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server process did not start');
  const errors: string[] = [];
  const waiting = new Map<number, (stats: ChildStats) => void>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('message', (message: { type: string; message?: string; id?: number; stats?: ChildStats }) => {
    if (message.type === 'error' || message.type === 'crash')
      errors.push(`${message.type}: ${message.message}`);
    if (message.type === 'stats' && message.id !== undefined && message.stats !== undefined) {
      waiting.get(message.id)?.(message.stats);
      waiting.delete(message.id);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server process did not listen within 10 s'));
    }, 10_000);
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'listening' && message.port !== undefined) {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited with ${code} before listening`));
    });
  });
  return {
    pid,
    port,
    errors,
    stats: () =>
      new Promise<ChildStats>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(
          () => reject(new Error('no stats from the server process within 10 s')),
          10_000,
        );
        waiting.set(id, (stats) => {
          clearTimeout(timer);
          resolve(stats);
        });
        child.send({ type: 'stats', id });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
