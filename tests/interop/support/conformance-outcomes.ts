/**
 * Turns `smtp run --reporter json` reports into one outcome per pack case and server: followed,
 * the same reply code with another enhanced code or text, a real difference (with the reply or
 * event observed, quoted), or not reached.
 */
import type { Failure, FailureKind, FileResult, RunResult, SessionResult } from '@smtp/transcript';
import { caseAt, type PackCase, type PackFile } from './conformance-pack.js';

/** How a server did on a case. */
export type CaseState = 'follows' | 'same-code' | 'differs' | 'not-reached';

/** One thing a server did where the pack expected something else. */
export interface Observation {
  /** `reply`: the reply as received (its lines joined by ` / `); `event`: what happened, in words. */
  readonly kind: 'reply' | 'event';
  /** The runner's failure kind (`mismatch`, `not-closed`, `closed`, `timeout`…). */
  readonly failure: FailureKind;
  readonly text: string;
  /** For a reply: what it answered, as the runner names it (e.g. `` `STARTTLS` ``, `the greeting`). */
  readonly answers?: string;
  /** For a mismatch: the `S:` lines the pack expected, without `S: `. */
  readonly expected?: string;
}

/** A server's outcome on one case, with what it did when that differs. */
export interface CaseOutcome {
  readonly state: CaseState;
  /** What was observed, one item per failure. */
  readonly observed: readonly Observation[];
  /** A check before this case in the same session already failed, so this one may follow from it. */
  readonly afterEarlierDifference: boolean;
}

/** What a server did on one file: the outcome of each case (by line), and failures outside any case. */
export interface FileOutcome {
  readonly cases: ReadonlyMap<number, CaseOutcome>;
  /** Failures on lines before the first case (the greeting, the opening EHLO). */
  readonly preamble: readonly Observation[];
  /** False when the run has no result for the file. */
  readonly ran: boolean;
}

/** The JSON report of `smtp run --reporter json`. */
export type RunReport = RunResult & { readonly format: 'smtp-run-report'; readonly version: number };

/**
 * Failure kinds that mean the run itself broke (the file, the environment, the tool), as opposed
 * to something the server did.
 */
export const BROKEN_RUN_KINDS: ReadonlySet<FailureKind> = new Set<FailureKind>([
  'parse',
  'env',
  'read',
  'unreachable',
  'server',
  'cancelled',
  'usage',
]);

/** Whether `pattern` (e.g. `250`, `25x`) matches `code`. */
function codeMatches(pattern: string, code: number): boolean {
  const text = String(code);
  return pattern.length === 3 && [...pattern].every((c, i) => c.toLowerCase() === 'x' || c === text[i]);
}

/**
 * A failure whose one-line reply has the expected code: only the enhanced code or the text differ.
 * A multi-line reply (EHLO) that does not match differs in what it lists, whatever its code.
 */
function sameCode(failure: Failure): boolean {
  if (failure.kind !== 'mismatch' || failure.reply === undefined || failure.expected === undefined)
    return false;
  if (failure.expected.includes('\n') || failure.reply.lines.length > 1) return false;
  const expected = /^S: (\S{3})/.exec(failure.expected)?.[1];
  return expected !== undefined && codeMatches(expected, failure.reply.code);
}

