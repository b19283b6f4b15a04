#!/usr/bin/env node
/**
 * Benchmark driver (`pnpm bench`; `node bench/run.mjs [cell ...]` runs only the named cells).
 *
 * First it finds the peers (installing the Debian ones with scripts/install-peers.sh when they
 * are missing and this runs as root; otherwise their contenders are left out, and said so).
 *
 * A cell is one module in `bench/cells/` whose default export is
 *   { name, unit, rounds?, secondsPerMeasure?, capSeconds?, warmup?, prepare({ peers, log }) }
 * where `prepare` resolves with
 *   { title,
 *     contenders: [{ key, label, run, cpu?, reset? }],   measured side by side (lib/rounds.mjs)
 *     ratios: [{ name, numerator, denominator, target?, basis? }],
 *     skipped?: [{ label, reason }],                     contenders that cannot run here
 *     figures?: [{ name, label, value, unit, target? }], results measured in prepare (memory)
 *     tables?: [{ caption, header, rows }],               more tables (scaling)
 *     tablesOf?(result): tables built from the measured result (the server matrix)
 *     notes?: string[], artifacts?: string[],
 *     explain?(result): string[],                         measured reasons for missed targets
 *     dispose?() }
 * `run()` does one unit of work and returns how many `unit`s it processed; `cpu()` returns the
 * CPU seconds used so far by what is measured (a server's process group, a client): each round
 * then also gives CPU µs per unit. `basis: 'cpu'` makes a ratio compare CPU per unit instead of
 * rates (denominator's CPU / numerator's: above 1 means the numerator is cheaper). `target` is
 * the least a ratio should reach; a figure's target is `{ max }` or `{ min }`.
 *
 * Prints a table per cell, then one `RATIO <name> <median>` line per ratio and a target summary,
 * and writes bench/results/latest.md. Benchmarks are not tests: nothing fails on a missed target.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, discoverPeers } from './lib/environment.mjs';
import { measureRounds, median } from './lib/rounds.mjs';

const CELLS = [
  'dot-unstuff', //
  'dot-stuff',
  'line-framer',
  'parse',
  'transcript-parse',
  'client',
  'server',
  'memory',
  'scaling',
  'transcripts',
  // Last: the longest cell, whose rounds after the first stop when the run's time is up.
  'servers',
];

/** The whole run stops starting cells after this long (the issue allows 10 minutes in all). */
const RUN_CAP_SECONDS = 540;
const here = dirname(fileURLToPath(import.meta.url));

const number = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3).replace(/\.?0+$/, '');
const micros = (seconds) => (seconds === undefined ? '' : number(seconds * 1e6));

function summarize(values) {
  const present = values.filter((value) => value !== undefined && Number.isFinite(value));
  if (present.length === 0) return undefined;
  return { median: median(present), min: Math.min(...present), max: Math.max(...present), values: present };
}

function ratioValue(ratio, round) {
  const top = round.get(ratio.numerator);
  const bottom = round.get(ratio.denominator);
  if (top === undefined || bottom === undefined) return undefined;
  if (ratio.basis === 'cpu') return top.cpu && bottom.cpu ? bottom.cpu / top.cpu : undefined;
  return top.rate / bottom.rate;
}

async function runCell(name, peers, secondsLeft) {
  const { default: cell } = await import(`./cells/${name}.mjs`);
  const started = performance.now();
  const log = (line) => console.log(`  ${line}`);
  const prepared = await cell.prepare({ peers, log });
  let rounds = [];
  try {
    if (prepared.contenders.length > 0) {
      rounds = await measureRounds({
        contenders: prepared.contenders,
        rounds: cell.rounds ?? 5,
        secondsPerMeasure: cell.secondsPerMeasure ?? 0.3,
        capSeconds: Math.min(cell.capSeconds ?? 30, Math.max(5, secondsLeft)),
        warmup: cell.warmup ?? true,
      });
    }
  } finally {
    await prepared.dispose?.();
  }
  const contenders = prepared.contenders.map((contender) => {
    const rate = summarize(rounds.map((round) => round.get(contender.key)?.rate));
    const cpu = summarize(rounds.map((round) => round.get(contender.key)?.cpu));
    return { key: contender.key, label: contender.label, ...rate, cpu: cpu?.median };
  });
  const ratios = prepared.ratios
    .map((ratio) => ({ ...ratio, ...summarize(rounds.map((round) => ratioValue(ratio, round))) }))
    .filter((ratio) => ratio.median !== undefined);
  const result = {
    name,
    unit: cell.unit,
    title: prepared.title,
    rounds: rounds.length,
    seconds: (performance.now() - started) / 1000,
    contenders,
    ratios,
    figures: prepared.figures ?? [],
    tables: [...(prepared.tables ?? [])],
    skipped: prepared.skipped ?? [],
    notes: prepared.notes ?? [],
    artifacts: prepared.artifacts ?? [],
  };
  result.tables.push(...(prepared.tablesOf?.(result) ?? []));
  result.explanations = prepared.explain?.(result) ?? [];
  return result;
}

