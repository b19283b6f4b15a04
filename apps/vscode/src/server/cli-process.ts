/**
 * A child process of the `smtp` command line (`smtp serve`, `smtp record`), started and stopped
 * by its PID, with its output split into lines. Free of `vscode` so it is tested with real
 * processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** How to start the process. */
export interface CliProcessOptions {
  /** The executable, e.g. the Node binary. */
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Each complete line the process prints, as it prints it. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** How a process ended. */
export interface CliExit {
  /** The exit status, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. the executable does not exist). */
  readonly error?: string;
}

/** Where the process is in its life; one value, changed only in this class. */
export type CliProcessState =
  | { readonly kind: 'running' }
  | { readonly kind: 'stopping'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'exited'; readonly exit: CliExit };

/** Lines kept for error messages, counting from the last. */
const KEPT_LINES = 20;

/** A running `smtp` child process. */
export class CliProcess {
  readonly #child: ChildProcess;
  readonly #lines: { readonly text: string; readonly stream: 'stdout' | 'stderr' }[] = [];
  readonly #lineWaiters = new Set<(line: string) => void>();
  #state: CliProcessState = { kind: 'running' };
  /** Resolves once the process has exited (or failed to start); never rejects. */
  readonly exited: Promise<CliExit>;

  private constructor(options: CliProcessOptions) {
    this.#child = spawn(options.command, [...options.args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const report = (stream: 'stdout' | 'stderr') => (line: string) => {
      this.#lines.push({ text: line, stream });
      if (this.#lines.length > KEPT_LINES) this.#lines.shift();
      options.onLine?.(line, stream);
      for (const waiter of this.#lineWaiters) waiter(line);
    };
    splitLines(this.#child.stdout, report('stdout'));
    splitLines(this.#child.stderr, report('stderr'));
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        // `error` without a later `exit` means the process never started.
        if (this.#child.pid === undefined)
          this.#finish({ code: null, signal: null, error: error.message }, resolve);
      });
      this.#child.once('close', (code, signal) => this.#finish({ code, signal }, resolve));
    });
  }

  /** Starts the process; failures to start show up in {@link exited} and {@link waitForLine}. */
  static start(options: CliProcessOptions): CliProcess {
    return new CliProcess(options);
  }

  /** The PID, or undefined when the process could not be started. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  get state(): CliProcessState {
    return this.#state;
  }

  /**
   * Resolves with the first line (already printed or still to come) that matches `pattern`.
   * Rejects when the process exits first, with its last error line, or after `timeoutMs`.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    for (const line of this.#lines) {
      const match = pattern.exec(line.text);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#lineWaiters.delete(onLine);
      };
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no answer within ${timeoutMs / 1000} s${this.#lastErrorSuffix()}`));
      }, timeoutMs);
      this.#lineWaiters.add(onLine);
      void this.exited.then((exit) => {
        if (!this.#lineWaiters.has(onLine)) return;
        done();
        reject(new Error(this.describeExit(exit)));
      });
    });
  }

  /**
   * Stops the process by its PID: `signal` first, SIGKILL if it is still there after `graceMs`.
   * Resolves when it has exited.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<CliExit> {
    const pid = this.#child.pid;
    if (this.#state.kind === 'running' && pid !== undefined) {
      this.#state = { kind: 'stopping', signal };
      sendSignal(pid, signal);
      const timer = setTimeout(() => sendSignal(pid, 'SIGKILL'), graceMs);
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }

  /** One line saying how the process ended, with its last error line when it printed one. */
  describeExit(exit: CliExit): string {
    if (exit.error) return `could not start: ${exit.error}`;
    const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with status ${exit.code}`;
    return `${how}${this.#lastErrorSuffix()}`;
  }

  #lastErrorSuffix(): string {
    const last = this.#lines.findLast((line) => line.stream === 'stderr' && line.text.trim() !== '');
    return last ? `: ${last.text.trim()}` : '';
  }

  #finish(exit: CliExit, resolve: (exit: CliExit) => void): void {
    if (this.#state.kind === 'exited') return;
    this.#state = { kind: 'exited', exit };
    resolve(exit);
  }
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: nothing left to stop.
  }
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
    pending = '';
  });
}
