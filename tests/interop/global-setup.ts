/**
 * The interop run's setup and teardown: checks the CLI is built, gives the tests a directory for
 * their matrix cells, and afterwards writes docs/interop.md from them — only when every declared
 * cell has a result (a filtered run leaves the committed document alone and says so).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { CellRecord } from './support/matrix.js';
import { missingCells, renderInteropDoc } from './support/matrix-doc.js';
import { TABLES } from './support/matrix-layout.js';
import { requireBuiltCli } from './support/our-server.js';
import { repoRoot } from './support/peers.js';
import { POSTFIX_SETUP_NOTE } from './support/postfix.js';
import { machineSummary, ourVersion, peerVersions } from './support/versions.js';

function readRecords(dir: string): CellRecord[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CellRecord);
}

/** Vitest global setup: returns the teardown. */
export default function setup(project: TestProject): () => void {
  requireBuiltCli();
  const results = mkdtempSync(path.join(tmpdir(), 'smtp-interop-matrix-'));
  project.provide('interopResults', results);
  const started = Date.now();
  return () => {
    const records = readRecords(results);
    rmSync(results, { recursive: true, force: true });
    const missing = missingCells(TABLES, records);
    if (missing.length > 0) {
      console.log(
        `interop matrix: ${missing.length} declared cells did not run (e.g. ${missing[0]}); docs/interop.md left as it was`,
      );
      return;
    }
    const doc = renderInteropDoc(TABLES, records, {
      date: new Date().toISOString().slice(0, 10),
      ourVersion: ourVersion(),
      versions: peerVersions(),
      machine: machineSummary(),
      seconds: Math.round((Date.now() - started) / 1000),
      appendix: [
        POSTFIX_SETUP_NOTE,
        '**How the servers follow the RFCs.** The same run plays the conformance pack against aiosmtpd, ' +
          'smtp-server, Haraka, Postfix smtpd and `smtp serve`: [conformance.md](conformance.md).',
      ],
    });
    writeFileSync(path.join(repoRoot, 'docs', 'interop.md'), doc);
    console.log(`interop matrix: ${records.length} cells written to docs/interop.md`);
  };
}
