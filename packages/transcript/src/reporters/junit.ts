/**
 * The JUnit XML reporter, for CI servers: one `<testsuite>` per file, one `<testcase>` per
 * session (or one for a file that could not start), a `<failure>` for unmet expectations and an
 * `<error>` for what could not run, with `file:line` in its message and the expectation, the
 * reply and the explanation in its text.
 */
import { type Failure, type FileResult, openFailures, type RunResult, testCases } from '../runner/results.js';
import { xmlAttribute, xmlText } from './xml.js';

/** The run as a JUnit XML document. */
export function formatJunit(result: RunResult): string {
  const { cases } = result.totals;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="smtp run" tests="${cases.passed + cases.failed + cases.error + cases.skipped}" failures="${cases.failed}" errors="${cases.error}" skipped="${cases.skipped}" time="${seconds(result.durationMs)}">`,
  ];
  for (const file of result.files) out.push(...suite(file));
  out.push('</testsuites>', '');
  return out.join('\n');
}

function suite(file: FileResult): string[] {
  const tests = testCases(file);
  const count = (status: string) => tests.filter((t) => t.status === status).length;
  const out = [
    `  <testsuite name="${xmlAttribute(file.file)}" tests="${tests.length}" failures="${count('failed')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(file.durationMs)}" timestamp="${new Date(file.startedAt).toISOString()}" file="${xmlAttribute(file.file)}">`,
  ];
  for (const test of tests) {
    const open = `    <testcase classname="${xmlAttribute(file.file)}" name="${xmlAttribute(test.name)}" file="${xmlAttribute(file.file)}" line="${test.line}" time="${seconds(test.durationMs)}"`;
    const failures = openFailures(test.failures);
    if (test.status === 'skipped') {
      out.push(
        `${open}>`,
        `      <skipped message="${xmlAttribute(test.skipReason ?? 'skipped')}"/>`,
        '    </testcase>',
      );
    } else if (test.status === 'passed' || failures.length === 0) {
      out.push(`${open}/>`);
    } else {
      const element = test.status === 'error' ? 'error' : 'failure';
      const first = failures[0] as Failure;
      const body = failures.map((f) => describe(file.file, f)).join('\n\n');
      out.push(
        `${open}>`,
        `      <${element} message="${xmlAttribute(`${file.file}:${first.line}: ${first.message}`)}" type="${first.kind}">${xmlText(body)}</${element}>`,
        '    </testcase>',
      );
    }
  }
  out.push('  </testsuite>');
  return out;
}

/** A failure as readable text: where, what, and the two sides when there are. */
function describe(file: string, failure: Failure): string {
  const lines = [`${file}:${failure.line}: ${failure.message}`];
  if (failure.expected !== undefined) lines.push('expected:', failure.expected);
  if (failure.actual !== undefined) lines.push('actual:', failure.actual);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
