/**
 * The transcript runner: plays `.smtp` files as the client against a real server (the
 * embedded one, `--server`, or `@connect host:port`) and reports per file, session and step.
 */
export {
  DiscoveryError,
  displayName,
  type FoundTranscript,
  findTranscripts,
  isRunnableTranscript,
} from './discover.js';
export { EMBEDDED_HOSTNAME } from './embedded-server.js';
export type { RunEvent, RunEventListener, StepRef } from './events.js';
export {
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  type RunFilesOptions,
  type RunOptions,
  type SessionSelector,
} from './options.js';
export {
  type AppliedUpdate,
  countTotals,
  exitCodeOf,
  type Failure,
  type FailureKind,
  type FailureSeverity,
  type FileResult,
  type FileStatus,
  type LogEntry,
  type LogKind,
  openFailures,
  type RunResult,
  type RunTotals,
  type RunWarning,
  type SessionResult,
  type SessionStatus,
  type StepResult,
  type StepStatus,
  severityOf,
  type TestCase,
  testCases,
} from './results.js';
export { type FileInput, runFiles } from './run-files.js';
export { runTranscript, type TranscriptSource } from './run-transcript.js';
export { parseShard, type Shard, shardItems } from './shard.js';
