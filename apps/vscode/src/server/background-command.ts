/**
 * A long-running `smtp` command the user starts and stops from the editor (`smtp serve`,
 * `smtp record`): at most one process at a time, its life as one explicit state, changes
 * reported to a listener (the status bar item).
 */
import type { CliLaunch } from './cli-launch.js';
import { type CliExit, CliProcess } from './cli-process.js';

/** Where the command is; `T` is what it reported once ready (e.g. the address it listens on). */
export type BackgroundState<T> =
  /** `lastError`: how the process ended when nobody asked it to stop. */
  | { readonly kind: 'stopped'; readonly lastError?: string }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly info: T; readonly pid: number }
  | { readonly kind: 'stopping'; readonly info: T };

/** Decides when a started process is ready and what it reported. */
export type ReadinessCheck<T> = (process: CliProcess) => Promise<T>;

/** What the command needs from its owner. */
export interface BackgroundCommandOptions {
  /** A name for messages, e.g. `the embedded server`. */
  readonly name: string;
  /** Every line the process prints. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Every change of state. */
  readonly onChange?: () => void;
  readonly cwd?: string;
  /** Milliseconds between the stop signal and SIGKILL. */
  readonly graceMs?: number;
}

/** One background `smtp` process, started and stopped by PID. */
export class BackgroundCommand<T> {
  #state: BackgroundState<T> = { kind: 'stopped' };
  #process: CliProcess | undefined;
  readonly #options: BackgroundCommandOptions;

  constructor(options: BackgroundCommandOptions) {
    this.#options = options;
  }

  get state(): BackgroundState<T> {
    return this.#state;
  }

  /**
   * Starts the process with `args` and resolves with what `ready` reports. Rejects, with a
   * one-line message, when it is already running or starting, or when it fails to get ready
   * (the process is then stopped).
   */
  async start(launch: CliLaunch, args: readonly string[], ready: ReadinessCheck<T>): Promise<T> {
    if (this.#state.kind !== 'stopped')
      throw new Error(`${this.#options.name} is already ${this.#state.kind}`);
    const child = CliProcess.start({
      command: launch.command,
      args: [...launch.leadingArgs, ...args],
      env: { ...process.env, ...launch.env },
      ...(this.#options.cwd === undefined ? {} : { cwd: this.#options.cwd }),
      ...(this.#options.onLine ? { onLine: this.#options.onLine } : {}),
    });
    this.#process = child;
    this.#set({ kind: 'starting' });
    void child.exited.then((exit) => this.#exited(child, exit));
    let info: T;
    try {
      info = await ready(child);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await child.stop('SIGTERM', this.#options.graceMs);
      // The caller hears about a failed start from the rejection; lastError is for later exits.
      this.#set({ kind: 'stopped' });
      throw new Error(`${this.#options.name} did not start: ${reason}`);
    }
    if (this.#process !== child || child.pid === undefined) {
      this.#set({ kind: 'stopped' });
      throw new Error(`${this.#options.name} stopped while starting`);
    }
    this.#set({ kind: 'running', info, pid: child.pid });
    return info;
  }

  /** Stops the process by its PID and resolves once it has exited; nothing to do when stopped. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#process;
    if (!child) return;
    if (this.#state.kind === 'running') this.#set({ kind: 'stopping', info: this.#state.info });
    await child.stop(signal, this.#options.graceMs);
  }

  #exited(child: CliProcess, exit: CliExit): void {
    if (this.#process !== child) return;
    this.#process = undefined;
    const expected = this.#state.kind === 'stopping' || this.#state.kind === 'starting';
    if (expected) {
      // A start that failed sets its own message; a requested stop ends cleanly.
      if (this.#state.kind === 'stopping') this.#set({ kind: 'stopped' });
      return;
    }
    this.#set({ kind: 'stopped', lastError: `${this.#options.name} ${child.describeExit(exit)}` });
  }

  #set(state: BackgroundState<T>): void {
    this.#state = state;
    this.#options.onChange?.();
  }
}
