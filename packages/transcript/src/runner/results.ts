/**
 * The result model of a run: per file, per session, per step, with every failure located in
 * the source and the session log. Plain data (ranges are plain objects), so it serialises to
 * JSON as it is and crosses process boundaries (the CLI's JSON report, the editor).
 */
import type { Reply } from '@smtp/codec';
import type { Diagnostic, Range } from '../ast.js';

/**
 * What went wrong. The first group are expectations the server did not meet (status `failed`,
 * exit status 1); the second mean the file could not run as written (status `error`, exit 2).
 */
export type FailureKind =
  /** A reply did not match its `S:` lines (or the greeting was not `220`). */
  | 'mismatch'
  /** The server closed the connection while a step waited. */
  | 'closed'
  /** `@closed`: the server replied, or kept the connection open, instead of closing it. */
  | 'not-closed'
  /** The server sent something that is not an SMTP reply. */
  | 'bad-reply'
  /** The server sent bytes after its `220` to STARTTLS, before the TLS handshake. */
  | 'plaintext-after-starttls'
  /** The file has errors (see its diagnostics). */
  | 'parse'
  /** `{{env:NAME}}` is not set, or the `.env` file beside the transcript cannot be read. */
  | 'env'
  /** The transcript file cannot be read. */
  | 'read'
  /** The server cannot be reached (refused, unknown host, no answer). */
  | 'unreachable'
  /** The TLS handshake failed (certificate, protocol). */
  | 'tls'
  /** No reply (or no close) came within the per-reply timeout. */
  | 'timeout'
  /** The connection failed in a way that is not the server closing it. */
  | 'network'
  /** The embedded server (or the server script) could not start. */
  | 'server'
  /** The run was cancelled. */
  | 'cancelled'
  /** The options asked for something the file does not have (no session at that line…). */
  | 'usage';

/** Whether a failure is an unmet expectation (`failed`) or a file that could not run (`error`). */
export type FailureSeverity = 'failed' | 'error';

const EXPECTATION_KINDS: ReadonlySet<FailureKind> = new Set<FailureKind>([
  'mismatch',
  'closed',
  'not-closed',
  'bad-reply',
  'plaintext-after-starttls',
]);

/** The severity of a failure kind. */
export function severityOf(kind: FailureKind): FailureSeverity {
  return EXPECTATION_KINDS.has(kind) ? 'failed' : 'error';
}

/** One thing that went wrong, where, and (for a reply) what was expected and what came. */
export interface Failure {
  readonly kind: FailureKind;
  readonly severity: FailureSeverity;
  /** Where in the transcript: the step (for a mismatch, the whole expectation), 0-based. */
  readonly range: Range;
  /** `range.start.line + 1`, for people. */
  readonly line: number;
  /** 0-based index of the session, when the failure belongs to one. */
  readonly session?: number;
  /** One line that says what happened, e.g. `code 550 does not match 250`. */
  readonly message: string;
  /** What the reply answers, e.g. "the reply to `RCPT TO:<bob@example.test>` (line 6)". */
  readonly answers?: string;
  /** The `S:` lines as written (newline-separated). */
  readonly expected?: string;
  /** The reply that came, as `S:` lines (newline-separated). */
  readonly actual?: string;
  /** The first difference between them, in plain words. */
  readonly explanation?: string;
  /** The reply that came, for `--update` and the editor's "Accept actual reply". */
  readonly reply?: Reply;
  /** Set by `--update` once the `S:` lines were rewritten to the reply. */
  readonly updated?: boolean;
}

/** How a step ended. */
export type StepStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** One step of a session and how it ended. */
export interface StepResult {
  readonly kind: 'send' | 'expect' | 'directive';
  readonly range: Range;
  /** 1-based first line. */
  readonly line: number;
  readonly status: StepStatus;
}

/** How a session (one connection) ended; `skipped`: not run (not selected, or stopped before). */
export type SessionStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** One session (connection) of a file. */
export interface SessionResult {
  /** 0-based position in the file. */
  readonly index: number;
  /** `session 1 (line 3)`. */
  readonly name: string;
  readonly range: Range;
  /** 1-based first line. */
  readonly line: number;
  readonly status: SessionStatus;
  /** The server it talked to, e.g. `127.0.0.1:2525` or `embedded server 127.0.0.1:40123`. */
  readonly target?: string;
  readonly durationMs: number;
  readonly failures: readonly Failure[];
  readonly steps: readonly StepResult[];
  /** Why the session was not run, when its status is `skipped`. */
  readonly skipReason?: string;
}

/** How a file ended: `error` when it could not run as written (see {@link FailureKind}). */
export type FileStatus = 'passed' | 'failed' | 'error';

/** Something worth knowing that does not fail the run. */
export interface RunWarning {
  readonly message: string;
  /** 1-based line, when the warning points at one. */
  readonly line?: number;
}

/** What one entry of the session log records. */
export type LogKind = 'connect' | 'sent' | 'received' | 'tls' | 'close' | 'closed-by-server' | 'sleep';

