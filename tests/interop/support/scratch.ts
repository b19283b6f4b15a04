import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary directory, removed by `remove()`. */
export interface Scratch {
  readonly dir: string;
  /** A path inside the directory. */
  file(...parts: string[]): string;
  remove(): void;
}

/** Makes a temporary directory whose name starts with `smtp-interop-<prefix>-`. */
export function scratchDir(prefix: string): Scratch {
  const dir = mkdtempSync(path.join(tmpdir(), `smtp-interop-${prefix}-`));
  // Peers that drop privileges (smtp-sink, Postfix) must reach their files inside it.
  chmodSync(dir, 0o755);
  return {
    dir,
    file: (...parts) => path.join(dir, ...parts),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
