/** A small seeded generator (mulberry32): the same seed gives the same splits on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `length` octets into pieces of 1 to `maxPiece` octets; returns the piece sizes. */
export function randomPieces(length: number, maxPiece: number, random: () => number): number[] {
  const pieces: number[] = [];
  for (let left = length; left > 0; ) {
    const size = Math.min(left, 1 + Math.floor(random() * maxPiece));
    pieces.push(size);
    left -= size;
  }
  return pieces;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
