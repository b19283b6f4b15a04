/**
 * Which files `smtp run PATH…` runs: files as named, and `*.smtp` files found in folders
 * (recursively, skipping `node_modules`, `.git` and `*.serve.smtp` server scripts), each once,
 * sorted by their path relative to the working directory, so every machine sees the same order
 * (and `--shard` the same slices).
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorReason } from './network-errors.js';

/** A transcript to run: where it is, and how reports name it. */
export interface FoundTranscript {
  readonly path: string;
  /** Relative to the working directory (with `/`), or absolute when outside it. */
  readonly name: string;
}

/** A path that cannot be run: missing, unreadable, a server script, or a folder without transcripts. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const SERVER_SCRIPT = '.serve.smtp';

/** Whether a file name is a transcript to run (not a server script). */
export function isRunnableTranscript(fileName: string): boolean {
  return fileName.endsWith('.smtp') && !fileName.endsWith(SERVER_SCRIPT);
}

/**
 * Finds the transcripts of `paths` (default `.`), relative to `cwd`.
 *
 * @throws DiscoveryError with a one-line reason.
 */
export async function findTranscripts(
  paths: readonly string[],
  cwd: string = process.cwd(),
): Promise<FoundTranscript[]> {
  const found = new Map<string, FoundTranscript>();
  for (const given of paths.length > 0 ? paths : ['.']) {
    const path = resolve(cwd, given);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DiscoveryError(
        code === 'ENOENT'
          ? `no such file or folder: ${given}`
          : `cannot read ${given}: ${errorReason(error)}`,
      );
    }
    if (info.isDirectory()) {
      const before = found.size;
      await walk(path, cwd, found);
      if (found.size === before && paths.length <= 1) {
        throw new DiscoveryError(
          `no .smtp transcripts in ${given} (server scripts *.serve.smtp are not run)`,
        );
      }
    } else if (path.endsWith(SERVER_SCRIPT)) {
      throw new DiscoveryError(
        `${given} is a server script (run it with smtp serve --script), not a transcript to run`,
      );
    } else {
      found.set(path, { path, name: displayName(path, cwd) });
    }
  }
  if (found.size === 0) throw new DiscoveryError(`no .smtp transcripts in ${paths.join(', ')}`);
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function walk(folder: string, cwd: string, found: Map<string, FoundTranscript>): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new DiscoveryError(`cannot read ${displayName(folder, cwd)}: ${errorReason(error)}`);
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(path, cwd, found);
    } else if (isRunnableTranscript(entry.name) && (entry.isFile() || (await isFileLink(path)))) {
      found.set(path, { path, name: displayName(path, cwd) });
    }
  }
}

/** A symbolic link to a file is followed; one to a folder is not (it could loop). */
async function isFileLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** `path` relative to `cwd` with `/` separators, or absolute when it is outside `cwd`. */
export function displayName(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return sep === '/' ? rel : rel.split(sep).join('/');
}
