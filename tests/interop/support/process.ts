/**
 * Processes of the interop suite: servers started in their own process group and stopped by
 * that PID, and client commands run to completion within a time bound. Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (bound, read back, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server process this suite started. */
export interface ServerProcess {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Whether it has exited. */
  exited(): boolean;
  /**
   * Stops it: SIGTERM to `pid` (or to its whole process group with `group`), SIGKILL to the
   * group after `graceMs`, then waits for the exit. Resolves with the exit code (null after a signal).
   */
  stop(options?: { group?: boolean; graceMs?: number }): Promise<number | null>;
}

/** How to start a server. */
export interface StartOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Resolves once the server is ready (default: when `port` accepts connections). */
  readonly ready?: (process: ServerProcess) => Promise<void>;
  /** The port to wait for when no `ready` is given. */
  readonly port?: number;
  /** How long to wait for readiness (default 15 s). */
  readonly timeoutMs?: number;
}

/**
 * Starts `command` in a new process group (so it and its children can be stopped by its PID)
 * and waits until it is ready; on failure it is stopped and the error carries its output.
 */
export async function startServer(
  command: string,
  args: readonly string[],
  options: StartOptions = {},
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  let output = '';
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
    child.once('error', (error) => {
      output += `\n${error.message}`;
      exitCode = null;
      resolve(null);
    });
  });
  // Decoded by the streams, so a UTF-8 character split between two reads stays whole.
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exit;
    throw new Error(`could not start ${command}: ${output.trim()}`);
  }
  const signal = (target: number, name: NodeJS.Signals): void => {
    try {
      process.kill(target, name);
    } catch {
      // already gone
    }
  };
  const server: ServerProcess = {
    pid,
    output: () => output,
    exited: () => exitCode !== undefined,
    async stop({ group = false, graceMs = 5000 } = {}) {
      if (exitCode === undefined) {
        signal(group ? -pid : pid, 'SIGTERM');
        const killer = setTimeout(() => signal(-pid, 'SIGKILL'), graceMs);
        await exit;
        clearTimeout(killer);
      }
      // Children that outlived their parent (a server's workers) go with the group.
      signal(-pid, 'SIGKILL');
      return exitCode ?? null;
    },
  };
  const timeoutMs = options.timeoutMs ?? 15_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      options.ready ? options.ready(server) : waitForPort(options.port ?? 0, timeoutMs, server),
      exit.then((code) => {
        throw new Error(`${command} exited (code ${code}) before it was ready`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${command} was not ready within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await server.stop({ group: true, graceMs: 1000 });
    throw new Error(`${(error as Error).message}; it printed:\n${output.slice(-3000)}`);
  } finally {
    clearTimeout(timer);
  }
  return server;
}

/** Resolves once something accepts connections on `port` (polled every 50 ms, bounded). */
export async function waitForPort(port: number, timeoutMs: number, server?: ServerProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exited()) throw new Error(`the server exited before accepting on port ${port}`);
    if (await accepts(port)) return;
    await pause(50);
  }
  throw new Error(`nothing accepted connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Resolves once `pattern` appears in the server's output (polled every 25 ms, bounded). */
export async function waitForOutput(
  server: ServerProcess,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (server.exited()) throw new Error(`the server exited before printing ${pattern}`);
    await pause(25);
  }
  throw new Error(`the server did not print ${pattern} within ${timeoutMs} ms`);
}

/** What a client command did. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
}

/** Runs a client command to its end, killed after `timeoutMs` (default 30 s). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { input?: string | Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      output += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${timeoutMs} ms; it printed:\n${output}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