function ratioVerdict(ratio) {
  if (ratio.target === undefined) return '';
  return ratio.median >= ratio.target ? `met (>= ${ratio.target})` : `MISSED (target >= ${ratio.target})`;
}

function figureVerdict(figure) {
  const target = figure.target;
  if (target === undefined) return '';
  if (target.max !== undefined)
    return figure.value <= target.max ? `met (<= ${target.max})` : `MISSED (target <= ${target.max})`;
  return figure.value >= target.min ? `met (>= ${target.min})` : `MISSED (target >= ${target.min})`;
}

function printCell(result) {
  console.log(`\n${result.name}: ${result.title} (${result.rounds} rounds, ${result.seconds.toFixed(1)} s)`);
  const width = Math.max(0, ...result.contenders.map((c) => c.label.length));
  for (const c of result.contenders) {
    const cpu = c.cpu === undefined ? '' : `  CPU ${micros(c.cpu)} µs/${result.unit.split('/')[0]}`;
    const range = c.median === undefined ? '' : `(${number(c.min)}-${number(c.max)})`;
    const rate = c.median === undefined ? 'no result' : `${number(c.median)} ${result.unit}`;
    console.log(`  ${c.label.padEnd(width)}  ${rate.padStart(18)} ${range}${cpu}`);
  }
  for (const figure of result.figures) {
    console.log(`  ${figure.label}: ${number(figure.value)} ${figure.unit} ${figureVerdict(figure)}`);
  }
  for (const table of result.tables) {
    console.log(`  ${table.caption}`);
    console.log(`    ${table.header.join(' | ')}`);
    for (const row of table.rows) console.log(`    ${row.join(' | ')}`);
  }
  for (const r of result.ratios) {
    const basis = r.basis === 'cpu' ? ' [CPU per unit]' : '';
    console.log(
      `  ratio ${r.name} = ${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})${basis} ${ratioVerdict(r)}`,
    );
  }
  for (const skipped of result.skipped) console.log(`  skipped: ${skipped.label}: ${skipped.reason}`);
  for (const note of result.notes) console.log(`  note: ${note}`);
  for (const line of result.explanations) console.log(`  why: ${line}`);
}

function targetsOf(results) {
  const targets = [];
  for (const result of results) {
    for (const r of result.ratios) {
      if (r.target !== undefined)
        targets.push({
          name: r.name,
          cell: result.name,
          value: r.median.toFixed(2),
          verdict: ratioVerdict(r),
          met: r.median >= r.target,
          detail: `median ${r.median.toFixed(2)}, per-round range ${r.min.toFixed(2)}-${r.max.toFixed(2)}, at or above ${r.target} in ${r.values.filter((v) => v >= r.target).length} of ${r.values.length} rounds`,
        });
    }
    for (const f of result.figures) {
      if (f.target !== undefined) {
        const met = f.target.max !== undefined ? f.value <= f.target.max : f.value >= f.target.min;
        targets.push({
          name: f.name,
          cell: result.name,
          value: `${number(f.value)} ${f.unit}`,
          verdict: figureVerdict(f),
          met,
          detail: 'measured once',
        });
      }
    }
  }
  return targets;
}

