import { PassThrough, Readable } from 'node:stream';
import type { CommandDefinition } from '../command.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';

/** What an in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
  stop?: AbortSignal;
  table?: readonly CommandDefinition[];
  /** Called with each chunk of stdout as it is written (e.g. to wait for "listening on"). */
  onStdout?: (text: string) => void;
}

/** Runs `smtp ARGS` in this process with captured streams. */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out += text;
    options.onStdout?.(text);
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stop: options.stop ?? new AbortController().signal,
    color: false,
  };
  const code = await main(argv, io, options.table);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out, stderr: err };
}
