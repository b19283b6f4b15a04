/**
 * Side-by-side measurement (notes/peers.md): the machine's speed drifts between runs, so the
 * contenders of a cell run in the same process, in rotating order, after a warm-up; each
 * measurement repeats a contender until it lasts about `secondsPerMeasure`, and a cell reports
 * medians over its rounds. Where a contender can say how much CPU the measured thing has used
 * (`cpu()`, cumulative seconds), each round also gives its CPU per unit: steadier than the rate
 * on a shared machine, and not capped by a load generator sharing the cores.
 */

/**
 * One measurement: `reset()` first (untimed), then `run()` `times` times. Returns units per
 * second and, with `cpu`, CPU seconds per unit.
 */
async function measure(contender, times) {
  await contender.reset?.();
  const cpuBefore = contender.cpu?.();
  let units = 0;
  const started = performance.now();
  for (let i = 0; i < times; i++) units += await contender.run();
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuBefore === undefined ? undefined : (contender.cpu() - cpuBefore) / units;
  return { rate: units / seconds, cpu };
}

/**
 * @param {object} cell
 * @param {{ key: string, run: () => number | Promise<number>, cpu?: () => number, reset?: () => unknown }[]} cell.contenders
 * @param {number} [cell.rounds] rounds after the warm-up (default 5)
 * @param {number} [cell.secondsPerMeasure] target length of one measurement (default 0.3)
 * @param {number} [cell.capSeconds] stop starting rounds after this long (default 30)
 * @param {boolean} [cell.warmup] run each contender once before the rounds (default true); a
 *   cell whose single run is long and already warmed in `prepare` turns it off
 * @returns {Promise<Map<string, { rate: number, cpu: number | undefined }>[]>} one map per round
 */
export async function measureRounds({
  contenders,
  rounds = 5,
  secondsPerMeasure = 0.3,
  capSeconds = 30,
  warmup = true,
}) {
  const started = performance.now();
  const repeats = new Map();
  for (const contender of contenders) {
    if (!warmup) {
      // Long runs (thousands of messages each) were warmed in prepare: one run per measurement.
      repeats.set(contender.key, 1);
      continue;
    }
    await contender.reset?.();
    // One untimed-for-the-figures run warms caches and compiles; its duration (an overestimate,
    // being cold) sizes the measurements: a longer measurement costs time, not accuracy.
    const t0 = performance.now();
    await contender.run();
    const seconds = (performance.now() - t0) / 1000;
    repeats.set(contender.key, Math.max(1, Math.ceil(secondsPerMeasure / Math.max(seconds, 1e-6))));
  }
  const results = [];
  for (let round = 0; round < rounds; round++) {
    if (round > 0 && (performance.now() - started) / 1000 > capSeconds) break;
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    const figures = new Map();
    for (const contender of order)
      figures.set(contender.key, await measure(contender, repeats.get(contender.key)));
    results.push(figures);
  }
  return results;
}

/** {@link measureRounds} giving only the rates: one `Map<key, units per second>` per round. */
export async function measureSideBySide(cell) {
  const rounds = await measureRounds(cell);
  return rounds.map((round) => new Map([...round].map(([key, figures]) => [key, figures.rate])));
}

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
