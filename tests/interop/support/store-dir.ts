/** Reading a peer's store directory: NNNN.eml (message octets) beside NNNN.json (what it saw). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One stored message. */
export interface Stored<Meta> {
  /** The message octets as latin1 text (one char per octet). */
  readonly text: string;
  readonly meta: Meta;
}

/** The messages stored in `dir` so far, in order. */
export function readStore<Meta>(dir: string): Stored<Meta>[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => ({
      text: readFileSync(path.join(dir, name), 'latin1'),
      meta: JSON.parse(readFileSync(path.join(dir, name.replace(/\.eml$/, '.json')), 'utf8')) as Meta,
    }));
}