/** One entry of a file's session log. */
export interface LogEntry {
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** 0-based session index. */
  readonly session: number;
  readonly kind: LogKind;
  /**
   * What happened, as transcript lines: `C: …` / `C! …` for bytes sent (AUTH secrets hidden),
   * `S: …` for a reply, free text for the rest.
   */
  readonly lines: readonly string[];
  /** The step that caused it, when there is one. */
  readonly range?: Range;
  /** For `received`: the reply. */
  readonly reply?: Reply;
}

/** An `S:` expectation that `--update` rewrote. */
export interface AppliedUpdate {
  /** 1-based first line of the expectation (before the rewrite). */
  readonly line: number;
  /** The `S:` lines before (newline-separated). */
  readonly before: string;
  /** The `S:` lines written (newline-separated). */
  readonly after: string;
}

/** Everything about one file's run. */
export interface FileResult {
  /** The file as shown in reports (relative to the working directory when under it). */
  readonly file: string;
  /** Absolute path, when the transcript came from a file. */
  readonly path?: string;
  readonly status: FileStatus;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The sessions that were run or skipped, in file order (none when the file could not start). */
  readonly sessions: readonly SessionResult[];
  /**
   * Failures of a file that could not start (parse errors, a missing variable, a server that did
   * not start); then `sessions` is empty. Once sessions run, every failure belongs to one.
   */
  readonly failures: readonly Failure[];
  /** The parser's errors and warnings (infos left out). */
  readonly diagnostics: readonly Diagnostic[];
  readonly warnings: readonly RunWarning[];
  readonly log: readonly LogEntry[];
  /** What `--update` rewrote in this file. */
  readonly updates: readonly AppliedUpdate[];
}

/** The totals of a run, counted over test cases (see {@link testCases}). */
export interface RunTotals {
  readonly files: { readonly passed: number; readonly failed: number; readonly error: number };
  /** Sessions, plus one case per file that could not start at all. */
  readonly cases: {
    readonly passed: number;
    readonly failed: number;
    readonly error: number;
    readonly skipped: number;
  };
  /** Expectations rewritten by `--update`. */
  readonly updated: number;
}

/** A run over many files. */
export interface RunResult {
  readonly status: FileStatus;
  /** 0 all passed, 1 an expectation failed, 2 a file could not run. */
  readonly exitCode: 0 | 1 | 2;
  readonly startedAt: number;
  readonly durationMs: number;
  /** In the order the files were given. */
  readonly files: readonly FileResult[];
  /** Files not run because `bail` stopped the run, or the run was cancelled. */
  readonly notRun: readonly string[];
  readonly totals: RunTotals;
}

/** One test as reporters count it: a session, or a whole file that could not start. */
export interface TestCase {
  readonly file: string;
  readonly name: string;
  /** 1-based line. */
  readonly line: number;
  readonly status: SessionStatus;
  readonly durationMs: number;
  readonly failures: readonly Failure[];
  /** Why it was skipped, when it was. */
  readonly skipReason?: string;
}

/** Failures that still count (those `--update` rewrote do not). */
export function openFailures(failures: readonly Failure[]): Failure[] {
  return failures.filter((f) => f.updated !== true);
}

/** The status that a list of failures gives. */
export function statusOfFailures(failures: readonly Failure[]): FileStatus {
  const open = openFailures(failures);
  if (open.some((f) => f.severity === 'error')) return 'error';
  return open.length > 0 ? 'failed' : 'passed';
}

/** The worst of some statuses (`error` over `failed` over `passed`); skipped ones do not count. */
export function worstStatus(statuses: Iterable<SessionStatus | FileStatus>): FileStatus {
  let worst: FileStatus = 'passed';
  for (const status of statuses) {
    if (status === 'error') return 'error';
    if (status === 'failed') worst = 'failed';
  }
  return worst;
}

/** The exit status of the CLI contract for a status. */
export function exitCodeOf(status: FileStatus): 0 | 1 | 2 {
  return status === 'error' ? 2 : status === 'failed' ? 1 : 0;
}

/**
 * The test cases of a file: its sessions, or, when it could not start (parse error, missing
 * variable, server that did not start), one case for the whole file.
 */
export function testCases(file: FileResult): TestCase[] {
  if (file.sessions.length === 0 && (file.failures.length > 0 || file.status !== 'passed')) {
    const first = file.failures[0];
    return [
      {
        file: file.file,
        name: 'the file (it could not run)',
        line: first?.line ?? 1,
        status: file.status,
        durationMs: file.durationMs,
        failures: file.failures,
      },
    ];
  }
  return file.sessions.map((session) => ({
    file: file.file,
    name: session.name,
    line: session.line,
    status: session.status,
    durationMs: session.durationMs,
    failures: session.failures,
    ...(session.skipReason === undefined ? {} : { skipReason: session.skipReason }),
  }));
}

/** Counts files and test cases. */
export function countTotals(files: readonly FileResult[]): RunTotals {
  const fileCounts = { passed: 0, failed: 0, error: 0 };
  const cases = { passed: 0, failed: 0, error: 0, skipped: 0 };
  let updated = 0;
  for (const file of files) {
    fileCounts[file.status === 'error' ? 'error' : file.status]++;
    updated += file.updates.length;
    for (const test of testCases(file)) {
      if (test.status === 'error') cases.error++;
      else cases[test.status]++;
    }
  }
  return { files: fileCounts, cases, updated };
}