/** What a failure observed: the reply as received, or what happened. */
export function observed(failure: Failure): Observation {
  if (failure.actual !== undefined) {
    const text = failure.actual
      .split('\n')
      .map((line) => line.replace(/^S: /, ''))
      .join(' / ');
    // `@closed` met a reply: it answers whatever the server read last, where a close was expected.
    const answers =
      failure.kind === 'not-closed'
        ? 'instead of closing'
        : failure.answers?.replace(/^the reply to /, '').replace(/ \(line \d+\)$/, '');
    const expected = failure.expected?.replace(/^S: /gm, '');
    return {
      kind: 'reply',
      failure: failure.kind,
      text,
      ...(answers === undefined ? {} : { answers }),
      ...(expected === undefined ? {} : { expected }),
    };
  }
  return { kind: 'event', failure: failure.kind, text: failure.message };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The case lines a session reached, and for each whether a check before it in the session really
 * differed (a reply with the right code and another text changes nothing that follows).
 */
function sessionCases(pack: PackFile, session: SessionResult): Map<number, boolean> {
  const failedLines = session.failures.filter((failure) => !sameCode(failure)).map((failure) => failure.line);
  const cases = new Map<number, boolean>();
  const lines = [
    ...session.steps.map((step) => step.line),
    ...session.failures.map((failure) => failure.line),
  ];
  for (const line of lines) {
    const entry = caseAt(pack, line);
    if (entry === undefined || cases.has(entry.line)) continue;
    cases.set(
      entry.line,
      failedLines.some((failed) => failed < entry.line),
    );
  }
  return cases;
}

function outcome(
  steps: readonly string[],
  failures: readonly Failure[],
  afterEarlierDifference: boolean,
): CaseOutcome {
  if (failures.length > 0) {
    const state = failures.every(sameCode) ? 'same-code' : 'differs';
    // The real differences first, then the replies whose code was right.
    const ordered = [...failures.filter((f) => !sameCode(f)), ...failures.filter(sameCode)];
    return { state, observed: ordered.map(observed), afterEarlierDifference };
  }
  if (steps.length > 0 && steps.every((status) => status === 'passed')) {
    return { state: 'follows', observed: [], afterEarlierDifference };
  }
  return { state: 'not-reached', observed: [], afterEarlierDifference };
}

/** Outcomes of one file's cases from that file's result. */
export function fileOutcomes(pack: PackFile, result: FileResult | undefined): FileOutcome {
  const cases = new Map<number, CaseOutcome>();
  if (result === undefined) return { cases, preamble: [], ran: false };
  const steps = new Map<number, string[]>();
  const failures = new Map<number, Failure[]>();
  const after = new Map<number, boolean>();
  const preamble: Observation[] = [];
  for (const session of result.sessions) {
    for (const [line, earlier] of sessionCases(pack, session))
      after.set(line, (after.get(line) ?? false) || earlier);
    for (const step of session.steps) {
      const entry: PackCase | undefined = caseAt(pack, step.line);
      if (entry) push(steps, entry.line, step.status);
    }
    for (const failure of session.failures) {
      const entry = caseAt(pack, failure.line);
      if (entry) push(failures, entry.line, failure);
      else preamble.push(observed(failure));
    }
  }
  for (const failure of result.failures) preamble.push(observed(failure));
  for (const entry of pack.cases) {
    cases.set(
      entry.line,
      outcome(steps.get(entry.line) ?? [], failures.get(entry.line) ?? [], after.get(entry.line) ?? false),
    );
  }
  return { cases, preamble, ran: true };
}

/** Outcomes of every file of the pack, by file name, from one or more reports. */
export function packOutcomes(
  pack: readonly PackFile[],
  reports: readonly RunReport[],
): Map<string, FileOutcome> {
  const byPath = new Map<string, FileResult>();
  for (const report of reports) {
    for (const file of report.files) if (file.path !== undefined) byPath.set(file.path, file);
  }
  return new Map(pack.map((file) => [file.name, fileOutcomes(file, byPath.get(file.path))]));
}

/** Why a report is not a usable run (a file missing, a parse error, the server unreachable…), if it is not. */
export function brokenRun(report: RunReport, expectedFiles: readonly string[]): string | undefined {
  if (report.format !== 'smtp-run-report') return `not an smtp run report: format ${String(report.format)}`;
  const ran = new Set(report.files.map((file) => file.path));
  const missing = expectedFiles.filter((file) => !ran.has(file));
  if (missing.length > 0) return `no result for ${missing.join(', ')}`;
  for (const file of report.files) {
    const errors = file.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0) return `${file.file}: ${errors[0]?.message}`;
    const all = [...file.failures, ...file.sessions.flatMap((session) => session.failures)];
    const broken = all.find((failure) => BROKEN_RUN_KINDS.has(failure.kind));
    if (broken) return `${file.file}:${broken.line}: ${broken.kind}: ${broken.message}`;
  }
  return undefined;
}
