import type { ForwardPath, ReversePath } from './address.js';
import type { SmtpError } from './errors.js';
import type { MailParameters, RcptParameters } from './params.js';

/** `HELO domain` (RFC 5321 §4.1.1.1): the client names itself, no extensions. */
export interface HeloCommand {
  readonly verb: 'HELO';
  /** The argument as sent (trimmed): a domain, an address literal, or whatever the client wrote. */
  readonly domain: string;
}

/** `EHLO domain` (RFC 5321 §4.1.1.1): the client names itself and asks for the extensions. */
export interface EhloCommand {
  readonly verb: 'EHLO';
  /** The argument as sent (trimmed): a domain, an address literal, or whatever the client wrote. */
  readonly domain: string;
}

/** `MAIL FROM:<path> [parameters]`: starts a transaction. */
export interface MailCommand {
  readonly verb: 'MAIL';
  readonly from: ReversePath;
  readonly params: MailParameters;
}

/** `RCPT TO:<path> [parameters]`: adds a recipient. */
export interface RcptCommand {
  readonly verb: 'RCPT';
  readonly to: ForwardPath;
  readonly params: RcptParameters;
}

/** `DATA`: the message follows, dot-stuffed, up to `<CRLF>.<CRLF>`. */
export interface DataCommand {
  readonly verb: 'DATA';
}

/** `BDAT size [LAST]` (RFC 3030): exactly `size` octets of the message follow the line. */
export interface BdatCommand {
  readonly verb: 'BDAT';
  /** Octets in this chunk. */
  readonly size: number;
  /** True for the chunk that ends the message. */
  readonly last: boolean;
}

/** `RSET`: abandons the transaction. */
export interface RsetCommand {
  readonly verb: 'RSET';
}

/** `VRFY string`: asks whether an address or name is a mailbox here. */
export interface VrfyCommand {
  readonly verb: 'VRFY';
  /** The argument as sent (trimmed). */
  readonly argument: string;
}

/** `EXPN string`: asks for the members of a mailing list. */
export interface ExpnCommand {
  readonly verb: 'EXPN';
  /** The argument as sent (trimmed). */
  readonly argument: string;
}

/** `HELP [topic]`. */
export interface HelpCommand {
  readonly verb: 'HELP';
  readonly topic?: string;
}

/** `NOOP [string]`: does nothing; the argument is ignored. */
export interface NoopCommand {
  readonly verb: 'NOOP';
  readonly argument?: string;
}

/** `QUIT`: ends the session. */
export interface QuitCommand {
  readonly verb: 'QUIT';
}

/** `STARTTLS` (RFC 3207): TLS handshake next. */
export interface StarttlsCommand {
  readonly verb: 'STARTTLS';
}

/** `AUTH mechanism [initial-response]` (RFC 4954). */
export interface AuthCommand {
  readonly verb: 'AUTH';
  /** The SASL mechanism name, in upper case (mechanism names are case-insensitive). */
  readonly mechanism: string;
  /**
   * The base64 initial response as sent; `''` when the client sent `=` (an empty response).
   * Absent when the client sent none and waits for a challenge.
   */
  readonly initialResponse?: string;
}

/** `TURN` (RFC 821, obsolete): swap the client and server roles. */
export interface TurnCommand {
  readonly verb: 'TURN';
}

/** `ATRN [domain,...]` (RFC 2645, On-Demand Mail Relay): swap roles for these domains. */
export interface AtrnCommand {
  readonly verb: 'ATRN';
  readonly domains?: readonly string[];
}

/** `ETRN node` (RFC 1985): start a queue run for a node (`host`, `@domain` or `#queue`). */
export interface EtrnCommand {
  readonly verb: 'ETRN';
  readonly argument: string;
}

/** `SEND`, `SOML`, `SAML` `FROM:<path>` (RFC 821, obsolete): MAIL variants that deliver to terminals. */
export interface SendCommand {
  readonly verb: 'SEND' | 'SOML' | 'SAML';
  readonly from: ReversePath;
  readonly params: MailParameters;
}

/** Any other verb, private `X-...` verbs included, with its argument as sent. */
export interface OtherCommand {
  readonly verb: 'OTHER';
  /** The verb in upper case. */
  readonly name: string;
  /** Everything after the verb and its space, trimmed; `''` when there was nothing. */
  readonly argument: string;
}

/** One SMTP command, told apart by `verb`. */
export type Command =
  | HeloCommand
  | EhloCommand
  | MailCommand
  | RcptCommand
  | DataCommand
  | BdatCommand
  | RsetCommand
  | VrfyCommand
  | ExpnCommand
  | HelpCommand
  | NoopCommand
  | QuitCommand
  | StarttlsCommand
  | AuthCommand
  | TurnCommand
  | AtrnCommand
  | EtrnCommand
  | SendCommand
  | OtherCommand;

/** Every value of {@link Command}'s `verb`. */
export type Verb = Command['verb'];

/** The verbs this package parses into their own shapes (every {@link Verb} but `OTHER`). */
export const KNOWN_VERBS: readonly Exclude<Verb, 'OTHER'>[] = [
  'HELO',
  'EHLO',
  'MAIL',
  'RCPT',
  'DATA',
  'BDAT',
  'RSET',
  'VRFY',
  'EXPN',
  'HELP',
  'NOOP',
  'QUIT',
  'STARTTLS',
  'AUTH',
  'TURN',
  'ATRN',
  'ETRN',
  'SEND',
  'SOML',
  'SAML',
];

/** The outcome of parsing: the value, or the error whose reply the server should send. */
export type ParseResult<T> =
  | { readonly ok: true; readonly command: T }
  | { readonly ok: false; readonly error: SmtpError };

/** A command value that cannot be written as a command line (thrown by `formatCommand`). */
export class CommandFormatError extends TypeError {
  override readonly name: string = 'CommandFormatError';
}

/**
 * A value holding CR, LF or NUL, which would end the command line early and let the rest be
 * read as another command (command injection). Thrown by `formatCommand`.
 */
export class CommandInjectionError extends CommandFormatError {
  override readonly name: string = 'CommandInjectionError';
}

const BREAKS = /[\r\n\0]/;

/**
 * Throws {@link CommandInjectionError} when a value holds CR, LF or NUL.
 *
 * @param what names the value in the message, e.g. `'VRFY argument'`.
 */
export function assertNoLineBreak(value: string, what: string): void {
  if (BREAKS.test(value)) throw new CommandInjectionError(`${what} must not contain CR, LF or NUL`);
}
