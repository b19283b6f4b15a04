#!/usr/bin/env node
// Runs every check CI runs, in order, and ends with one line `N passed, N failed`.
//
// A step is either a plain check (one pass or one fail), a vitest run (its JSON report gives
// the counts) or a suite that prints its own `N passed, M failed` last line. Steps keep running
// after a failure so one run shows everything that is broken; the exit status is 1 if any failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

/** @type {{ name: string, kind: 'check' | 'vitest' | 'counted', cmd: string[] }[]} */
const steps = [
  { name: 'lint', kind: 'check', cmd: ['pnpm', 'lint'] },
  { name: 'build', kind: 'check', cmd: ['pnpm', 'build'] },
  { name: 'typecheck', kind: 'check', cmd: ['pnpm', 'typecheck'] },
  { name: 'unit and integration tests', kind: 'vitest', cmd: ['pnpm', 'exec', 'vitest', 'run'] },
  { name: 'vscode extension (code-server)', kind: 'counted', cmd: ['pnpm', 'test:vscode'] },
  {
    name: 'grammar snapshots',
    kind: 'check',
    cmd: ['pnpm', '--filter', 'smtp-transcript-vscode', 'test:grammar'],
  },
  {
    name: 'interop: real SMTP peers, docs/interop.md and docs/conformance.md',
    kind: 'vitest',
    cmd: ['pnpm', 'test:interop'],
  },
  {
    name: 'reliability',
    kind: 'vitest',
    cmd: ['pnpm', 'exec', 'vitest', 'run', '--config', 'tests/reliability/vitest.config.ts'],
  },
  {
    name: 'examples',
    kind: 'counted',
    cmd: ['pnpm', '--silent', 'smtp', 'run', 'examples'],
  },
  {
    name: 'conformance pack',
    kind: 'counted',
    cmd: ['pnpm', '--silent', 'smtp', 'run', 'tests/conformance'],
  },
];

function run(cmd, env) {
  return new Promise((resolve) => {
    let tail = '';
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), tail }));
  });
}

const totals = { passed: 0, failed: 0 };
const failedSteps = [];
const started = Date.now();
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.includes(o))) continue;
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  if (step.kind === 'vitest') {
    const report = path.join(os.tmpdir(), `vitest-report-${process.pid}.json`);
    const { code } = await run([
      ...step.cmd,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    try {
      const json = JSON.parse(fs.readFileSync(report, 'utf8'));
      passed = json.numPassedTests;
      failed = json.numFailedTests + (code !== 0 && json.numFailedTests === 0 ? 1 : 0);
    } catch {
      failed = 1;
    }
    fs.rmSync(report, { force: true });
  } else if (step.kind === 'counted') {
    const { code, tail } = await run(step.cmd);
    const m = [...tail.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
    passed = m ? Number(m[1]) : 0;
    failed = m ? Number(m[2]) : 0;
    if (code !== 0 && failed === 0) failed = 1;
  } else {
    const { code } = await run(step.cmd);
    if (code === 0) passed = 1;
    else failed = 1;
  }
  totals.passed += passed;
  totals.failed += failed;
  if (failed) failedSteps.push(step.name);
  console.log(
    `=== ${step.name}: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
console.log(
  `\n${failedSteps.length ? `failing steps: ${failedSteps.join(', ')}` : 'every step passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
