/**
 * Side-by-side measurement (notes/peers.md): the machine's speed drifts between runs, so the
 * contenders of a cell run in the same process, in rotating order, after a warm-up; each
 * measurement repeats a contender until it lasts about `secondsPerMeasure`, and a cell reports
 * medians over its rounds.
 */

/** Runs `contender.run` `times` times; returns units per second. */
async function rate(contender, times) {
  let units = 0;
  const started = performance.now();
  for (let i = 0; i < times; i++) units += await contender.run();
  return units / ((performance.now() - started) / 1000);
}

/**
 * @param {object} cell
 * @param {{ key: string, run: () => number | Promise<number> }[]} cell.contenders
 * @param {number} [cell.rounds] rounds after the warm-up (default 5)
 * @param {number} [cell.secondsPerMeasure] target length of one measurement (default 0.3)
 * @param {number} [cell.capSeconds] stop starting rounds after this long (default 30)
 * @returns {Promise<Map<string, number>[]>} units per second of each contender, one map per round
 */
export async function measureSideBySide({
  contenders,
  rounds = 5,
  secondsPerMeasure = 0.3,
  capSeconds = 30,
}) {
  const started = performance.now();
  const repeats = new Map();
  for (const contender of contenders) {
    await contender.run(); // the first run compiles and warms caches; the second sizes the measurements
    const t0 = performance.now();
    await contender.run();
    const seconds = (performance.now() - t0) / 1000;
    repeats.set(contender.key, Math.max(1, Math.ceil(secondsPerMeasure / Math.max(seconds, 1e-6))));
  }
  const results = [];
  for (let round = 0; round < rounds; round++) {
    if (round > 0 && (performance.now() - started) / 1000 > capSeconds) break;
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    const rates = new Map();
    for (const contender of order)
      rates.set(contender.key, await rate(contender, repeats.get(contender.key)));
    results.push(rates);
  }
  return results;
}

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
