/**
 * The environment `{{env:NAME}}` reads: the process environment (or the caller's), plus a
 * `.env` file beside the transcript for the names the environment does not set. The `.env`
 * file is only read when the transcript uses `{{env:…}}`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TranscriptFile, VariableRef } from '../ast.js';
import { parseDotEnv } from '../dotenv.js';
import { variableRefs } from '../variables.js';
import { errorReason } from './network-errors.js';

/** The environment, or why it could not be built (with the `{{env:…}}` it matters for). */
export type EnvironmentResult =
  | { readonly ok: true; readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly ok: false; readonly problems: readonly string[]; readonly at: VariableRef };

/**
 * Builds the environment of a transcript at `path` (undefined when it has no file, e.g. an
 * editor's unsaved document: then no `.env` is read).
 */
export async function transcriptEnvironment(
  file: TranscriptFile,
  path: string | undefined,
  base: Readonly<Record<string, string | undefined>>,
): Promise<EnvironmentResult> {
  const firstEnv = variableRefs(file).find((ref) => ref.kind === 'env');
  if (firstEnv === undefined || path === undefined) return { ok: true, env: base };
  const envFile = join(dirname(path), '.env');
  let text: string;
  try {
    text = await readFile(envFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, env: base };
    return { ok: false, problems: [`cannot read ${envFile}: ${errorReason(error)}`], at: firstEnv };
  }
  const parsed = parseDotEnv(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.map((d) => `${envFile}:${d.range.start.line + 1}: ${d.message}`),
      at: firstEnv,
    };
  }
  // The environment wins over the file, so a CI job can override a checked-in .env.
  const merged: Record<string, string | undefined> = { ...parsed.values };
  for (const [key, value] of Object.entries(base)) if (value !== undefined) merged[key] = value;
  return { ok: true, env: merged };
}