function markdown(results, machine, failures, skippedCells) {
  const lines = [
    '# Benchmark results (latest run)',
    '',
    `- date: ${machine.date}`,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.kernel}`,
    `- versions: ${machine.versions.join('; ')}`,
    `- run: \`pnpm bench\`, ${machine.seconds.toFixed(0)} s in all`,
    '- method: the contenders of a cell run in one process (servers as child process groups), in',
    '  rotating order, after a warm-up; figures are medians over rounds (ratios: median of the',
    '  per-round ratios), with the range over rounds. CPU µs per unit is the CPU time of what is',
    '  measured (a server process group, a client process) divided by the units it handled.',
    '',
    '## Targets',
    '',
    '| target | measured | verdict |',
    '| --- | ---: | --- |',
  ];
  for (const target of targetsOf(results))
    lines.push(`| ${target.name} | ${target.value} | ${target.verdict} |`);
  const missed = targetsOf(results).filter((target) => !target.met);
  if (missed.length > 0) {
    lines.push(
      '',
      "Missed in this run (each cell's section below gives what the run measured that bounds it):",
      '',
    );
    for (const target of missed) lines.push(`- ${target.name} (cell \`${target.cell}\`): ${target.detail}.`);
  }
  for (const failure of failures) lines.push('', `- cell ${failure.name} failed: ${failure.message}`);
  for (const name of skippedCells) lines.push('', `- cell ${name} not run: the run's time cap was reached`);
  lines.push('');
  for (const result of results) {
    lines.push(
      `## ${result.name}`,
      '',
      `${result.title}; ${result.rounds} rounds, ${result.seconds.toFixed(1)} s.`,
      '',
    );
    if (result.contenders.length > 0) {
      const cpuColumn = result.contenders.some((c) => c.cpu !== undefined);
      const unit = result.unit.split('/')[0];
      lines.push(
        `| contender | median ${result.unit} | range |${cpuColumn ? ` CPU µs/${unit} |` : ''}`,
        `| --- | ---: | --- |${cpuColumn ? ' ---: |' : ''}`,
      );
      for (const c of result.contenders) {
        const rate = c.median === undefined ? 'no result' : number(c.median);
        const range = c.median === undefined ? '' : `${number(c.min)}-${number(c.max)}`;
        lines.push(`| ${c.label} | ${rate} | ${range} |${cpuColumn ? ` ${micros(c.cpu)} |` : ''}`);
      }
      lines.push('');
    }
    if (result.figures.length > 0) {
      lines.push('| figure | value | target |', '| --- | ---: | --- |');
      for (const f of result.figures)
        lines.push(`| ${f.label} | ${number(f.value)} ${f.unit} | ${figureVerdict(f)} |`);
      lines.push('');
    }
    for (const table of result.tables) {
      lines.push(
        table.caption,
        '',
        `| ${table.header.join(' | ')} |`,
        `|${table.header.map(() => ' --- |').join('')}`,
      );
      for (const row of table.rows) lines.push(`| ${row.join(' | ')} |`);
      lines.push('');
    }
    if (result.ratios.length > 0) {
      lines.push('| ratio | median | range | target |', '| --- | ---: | --- | --- |');
      for (const r of result.ratios) {
        const name = r.basis === 'cpu' ? `${r.name} (CPU per unit)` : r.name;
        lines.push(
          `| ${name} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)}-${r.max.toFixed(2)} | ${ratioVerdict(r)} |`,
        );
      }
      lines.push('');
    }
    for (const artifact of result.artifacts) lines.push(artifact, '');
    const bullets = [...result.skipped.map((s) => `skipped: ${s.label}: ${s.reason}`), ...result.notes];
    if (bullets.length > 0) lines.push(...bullets.map((note) => `- ${note}`), '');
    if (result.explanations.length > 0) {
      lines.push('Why the missed targets are missed (measured in this run):', '');
      lines.push(...result.explanations.map((line) => `- ${line}`), '');
    }
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
const started = performance.now();
const peers = discoverPeers();
const machine = describeMachine(peers);
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.kernel}, ${machine.date}`);
console.log(`versions: ${machine.versions.join('; ')}`);

const results = [];
const failures = [];
const skippedCells = [];
for (const name of selected) {
  if ((performance.now() - started) / 1000 > RUN_CAP_SECONDS) {
    console.log(`\n${name}: skipped (run cap of ${RUN_CAP_SECONDS} s reached)`);
    skippedCells.push(name);
    continue;
  }
  try {
    const elapsed = (performance.now() - started) / 1000;
    const result = await runCell(name, peers, RUN_CAP_SECONDS - elapsed);
    printCell(result);
    results.push(result);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\n${name}: failed: ${message}`);
    failures.push({ name, message });
    process.exitCode = 1;
  }
}
machine.seconds = (performance.now() - started) / 1000;

console.log('');
for (const result of results)
  for (const r of result.ratios) console.log(`RATIO ${r.name} ${r.median.toFixed(2)}`);
console.log('');
for (const target of targetsOf(results))
  console.log(
    `TARGET ${target.name} ${target.value} ${target.verdict}${target.met ? '' : ` (${target.detail})`}`,
  );

// A partial run (named cells) writes its own file, so it never replaces the full run's report.
const out = join(here, 'results', wanted.length > 0 ? 'partial.md' : 'latest.md');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, markdown(results, machine, failures, skippedCells));
console.log(`\nwrote ${out} (${machine.seconds.toFixed(0)} s)`);
