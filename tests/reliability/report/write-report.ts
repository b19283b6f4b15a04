import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestModule } from 'vitest/node';
import { AREAS } from './areas.js';
import { type CheckResult, type ReportInput, renderReport } from './render.js';

/** What {@link writeReport} needs from the run. */
export interface RunSummary {
  readonly modules: readonly TestModule[];
  /** Every file of `checks/`: the report is only complete when each of them ran. */
  readonly checkFiles: readonly string[];
  readonly setting: ReportInput['setting'];
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly output: string;
}

/**
 * Writes the report when every area ran (or when `RELIABILITY_REPORT` names the file), and says
 * what it did in one line.
 */
export function writeReport(run: RunSummary): string {
  const byFile = new Map<string, TestModule>();
  for (const module of run.modules) byFile.set(path.basename(module.moduleId), module);
  const missing = run.checkFiles.filter((file) => !byFile.has(file));
  const unknown = run.checkFiles.filter((file) => !AREAS.some((area) => area.file === file));
  if (unknown.length > 0) return `reliability report: no area describes ${unknown.join(', ')}; not written`;
  if (missing.length > 0 && process.env.RELIABILITY_REPORT === undefined) {
    return `reliability report: not written (partial run: ${missing.join(', ')} did not run)`;
  }
  const input: ReportInput = {
    setting: run.setting,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    environment: `Node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`,
    areas: AREAS.map((area) => {
      const module = byFile.get(area.file);
      return { area, checks: module === undefined ? [] : checksOf(module) };
    }),
  };
  mkdirSync(path.dirname(run.output), { recursive: true });
  writeFileSync(run.output, renderReport(input));
  return `reliability report written to ${run.output}`;
}

function checksOf(module: TestModule): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const test of module.children.allTests()) {
    const result = test.result();
    const error = result.state === 'failed' ? result.errors[0]?.message : undefined;
    checks.push({
      name: test.fullName,
      state: result.state,
      durationMs: test.diagnostic()?.duration ?? 0,
      figures: test.meta().figures ?? {},
      error: error?.split('\n')[0],
    });
  }
  return checks;
}
