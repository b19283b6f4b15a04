import { randomFillSync } from 'node:crypto';

/** Makes a new queue id each call. */
export type QueueIdGenerator = () => string;

const ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZ';
const RANDOM_CHARS = 6;
const POOL_IDS = 512;

/**
 * Returns a generator of short queue ids like `LV3K2Q9MX7HZ4D`: the time in milliseconds (so ids
 * sort roughly by arrival, as in mail logs) followed by six random characters (so ids made by
 * several processes in the same millisecond still differ). Upper-case letters without vowels,
 * so no id spells a word.
 *
 * Randomness is drawn in blocks, not per id: making an id is on the path of every message.
 */
export function createQueueIdGenerator(now: () => number = Date.now): QueueIdGenerator {
  const pool = new Uint8Array(POOL_IDS * RANDOM_CHARS);
  let used = pool.length;
  return () => {
    if (used === pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    let id = encode(now());
    for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[(pool[used++] as number) % ALPHABET.length];
    return id;
  };
}

function encode(value: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(value));
  do {
    out = ALPHABET[rest % ALPHABET.length] + out;
    rest = Math.floor(rest / ALPHABET.length);
  } while (rest > 0);
  return out;
}
