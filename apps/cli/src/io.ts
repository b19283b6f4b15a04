import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command touches outside itself, passed in so tests can run commands in-process
 * with their own streams, environment and stop signal.
 */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted when the user asks the process to stop (SIGINT / SIGTERM). */
  readonly stop: AbortSignal;
  /** Whether stdout is a terminal (colours, live progress). */
  readonly color: boolean;
}
