/**
 * @smtp/transcript: `.smtp` transcripts, SMTP conversations written as `C:`/`S:` lines, made
 * runnable. This entry point holds the pure parts: the parser (an AST with source ranges and
 * recoverable diagnostics), the reply matcher, the client-stream pairing machine, variables,
 * `--update` rewriting and the served-in-reverse checks.
 *
 * @packageDocumentation
 */

export { formatDuration, MAX_DURATION_MS, parseDuration, parseHostPort } from './arguments.js';
export type * from './ast.js';
export {
  ClientStream,
  type ClientStreamMode,
  type CommandCause,
  type MessageCause,
  type ReplyCause,
} from './client-stream.js';
export { describeCause, describeReplySource } from './describe.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './diagnostic-codes.js';
export { hasErrors } from './diagnostics.js';
export { DIRECTIVE_NAMES, SERVER_OPTION_KEYS } from './directives.js';
export { type DotEnv, parseDotEnv } from './dotenv.js';
export { codeMatches, type Expectation, type MatchResult, matchReply, patternSource } from './matcher.js';
export { type ParseOptions, parseTranscript } from './parser.js';
export { plainRange } from './ranges.js';
export {
  createRecorder,
  formatRecording,
  type RecordedEnding,
  type RecordedSession,
  type RecorderEvents,
  type RecorderOptions,
  type Recording,
  RecordingProxy,
  SecretNames,
  type SecretNote,
  SessionRecorder,
  type Upstream,
} from './recorder/index.js';
export { escapeGlobText, formatReplyLines } from './reply-lines.js';
export * from './reporters/index.js';
export * from './runner/index.js';
export { sendGroupBytes, sendLineBytes } from './send-bytes.js';
export { type ClientLineMatch, checkServable, matchClientLine } from './serve-check.js';
export {
  createScriptServer,
  ScriptError,
  type ScriptFailure,
  type ScriptResult,
  ScriptServer,
  type ScriptServerEvents,
  type ScriptServerOptions,
  type ScriptSessionResult,
  type ScriptSessionStatus,
} from './server/index.js';
export { applyReplyUpdates, type ReplyUpdate } from './update.js';
export {
  checkVariables,
  createScope,
  defineVariable,
  encodeBase64,
  type ResolveError,
  type ResolveResult,
  resolveBytes,
  resolveText,
  type Scope,
  variableRefs,
} from './variables.js';
