/**
 * The TAP 13 reporter: one test point per session (or per file that could not start), with a
 * YAML block for each one that did not pass. Every YAML value is written as a double-quoted
 * (JSON) string, which YAML reads as it is, so no reply text can break the block.
 */
import { type Failure, openFailures, type RunResult, type TestCase, testCases } from '../runner/results.js';

/** The run as a TAP 13 stream. */
export function formatTap(result: RunResult): string {
  const tests = result.files.flatMap(testCases);
  const out = ['TAP version 13', `1..${tests.length}`];
  tests.forEach((test, i) => {
    out.push(...point(test, i + 1));
  });
  const { cases } = result.totals;
  out.push(`# ${cases.passed} passed, ${cases.failed + cases.error} failed`);
  for (const name of result.notRun) out.push(`# not run: ${escapeDescription(name)}`);
  out.push('');
  return out.join('\n');
}

function point(test: TestCase, number: number): string[] {
  const description = escapeDescription(`${test.file}: ${test.name}`);
  if (test.status === 'skipped')
    return [`ok ${number} - ${description} # SKIP ${test.skipReason ?? ''}`.trimEnd()];
  const failures = openFailures(test.failures);
  if (test.status === 'passed' || failures.length === 0) return [`ok ${number} - ${description}`];
  const first = failures[0] as Failure;
  const yaml: [string, string | readonly string[]][] = [
    ['message', first.message],
    ['severity', test.status === 'error' ? 'error' : 'fail'],
    ['kind', first.kind],
    ['at', `${test.file}:${first.line}`],
  ];
  if (first.expected !== undefined) yaml.push(['expected', first.expected]);
  if (first.actual !== undefined) yaml.push(['actual', first.actual]);
  if (first.explanation !== undefined) yaml.push(['explanation', first.explanation]);
  if (failures.length > 1) {
    yaml.push(['more', failures.slice(1).map((f) => `${test.file}:${f.line}: ${f.message}`)]);
  }
  return [
    `not ok ${number} - ${description}`,
    '  ---',
    ...yaml.map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    '  ...',
  ];
}

/** A description must not start a directive (`#`) or run onto another line. */
function escapeDescription(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/#/g, '\\#')
    .replace(/[\r\n]+/g, ' ');
}
