/**
 * Scratch folders of transcripts for runner tests, removed after each test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch folder: write files into it, remove it when done. */
export interface Scratch {
  readonly dir: string;
  /** Writes `text` to `name` (sub-folders are made) and returns the full path. */
  write(name: string, text: string): string;
  remove(): void;
}

/** A new scratch folder under the system's temporary folder. */
export function scratch(prefix = 'runner'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `smtp-${prefix}-`));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
