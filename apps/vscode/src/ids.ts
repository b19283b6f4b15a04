/**
 * Identifiers shared by the manifest (`package.json`) and the code. A unit test checks that the
 * two agree, so renaming one without the other fails before anything ships.
 */

/** The language id of `.smtp` files. (The shorter `smtp` is taken on the Marketplace.) */
export const LANGUAGE_ID = 'smtp-transcript';

/** The TextMate scope name of the grammar. */
export const GRAMMAR_SCOPE = 'source.smtp-transcript';

/** The prefix of every setting, e.g. `smtpTranscript.timeout`. */
export const CONFIGURATION_SECTION = 'smtpTranscript';

/** Every command the extension contributes, by what it does. */
export const COMMAND_IDS = {
  showOutput: 'smtpTranscript.showOutput',
  runFile: 'smtpTranscript.runFile',
  runSession: 'smtpTranscript.runSession',
  runToLine: 'smtpTranscript.runToLine',
  runAll: 'smtpTranscript.runAll',
  runAgainstServer: 'smtpTranscript.runAgainstServer',
  startServer: 'smtpTranscript.startServer',
  stopServer: 'smtpTranscript.stopServer',
  recordSession: 'smtpTranscript.recordSession',
  stopRecording: 'smtpTranscript.stopRecording',
} as const;

/** The name of the output channel the extension logs to. */
export const OUTPUT_CHANNEL_NAME = 'SMTP Transcript';

/** The name of the output channel that shows each run's conversation, with times. */
export const SESSIONS_CHANNEL_NAME = 'SMTP Transcript Sessions';

/** The id of the Test Explorer controller. */
export const TEST_CONTROLLER_ID = 'smtpTranscript';

/** Glob of the transcripts the workspace holds (`*.serve.smtp` server scripts are left out after). */
export const TRANSCRIPT_GLOB = '**/*.smtp';

/** Folders never searched for transcripts. */
export const EXCLUDED_GLOB = '**/{node_modules,.git}/**';
