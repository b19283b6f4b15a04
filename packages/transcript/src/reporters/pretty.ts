/**
 * The pretty reporter, for people at a terminal: one line per file as it finishes, each failure
 * at `file:line` with the expectation and the reply side by side and the first difference in
 * words, then one summary line.
 *
 * The summary line is the report's last line and holds `N passed, M failed`, counting test
 * cases: sessions, plus one for each file that could not start at all (parse error, unset
 * variable, server that did not start). `M` includes errors. CI scripts read that phrase.
 */
import type { RunEventListener } from '../runner/events.js';
import {
  type Failure,
  type FileResult,
  openFailures,
  type RunResult,
  type SessionResult,
} from '../runner/results.js';
import { type Paint, paint } from './paint.js';

/** Options of the pretty reporter. */
export interface PrettyOptions {
  /** ANSI colours (for a terminal). Default false. */
  readonly color?: boolean;
}

/** Widest expectation column before the reply column starts further right anyway. */
const MAX_LEFT_COLUMN = 48;

/** The whole report: every file's block, then the summary line. */
export function formatPretty(result: RunResult, options: PrettyOptions = {}): string {
  return result.files.map((file) => formatFile(file, options)).join('') + formatSummary(result, options);
}

/**
 * Writes each file's block as it finishes and the summary at the end: the live form of
 * {@link formatPretty} (same text).
 */
export function prettyProgress(write: (text: string) => void, options: PrettyOptions = {}): RunEventListener {
  return (event) => {
    if (event.type === 'file-end') write(formatFile(event.result, options));
    else if (event.type === 'run-end') write(formatSummary(event.result, options));
  };
}

/** One file's block: its status line, failures, warnings and updates. */
export function formatFile(file: FileResult, options: PrettyOptions = {}): string {
  const p = paint(options.color === true);
  const lines = [statusLine(file, p)];
  for (const failure of openFailures(file.failures)) lines.push(...failureLines(file.file, failure, p));
  for (const session of file.sessions) {
    for (const failure of openFailures(session.failures)) lines.push(...failureLines(file.file, failure, p));
  }
  for (const warning of file.warnings) {
    const at = warning.line === undefined ? file.file : `${file.file}:${warning.line}`;
    lines.push(`  ${p.yellow('warning')} ${at}  ${warning.message}`);
  }
  for (const update of file.updates) {
    lines.push(
      `  ${p.cyan('updated')} ${file.file}:${update.line}  ${oneLine(update.before)}  →  ${oneLine(update.after)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The last line: `N passed, M failed` and what they count. */
export function formatSummary(result: RunResult, options: PrettyOptions = {}): string {
  const p = paint(options.color === true);
  const { cases, files, updated } = result.totals;
  const failed = cases.failed + cases.error;
  let counts = `${cases.passed} passed, ${failed} failed`;
  if (cases.error > 0) counts += ` (${cases.error} ${cases.error === 1 ? 'error' : 'errors'})`;
  const fileCount = files.passed + files.failed + files.error;
  const extras = [
    `${plural(cases.passed + failed, 'session')} in ${plural(fileCount, 'file')}`,
    ...(cases.skipped > 0 ? [`${cases.skipped} skipped`] : []),
    ...(updated > 0 ? [`${plural(updated, 'expectation')} updated`] : []),
    ...(result.notRun.length > 0 ? [`${plural(result.notRun.length, 'file')} not run`] : []),
    `${(result.durationMs / 1000).toFixed(2)} s`,
  ];
  const line = `${counts} — ${extras.join(', ')}`;
  // Coloured as a whole, so the `N passed, M failed` phrase stays intact for scripts.
  const brush = result.status === 'passed' ? p.green : p.red;
  return `\n${brush(line)}\n`;
}

function statusLine(file: FileResult, p: Paint): string {
  const ran = file.sessions.filter((s) => s.status !== 'skipped');
  const time = `${file.durationMs} ms`;
  switch (file.status) {
    case 'passed':
      return `${p.green(' PASS ')} ${file.file} ${p.dim(`(${plural(ran.length, 'session')}, ${time})`)}`;
    case 'failed': {
      const bad = ran.filter((s) => s.status !== 'passed').length;
      return `${p.red(' FAIL ')} ${file.file} ${p.dim(`(${bad} of ${plural(ran.length, 'session')} failed, ${time})`)}`;
    }
    case 'error': {
      const what = file.sessions.length === 0 ? 'could not run' : errorSummary(ran);
      return `${p.red('ERROR ')} ${file.file} ${p.dim(`(${what}, ${time})`)}`;
    }
  }
}

function errorSummary(sessions: readonly SessionResult[]): string {
  const errors = sessions.filter((s) => s.status === 'error').length;
  return `${errors} of ${plural(sessions.length, 'session')} could not run to the end`;
}

function failureLines(file: string, failure: Failure, p: Paint): string[] {
  const mark = failure.severity === 'error' ? p.red('!') : p.red('✗');
  const at = p.bold(`${file}:${failure.line}`);
  if (failure.expected === undefined || failure.actual === undefined) {
    return [`  ${mark} ${at}  ${failure.message}`];
  }
  const lines = [`  ${mark} ${at}  ${failure.answers ?? ''}`.trimEnd()];
  const left = failure.expected.split('\n');
  const right = failure.actual.split('\n');
  const width = Math.min(MAX_LEFT_COLUMN, Math.max('expected'.length, ...left.map((l) => l.length)));
  lines.push(`      ${p.dim('expected'.padEnd(width))}  ${p.dim('actual')}`);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const expected = left[i] ?? '';
    const actual = right[i] ?? '';
    lines.push(`      ${p.green(expected.padEnd(width))}  ${p.red(actual)}`.trimEnd());
  }
  if (failure.explanation !== undefined) lines.push(`      ${failure.explanation}`);
  return lines;
}

function oneLine(lines: string): string {
  return lines.split('\n').join(' / ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
