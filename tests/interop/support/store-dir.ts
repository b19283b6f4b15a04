/** Reading a peer's store directory: NNNN.eml (message octets) beside NNNN.json (what it saw). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One stored message. */
export interface Stored<Meta> {
  /** The file name, without its extension. */
  readonly name: string;
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
      name: name.replace(/\.eml$/, ''),
      text: readFileSync(path.join(dir, name), 'latin1'),
      meta: JSON.parse(readFileSync(path.join(dir, name.replace(/\.eml$/, '.json')), 'utf8')) as Meta,
    }));
}

/**
 * Takes stored items a test is waiting for: each call waits (every 50 ms, at most `timeoutMs`)
 * until `count` items that `wanted` accepts and no earlier call returned are there, and returns
 * them, oldest first. Items another test left behind (after its failure) are never taken by
 * mistake, as long as each test's messages are told apart by `wanted`.
 */
export function taker<T>(
  read: () => T[],
  key: (item: T) => string,
  timeoutMs = 10_000,
): (count: number, wanted: (item: T) => boolean) => Promise<T[]> {
  const taken = new Set<string>();
  return async (count, wanted) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = read().filter((item) => !taken.has(key(item)) && wanted(item));
      if (fresh.length >= count || Date.now() > deadline) {
        const result = fresh.slice(0, count);
        for (const item of result) taken.add(key(item));
        return result;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
}
