/**
 * The conformance report: the pack (tests/conformance) run with the built CLI's `smtp run
 * --server … --reporter json` against our server and each peer, written to docs/conformance.md.
 * A peer may differ anywhere — that is what the report is for — so this fails only when a run
 * itself breaks (a file without a result, a parse error, a server unreachable) or when our own
 * server does not follow every check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeCertificate, type TestCertificate } from '../support/certificate.js';
import { renderConformanceDoc, type ServerColumn } from '../support/conformance-doc.js';
import { brokenRun, packOutcomes, type RunReport } from '../support/conformance-outcomes.js';
import { type PackFile, readPack } from '../support/conformance-pack.js';
import { type ConformanceTarget, PROFILES, profileOf, TARGETS } from '../support/conformance-targets.js';
import { requireBuiltCli } from '../support/our-server.js';
import { repoRoot } from '../support/peers.js';
import { runCommand } from '../support/process.js';
import { scratchDir } from '../support/scratch.js';
import { machineSummary, ourVersion, peerVersions } from '../support/versions.js';

const PACK = path.join(repoRoot, 'tests', 'conformance');
/** Per reply: long enough for a loaded 2-core machine, short enough that a server that stays silent (or open) costs little. */
const RUN_OPTIONS = ['--insecure', '--timeout', '3s', '--jobs', '4'];

let certificate: TestCertificate;
const scratch = scratchDir('conformance');
beforeAll(() => {
  certificate = makeCertificate(['localhost', '127.0.0.1']);
});
afterAll(() => {
  certificate?.remove();
  scratch.remove();
});

/** Runs some pack files against a server with the real CLI; resolves with its JSON report. */
async function runPack(files: readonly string[], port: number, label: string): Promise<RunReport> {
  const output = scratch.file(`${label.replace(/\W+/g, '-')}.json`);
  const args = [requireBuiltCli(), 'run', ...files, '--server', `127.0.0.1:${port}`];
  const result = await runCommand(
    process.execPath,
    [...args, ...RUN_OPTIONS, '--reporter', 'json', '--output', output],
    {
      timeoutMs: 150_000,
    },
  );
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(output, 'utf8')) as RunReport;
  } catch (error) {
    throw new Error(
      `smtp run against ${label} wrote no JSON report (exit ${result.code}): ${String(error)}\n${result.output}`,
    );
  }
  const broken = brokenRun(report, files);
  if (broken !== undefined) throw new Error(`smtp run against ${label} broke: ${broken}`);
  // 0 all passed, 1 a check failed, 2 a file could not run (here: a server that timed out or failed TLS — the report says which).
  expect(result.code, `${label}: ${result.stderr}`).toBe(report.exitCode);
  return report;
}

/** Runs every pack file a target can serve, one server start per profile; returns the reports. */
async function runTarget(target: ConformanceTarget, pack: readonly PackFile[]): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const profile of PROFILES) {
    const files = pack.filter((file) => profileOf(file.name) === profile).map((file) => file.path);
    if (files.length === 0) continue;
    const started = target.start(profile, certificate);
    if (started === undefined) continue;
    const server = await started;
    try {
      reports.push(await runPack(files, server.port, `${target.name} (${profile})`));
    } finally {
      await server.stop();
    }
  }
  return reports;
}

function versionOf(target: ConformanceTarget): string {
  if (target === TARGETS[0]) return ourVersion();
  return peerVersions().find((version) => version.peer === target.name)?.version ?? 'unknown';
}

it('runs the conformance pack against every server and writes docs/conformance.md', async () => {
  const started = Date.now();
  const pack = readPack(PACK);
  expect(pack.length).toBeGreaterThan(0);
  // One server at a time would take the sum of every peer's timeouts; all at once fits in 2 cores (they mostly wait).
  const columns: ServerColumn[] = await Promise.all(
    TARGETS.map(async (target) => ({
      name: target.name,
      version: versionOf(target),
      setup: target.setup,
      notApplicable: target.notApplicable,
      outcomes: packOutcomes(pack, await runTarget(target, pack)),
    })),
  );

  const [ours] = columns;
  const notFollowed = pack.flatMap((file) =>
    file.cases
      .filter((entry) => ours?.outcomes.get(file.name)?.cases.get(entry.line)?.state !== 'follows')
      .map((entry) => `${file.name}:${entry.line} [${entry.name}]`),
  );
  expect(notFollowed, 'our server must follow every check of the pack').toEqual([]);
  for (const [index, column] of columns.entries()) {
    const target = TARGETS[index] as ConformanceTarget;
    for (const file of pack) {
      const outcome = column.outcomes.get(file.name);
      if (target.notApplicable[file.name] === undefined) {
        expect(outcome?.ran, `${column.name} has a result for ${file.name}`).toBe(true);
      }
    }
  }

  const doc = renderConformanceDoc(pack, columns, {
    date: new Date().toISOString().slice(0, 10),
    machine: machineSummary(),
    seconds: Math.round((Date.now() - started) / 1000),
    runOptions: RUN_OPTIONS.join(' '),
  });
  writeFileSync(path.join(repoRoot, 'docs', 'conformance.md'), doc);
}, 240_000);
