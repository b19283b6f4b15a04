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
} as const;

/** The name of the output channel the extension logs to. */
export const OUTPUT_CHANNEL_NAME = 'SMTP Transcript';
