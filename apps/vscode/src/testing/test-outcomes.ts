/**
 * A run's result as the Test Explorer shows it: the file's status and each session's, with a
 * message at the place of every failure. The statuses are the runner's own (the ones `smtp run`
 * reports); this module only renames them for the Testing API.
 */
import type { FileResult, Range, SessionResult } from '@smtp/transcript';
import { sessionTestId } from './test-tree.js';

/** How a test ended, in the Testing API's words. */
export type OutcomeStatus = 'passed' | 'failed' | 'errored' | 'skipped';

/** One failure message, where it happened, and for a reply the expected and actual text. */
export interface OutcomeMessage {
  readonly text: string;
  readonly range: Range;
  readonly expected?: string;
  readonly actual?: string;
}

/** The outcome of one test item. */
export interface TestOutcome {
  readonly status: OutcomeStatus;
  readonly durationMs: number;
  readonly messages: readonly OutcomeMessage[];
}

/** The outcomes of a file and of its sessions, by child-test id. */
export interface FileOutcomes {
  readonly file: TestOutcome;
  readonly sessions: ReadonlyMap<string, TestOutcome>;
}

const STATUS: Readonly<Record<SessionResult['status'], OutcomeStatus>> = {
  passed: 'passed',
  failed: 'failed',
  error: 'errored',
  skipped: 'skipped',
};

/** The outcomes of a file's run. */
export function testOutcomes(result: FileResult): FileOutcomes {
  const sessions = new Map<string, TestOutcome>();
  for (const session of result.sessions) {
    sessions.set(sessionTestId(session.index), {
      status: STATUS[session.status],
      durationMs: session.durationMs,
      messages: session.failures.filter((f) => f.updated !== true).map(messageOf),
    });
  }
  const ran = result.sessions.filter((s) => s.status !== 'skipped');
  // A file whose every session was skipped (e.g. a run-to-line before its first step) did not run.
  const fileStatus: OutcomeStatus =
    result.sessions.length > 0 && ran.length === 0 && result.status === 'passed'
      ? 'skipped'
      : STATUS[result.status];
  return {
    file: {
      status: fileStatus,
      durationMs: result.durationMs,
      // Failures of a file that could not start belong to no session: the file item carries them.
      messages: result.failures.map(messageOf),
    },
    sessions,
  };
}

function messageOf(failure: FileResult['failures'][number]): OutcomeMessage {
  return {
    text: failure.message,
    range: failure.range,
    ...(failure.expected === undefined ? {} : { expected: failure.expected }),
    ...(failure.actual === undefined ? {} : { actual: failure.actual }),
  };
}
