/**
 * Before the checks: the workspace packages and the CLI are built (the child processes run the
 * built code, as users do), and the helper processes are compiled. After them: the report
 * docs/reliability.md is written from the figures every check recorded.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { writeReport } from '../report/write-report.js';
import { settings } from '../support/settings.js';
import { compileProcesses } from './compile-processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const suiteRoot = path.resolve(here, '..');
const repoRoot = path.resolve(suiteRoot, '../..');

export default function setup(project: TestProject): () => void {
  const started = Date.now();
  // Cached by turbo: a second or two when nothing changed. RELIABILITY_SKIP_BUILD=1 trusts the
  // packages' dist/ as they are (a checkout where someone else's package is mid-edit).
  if (process.env.RELIABILITY_SKIP_BUILD !== '1') {
    execFileSync(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=@smtp/tests^...', '--output-logs=errors-only'],
      { cwd: repoRoot, stdio: 'inherit' },
    );
  }
  compileProcesses(path.join(suiteRoot, 'processes'), path.join(suiteRoot, 'dist'));
  return () => {
    const checkFiles = readdirSync(path.join(suiteRoot, 'checks')).filter((name) =>
      name.endsWith('.test.ts'),
    );
    const modules = project.vitest.state.getTestModules();
    const written = writeReport({
      modules,
      checkFiles,
      setting: settings.name,
      startedAt: new Date(started),
      durationMs: Date.now() - started,
      output: process.env.RELIABILITY_REPORT ?? path.join(repoRoot, 'docs', 'reliability.md'),
    });
    console.log(written);
  };
}
