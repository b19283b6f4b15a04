import { type CliRun, type RunCliOptions, runCli } from './run-cli.js';

/** A long-running `smtp` command (serve, record…) started in this process by {@link startCli}. */
export interface RunningCli {
  /** Resolves with the run once the command has ended, by itself or through {@link stop}. */
  readonly finished: Promise<CliRun>;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /**
   * Resolves with the first match of `pattern` in stdout. Fails with what was printed when the
   * command ends first or nothing matches within `timeoutMs`.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Aborts the run as the signal `reason` would and resolves with the finished run. */
  stop(reason: 'SIGINT' | 'SIGTERM'): Promise<CliRun>;
}

/** The `listening on` line of serve and record; group 1 is the port. */
export const LISTENING_LINE = /^listening on smtp:\/\/(?:\[[^\]\n]+\]|[^:\n]+):(\d+)$/m;

/** Starts `smtp ARGV` in this process without waiting for it to end. */
export function startCli(
  argv: readonly string[],
  options: Omit<RunCliOptions, 'stop' | 'onStdout'> = {},
): RunningCli {
  const controller = new AbortController();
  let out = '';
  const watchers = new Set<() => void>();
  const finished = runCli(argv, {
    ...options,
    stop: controller.signal,
    onStdout: (text) => {
      out += text;
      for (const watch of [...watchers]) watch();
    },
  });
  const command = `smtp ${argv[0] ?? ''}`;
  return {
    finished,
    stdout: () => out,
    waitForOutput: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const settle = (): void => {
          watchers.delete(watch);
          clearTimeout(timer);
        };
        const watch = (): boolean => {
          const match = pattern.exec(out);
          if (match === null) return false;
          settle();
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => {
          settle();
          reject(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms; stdout: ${out}`));
        }, timeoutMs);
        watchers.add(watch);
        finished.then(
          (run) => {
            if (!watchers.has(watch) || watch()) return;
            settle();
            reject(new Error(`${command} ended before printing ${pattern}: ${JSON.stringify(run)}`));
          },
          (error: unknown) => {
            settle();
            reject(error);
          },
        );
        watch();
      }),
    stop: (reason) => {
      controller.abort(reason);
      return finished;
    },
  };
}

/** Waits for the `listening on` line of a {@link startCli} run and returns its port. */
export async function listeningPort(cli: RunningCli, timeoutMs?: number): Promise<number> {
  return Number((await cli.waitForOutput(LISTENING_LINE, timeoutMs))[1]);
}
