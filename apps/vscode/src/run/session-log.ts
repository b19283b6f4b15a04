/**
 * The text of the session output channel: each run's conversation as it happens, line by line
 * with the time of each line, then the file's outcome and its failures.
 */
import type { FileResult, LogEntry, RunWarning } from '@smtp/transcript';
import { failuresOf } from './run-problems.js';

/** Turns a time (milliseconds since the epoch) into the clock text shown before each line. */
export type Clock = (time: number) => string;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The local time of day with milliseconds, e.g. `14:03:07.250`. */
export const localClock: Clock = (time) => {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
};

/** The first line of a file's run. */
export function runHeader(file: string, time: number, clock: Clock = localClock): string {
  return `${clock(time)} ── ${file}`;
}

/**
 * One log entry as output lines: the time and the session before the first line; further lines
 * of the same entry (a multi-line reply, a send group) are aligned under it.
 */
export function logEntryLines(entry: LogEntry, clock: Clock = localClock): string[] {
  const prefix = `${clock(entry.time)} [session ${entry.session + 1}] `;
  const indent = ' '.repeat(prefix.length);
  const lines =
    entry.kind === 'sent' || entry.kind === 'received' ? entry.lines : entry.lines.map((l) => `# ${l}`);
  return lines.map((line, index) => (index === 0 ? prefix : indent) + line);
}

/** A warning of the run, e.g. `@server` options ignored against another server. */
export function warningLine(warning: RunWarning): string {
  return `warning${warning.line === undefined ? '' : ` (line ${warning.line})`}: ${warning.message}`;
}

/** The outcome of a file: its status, the session counts and time, then each failure with its line. */
export function resultLines(result: FileResult): string[] {
  const counts = new Map<string, number>();
  for (const session of result.sessions) counts.set(session.status, (counts.get(session.status) ?? 0) + 1);
  const tally = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
  const sessions = result.sessions.length === 1 ? '1 session' : `${result.sessions.length} sessions`;
  const lines = [
    `${result.file}: ${result.status}${result.sessions.length > 0 ? ` (${sessions}: ${tally})` : ''} in ${result.durationMs} ms`,
  ];
  for (const failure of failuresOf(result)) {
    lines.push(`  ${result.file}:${failure.line}: ${failure.message}`);
    if (failure.expected !== undefined)
      lines.push(...failure.expected.split('\n').map((l) => `    expected ${l}`));
    if (failure.actual !== undefined)
      lines.push(...failure.actual.split('\n').map((l) => `    got      ${l}`));
  }
  // Parse errors never reach the problems of a run; the log still names them.
  for (const parse of result.failures.filter((f) => f.kind === 'parse'))
    lines.push(`  ${result.file}:${parse.line}: ${parse.message}`);
  return lines;
}
