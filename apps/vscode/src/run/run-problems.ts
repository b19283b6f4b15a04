/**
 * What a run leaves in the editor as problems: each failing `S:` expectation at its range,
 * saying what was expected and what came back, and each other failure (server unreachable,
 * timeout, TLS, missing variable…) where it happened. Parse errors are not repeated: the
 * syntax diagnostics already show them as you type.
 */
import type { Failure, FileResult } from '@smtp/transcript';
import type { EditorProblem } from '../document/problems.js';

/** The problem code of a reply that did not match; the "Accept actual reply" quick fix looks for it. */
export const MISMATCH_CODE = 'mismatch';

/** Every failure of a file's run that still counts, in file order. */
export function failuresOf(result: FileResult): Failure[] {
  const all = [...result.failures, ...result.sessions.flatMap((session) => session.failures)];
  return all
    .filter((failure) => failure.updated !== true && failure.kind !== 'parse')
    .sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
}

/** The problems a run's result shows. */
export function runProblems(result: FileResult): EditorProblem[] {
  return failuresOf(result).map((failure) => ({
    range: failure.range,
    message: problemMessage(failure),
    // A cancelled run is not the file's fault: say where it stopped without a red squiggle.
    severity: failure.kind === 'cancelled' ? 'info' : 'error',
    code: failure.kind,
    source: 'smtp-transcript run',
  }));
}

/** The message of one failure: what happened, then the expected and the actual reply. */
export function problemMessage(failure: Failure): string {
  const parts = [failure.message];
  if (failure.expected !== undefined) parts.push(labelled('expected', failure.expected));
  if (failure.actual !== undefined) parts.push(labelled('got', failure.actual));
  return parts.join('\n');
}

/** `expected: S: 250 *` on one line, or the label above indented lines for a longer reply. */
function labelled(label: string, lines: string): string {
  const split = lines.split('\n');
  if (split.length === 1) return `${label}: ${lines}`;
  return [`${label}:`, ...split.map((line) => `  ${line}`)].join('\n');
}
