/**
 * `--shard i/n`: the i-th of n contiguous slices of the (sorted) file list, for CI machines
 * side by side. The same list gives the same slices everywhere, slices differ in size by at
 * most one file, and every file falls in exactly one slice.
 */

/** The i-th (1-based) of `count` slices. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Reads `i/n` (1 ≤ i ≤ n); returns a one-line reason when the text is not one. */
export function parseShard(text: string): { ok: true; shard: Shard } | { ok: false; reason: string } {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (!match) return { ok: false, reason: `--shard needs i/n, like 1/4, got '${text}'` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) {
    return { ok: false, reason: `--shard i/n needs 1 ≤ i ≤ n, got '${text}'` };
  }
  return { ok: true, shard: { index, count } };
}

/** The items of `shard` out of `items` (already in their stable order). */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  const start = Math.floor(((shard.index - 1) * items.length) / shard.count);
  const end = Math.floor((shard.index * items.length) / shard.count);
  return items.slice(start, end);
}
