/**
 * The JSON reporter: the run's result as one JSON document with a stable, documented shape
 * (see the package README), for the interop and conformance suites and the editor.
 */
import type { RunResult } from '../runner/results.js';

/** Identifies the document and its shape; the version changes only when a field changes meaning. */
export const JSON_REPORT_FORMAT = { format: 'smtp-run-report', version: 1 } as const;

/** The run as a JSON document (pretty-printed, with a final newline). */
export function formatJson(result: RunResult): string {
  return `${JSON.stringify({ ...JSON_REPORT_FORMAT, ...result }, null, 2)}\n`;
}
