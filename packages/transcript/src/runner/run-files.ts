/**
 * Runs many transcripts: `jobs` at a time in this process (each with its own embedded server),
 * stopping early with `bail`, rewriting failing `S:` lines with `update`. Results come back in
 * the order the files were given, however the jobs interleave.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { displayName } from './discover.js';
import type { RunFilesOptions } from './options.js';
import { countTotals, exitCodeOf, type FileResult, type RunResult, worstStatus } from './results.js';
import { runTranscript, runTranscriptThen } from './run-transcript.js';
import { updateFile } from './update-file.js';

/** A file to run: a path, or a path with the name reports should use. */
export type FileInput = string | { readonly path: string; readonly name: string };

/**
 * Runs transcript files and resolves with the run's result (never throws for what a file or a
 * server does). Progress goes to `options.onEvent`.
 *
 * @example
 * ```ts
 * const result = await runFiles(['examples/delivery.smtp', 'examples/auth.smtp'], { jobs: 2 });
 * process.exitCode = result.exitCode; // 0 passed, 1 an expectation failed, 2 a file could not run
 * ```
 */
export async function runFiles(
  files: readonly FileInput[],
  options: RunFilesOptions = {},
): Promise<RunResult> {
  const startedAt = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const inputs = files.map((file) => {
    const path = resolve(cwd, typeof file === 'string' ? file : file.path);
    return { path, name: typeof file === 'string' ? displayName(path, cwd) : file.name };
  });
  options.onEvent?.({ type: 'run-start', time: startedAt, files: inputs.map((i) => i.name) });
  const results: (FileResult | undefined)[] = inputs.map(() => undefined);
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, inputs.length || 1));
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && !options.signal?.aborted && next < inputs.length) {
      const index = next++;
      const input = inputs[index] as (typeof inputs)[number];
      results[index] = await runOne(input, options);
      if (options.bail === true && results[index]?.status !== 'passed') stopped = true;
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const done = results.filter((r): r is FileResult => r !== undefined);
  const notRun = inputs.filter((_, i) => results[i] === undefined).map((i) => i.name);
  const status = worstStatus(done.map((r) => r.status));
  const cancelled = options.signal?.aborted === true && notRun.length > 0;
  const finalStatus = cancelled ? 'error' : status;
  const result: RunResult = {
    status: finalStatus,
    exitCode: exitCodeOf(finalStatus),
    startedAt,
    durationMs: Date.now() - startedAt,
    files: done,
    notRun,
    totals: countTotals(done),
  };
  options.onEvent?.({ type: 'run-end', time: Date.now(), result });
  return result;
}

async function runOne(input: { path: string; name: string }, options: RunFilesOptions): Promise<FileResult> {
  if (options.update !== true) return runTranscript(input, options);
  // The text that runs is the text that gets rewritten, so read it once here.
  let text: string;
  try {
    text = await readFile(input.path, 'utf8');
  } catch {
    return runTranscript(input, options);
  }
  return runTranscriptThen({ ...input, text }, options, (result) => updateFile(result, text));
}
