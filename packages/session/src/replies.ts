/**
 * The replies the session gives on its own. Codes and enhanced codes are fixed by the project's
 * server-behaviour specification; the text is ours.
 */

/** A reply before it is written: code, RFC 3463 enhanced code (when it has one) and text. */
export interface ReplySpec {
  readonly code: number;
  readonly enhanced?: string | undefined;
  /** One line, or several for a multi-line reply. */
  readonly text: string | readonly string[];
}

function reply(code: number, enhanced: string | undefined, text: string): ReplySpec {
  return Object.freeze(enhanced === undefined ? { code, text } : { code, enhanced, text });
}

/** Every fixed reply, by name (the transition table refers to them by these names). */
export const REPLIES = Object.freeze({
  ok: reply(250, '2.0.0', 'Ok'),
  mailOk: reply(250, '2.1.0', 'Ok'),
  rcptOk: reply(250, '2.1.5', 'Ok'),
  startData: reply(354, undefined, 'End data with <CR><LF>.<CR><LF>'),
  bye: reply(221, '2.0.0', 'Bye'),
  readyForTls: reply(220, '2.0.0', 'Ready to start TLS'),
  authenticated: reply(235, '2.7.0', 'Authentication successful'),
  cannotVerify: reply(252, '2.5.0', 'Cannot VRFY user, but will accept message and attempt delivery'),

  sendHelloFirst: reply(503, '5.5.1', 'Send EHLO or HELO first'),
  sendEhloFirst: reply(503, '5.5.1', 'Send EHLO first: this is an ESMTP extension'),
  nestedMail: reply(503, '5.5.1', 'Sender already given; send RSET to start over'),
  needMail: reply(503, '5.5.1', 'Send MAIL first'),
  needRcpt: reply(503, '5.5.1', 'Send RCPT first'),
  noValidRecipients: reply(554, '5.5.1', 'No valid recipients'),
  dataAfterBdat: reply(503, '5.5.1', 'DATA cannot follow BDAT in one transaction'),
  binaryNeedsBdat: reply(503, '5.5.1', 'BODY=BINARYMIME requires BDAT, not DATA'),
  inTransaction: reply(503, '5.5.1', 'Not allowed during a mail transaction'),
  messageInProgress: reply(503, '5.5.1', 'Message in progress: send BDAT or RSET'),
  tlsAlreadyActive: reply(503, '5.5.1', 'TLS already active'),
  alreadyAuthenticated: reply(503, '5.5.1', 'Already authenticated'),

  notImplemented: reply(502, '5.5.1', 'Command not implemented'),
  tlsNotAvailable: reply(502, '5.5.1', 'STARTTLS not available'),
  authNotAvailable: reply(502, '5.5.1', 'Authentication not available'),
  chunkingNotAvailable: reply(502, '5.5.1', 'BDAT not available'),
  expnNotAvailable: reply(502, '5.5.1', 'EXPN not available'),
  unknownCommand: reply(500, '5.5.2', 'Command not recognized'),
  useLhlo: reply(500, '5.5.2', 'Command not recognized: LMTP sessions start with LHLO'),
  lineTooLong: reply(500, '5.5.6', 'Line too long'),
  textLineTooLong: reply(500, '5.5.6', 'Message has a text line too long; nothing stored'),
  nulInCommand: reply(501, '5.5.2', 'NUL byte in command line'),

  messageTooBig: reply(552, '5.3.4', 'Message size exceeds fixed maximum message size'),
  utf8NeedsSmtputf8: reply(553, '5.6.7', 'Non-ASCII address requires the SMTPUTF8 parameter'),
  tooManyRecipients: reply(452, '4.5.3', 'Too many recipients'),
  authRequired: reply(530, '5.7.0', 'Authentication required'),

  encryptionRequired: reply(538, '5.7.11', 'Encryption required for requested authentication mechanism'),
  unknownMechanism: reply(504, '5.5.4', 'Unrecognized authentication mechanism'),
  authCancelled: reply(501, '5.5.2', 'Authentication cancelled'),
  badSaslResponse: reply(501, '5.5.2', 'Malformed or non-base64 authentication response'),
  unexpectedInitialResponse: reply(501, '5.5.2', 'This mechanism takes no initial response'),

  bareLineEnding: reply(521, '5.5.2', 'Bare <LF> or <CR> received; closing connection'),
  tooManyErrors: reply(421, '4.7.0', 'Too many errors; closing connection'),
  tooManyAuthFailures: reply(421, '4.7.0', 'Too many failed authentication attempts; closing connection'),
  pipelineOverflow: reply(421, '4.7.0', 'Too much input while busy; closing connection'),
  idleTimeout: reply(421, '4.4.2', 'Idle timeout; closing connection'),
  shuttingDown: reply(421, '4.3.2', 'Service shutting down; closing connection'),
});

/** The name of a fixed reply in {@link REPLIES}. */
export type ReplyName = keyof typeof REPLIES;

/** `555 5.5.4` naming the parameter that is unknown or belongs to an extension not on offer. */
export function unsupportedParameter(keyword: string): ReplySpec {
  return reply(555, '5.5.4', `Unsupported parameter ${keyword}`);
}

/** A one-line reply with its code and optional enhanced code. */
export function replyOf(
  code: number,
  enhanced: string | undefined,
  text: string | readonly string[],
): ReplySpec {
  return enhanced === undefined ? { code, text } : { code, enhanced, text };
}

/** `code enhanced text` as one line of documentation, e.g. `503 5.5.1 Send MAIL first`. */
export function describeReply(spec: ReplySpec): string {
  const text = typeof spec.text === 'string' ? spec.text : spec.text.join(' / ');
  return [String(spec.code), spec.enhanced, text].filter((part) => part !== undefined).join(' ');
}
