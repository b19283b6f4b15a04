/**
 * Reporters: a run's result as text for people (pretty), CI servers (JUnit XML, TAP 13) and
 * programs (JSON).
 */
import type { RunResult } from '../runner/results.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPretty } from './pretty.js';
import { formatTap } from './tap.js';

export { formatJson, JSON_REPORT_FORMAT } from './json.js';
export { formatJunit } from './junit.js';
export { formatFile, formatPretty, formatSummary, type PrettyOptions, prettyProgress } from './pretty.js';
export { formatTap } from './tap.js';

/** The name of a reporter, as `smtp run --reporter` takes it. */
export type ReporterName = 'pretty' | 'junit' | 'tap' | 'json';

/** Every reporter by name: the whole report of a run as text. */
export const REPORTERS: ReadonlyMap<
  ReporterName,
  (result: RunResult, options: { color?: boolean }) => string
> = new Map<ReporterName, (result: RunResult, options: { color?: boolean }) => string>([
  ['pretty', (result, options) => formatPretty(result, options)],
  ['junit', (result) => formatJunit(result)],
  ['tap', (result) => formatTap(result)],
  ['json', (result) => formatJson(result)],
]);

/** Whether `name` is a reporter's name. */
export function isReporterName(name: string): name is ReporterName {
  return REPORTERS.has(name as ReporterName);
}
