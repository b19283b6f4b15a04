/**
 * Builders of runner results for the unit tests of the pure run modules: plain data shaped
 * like `runTranscript`'s, with only the fields a test cares about to fill in.
 */
import type { Failure, FileResult, Range, SessionResult } from '@smtp/transcript';

/** A range on one line. */
export function lineRange(line: number, start = 0, end = 8): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** A failure; `mismatch` by default, on the given line. */
export function failure(line: number, extra: Partial<Failure> = {}): Failure {
  return {
    kind: 'mismatch',
    severity: 'failed',
    range: lineRange(line),
    line: line + 1,
    session: 0,
    message: `the reply (line ${line + 1}): code 550 does not match 250`,
    ...extra,
  };
}

/** A session result; passed unless failures are given. */
export function session(index: number, extra: Partial<SessionResult> = {}): SessionResult {
  const failures = extra.failures ?? [];
  return {
    index,
    name: `session ${index + 1} (line 1)`,
    range: lineRange(0, 0, 8),
    line: 1,
    status: failures.length > 0 ? 'failed' : 'passed',
    durationMs: 12,
    failures,
    steps: [],
    ...extra,
  };
}

/** A file result holding the given sessions. */
export function fileResult(sessions: readonly SessionResult[], extra: Partial<FileResult> = {}): FileResult {
  return {
    file: 'delivery.smtp',
    path: '/work/delivery.smtp',
    status: sessions.some((s) => s.status === 'failed') ? 'failed' : 'passed',
    startedAt: Date.UTC(2026, 10, 23, 10, 0, 0),
    durationMs: 40,
    sessions,
    failures: [],
    diagnostics: [],
    warnings: [],
    log: [],
    updates: [],
    ...extra,
  };
}
