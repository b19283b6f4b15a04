#!/usr/bin/env node
/**
 * Benchmark driver (`pnpm bench`; `node bench/run.mjs [cell ...]` runs only the named cells).
 *
 * A cell is one module in `bench/cells/` whose default export is
 *   { name, unit, rounds?, secondsPerMeasure?, capSeconds?,
 *     prepare(): Promise<{ title, contenders: [{ key, label, run }], ratios: [{ name, numerator,
 *                         denominator, target? }], notes?: string[], dispose?(): Promise<void> }> }
 * where `run()` does one unit of work and returns how many `unit`s it processed (MB, lines,
 * messages). `prepare` builds inputs and checks every contender's output before any timing;
 * `dispose` (optional) closes what `prepare` opened (connections, peers) once the cell is measured.
 * Adding a cell: one file in cells/ plus its name in CELLS below.
 *
 * Prints a table per cell, then one `RATIO <name> <median>` line per ratio, and writes
 * bench/results/latest.md. Benchmarks are not tests: nothing here fails on a missed target.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSideBySide, median } from './lib/rounds.mjs';

const CELLS = [
  'dot-unstuff', //
  'dot-stuff',
  'line-framer',
  'parse',
  'transcript-parse',
  'transcripts',
  'client',
  'server',
];

const RUN_CAP_SECONDS = 300;
const here = dirname(fileURLToPath(import.meta.url));

const number = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3).replace(/\.?0+$/, '');

async function runCell(name) {
  const { default: cell } = await import(`./cells/${name}.mjs`);
  const started = performance.now();
  const prepared = await cell.prepare();
  const rounds = await measureSideBySide({
    contenders: prepared.contenders,
    rounds: cell.rounds ?? 5,
    secondsPerMeasure: cell.secondsPerMeasure ?? 0.3,
    capSeconds: cell.capSeconds ?? 30,
  });
  await prepared.dispose?.();
  const contenders = prepared.contenders.map((contender) => {
    const rates = rounds.map((round) => round.get(contender.key));
    return { ...contender, median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
  });
  const ratios = prepared.ratios.map((ratio) => {
    const values = rounds.map((round) => round.get(ratio.numerator) / round.get(ratio.denominator));
    return { ...ratio, median: median(values), min: Math.min(...values), max: Math.max(...values) };
  });
  return {
    name,
    unit: cell.unit,
    title: prepared.title,
    rounds: rounds.length,
    seconds: (performance.now() - started) / 1000,
    contenders,
    ratios,
    notes: prepared.notes ?? [],
  };
}

function verdict(ratio) {
  if (ratio.target === undefined) return '';
  return ratio.median >= ratio.target ? `met (>= ${ratio.target})` : `MISSED (target >= ${ratio.target})`;
}

function printCell(result) {
  console.log(`\n${result.name}: ${result.title} (${result.rounds} rounds, ${result.seconds.toFixed(1)} s)`);
  const width = Math.max(...result.contenders.map((c) => c.label.length));
  for (const c of result.contenders) {
    console.log(
      `  ${c.label.padEnd(width)}  ${number(c.median).padStart(12)} ${result.unit}  (${number(c.min)}-${number(c.max)})`,
    );
  }
  for (const r of result.ratios) {
    console.log(
      `  ratio ${r.name} = ${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)}) ${verdict(r)}`,
    );
  }
  for (const note of result.notes) console.log(`  note: ${note}`);
}

function markdown(results, machine) {
  const lines = [
    '# Benchmark results (latest run)',
    '',
    `- date: ${machine.date}`,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}`,
    `- node: ${machine.node}`,
    '- method: contenders of a cell run in one process, rotating order, after a warm-up; figures are',
    '  medians over rounds (ratios: median of per-round ratios), with the range over rounds.',
    '',
  ];
  for (const result of results) {
    lines.push(
      `## ${result.name}`,
      '',
      `${result.title}; ${result.rounds} rounds, ${result.seconds.toFixed(1)} s.`,
      '',
    );
    lines.push(`| contender | median ${result.unit} | range |`, '| --- | ---: | --- |');
    for (const c of result.contenders)
      lines.push(`| ${c.label} | ${number(c.median)} | ${number(c.min)}-${number(c.max)} |`);
    lines.push('', '| ratio | median | range | target |', '| --- | ---: | --- | --- |');
    for (const r of result.ratios) {
      lines.push(
        `| ${r.name} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)}-${r.max.toFixed(2)} | ${verdict(r)} |`,
      );
    }
    if (result.notes.length > 0) lines.push('', ...result.notes.map((note) => `- ${note}`));
    lines.push('');
  }
  return lines.join('\n');
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !CELLS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown cell(s): ${unknown.join(', ')}; cells: ${CELLS.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? CELLS.filter((name) => wanted.includes(name)) : CELLS;
const machine = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown cpu',
  cores: availableParallelism(),
  platform: `${process.platform} ${process.arch}`,
  node: process.version,
};
console.log(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.date}`);

const started = performance.now();
const results = [];
for (const name of selected) {
  if ((performance.now() - started) / 1000 > RUN_CAP_SECONDS) {
    console.log(`\n${name}: skipped (run cap of ${RUN_CAP_SECONDS} s reached)`);
    continue;
  }
  try {
    const result = await runCell(name);
    printCell(result);
    results.push(result);
  } catch (error) {
    console.error(`\n${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

console.log('');
for (const result of results)
  for (const r of result.ratios) console.log(`RATIO ${r.name} ${r.median.toFixed(2)}`);

const out = join(here, 'results', 'latest.md');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, markdown(results, machine));
console.log(`\nwrote ${out}`);
