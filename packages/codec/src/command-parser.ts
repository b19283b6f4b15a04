import { type PathOptions, type PathProblem, readPath } from './address.js';
import { base64Decode } from './base64.js';
import type { Command, ParseResult } from './command.js';
import { SmtpError } from './errors.js';
import { parseMailParameters, parseRcptParameters } from './params.js';

/** Options of {@link parseCommand}. */
export interface ParseCommandOptions {
  /**
   * Whether the server offers SMTPUTF8. Default true: non-ASCII addresses parse and are marked
   * `utf8: true`, and the server decides (RFC 6531 asks for 553 5.6.7 when MAIL lacks the
   * SMTPUTF8 parameter). With false, a non-ASCII address fails right here with 553 5.6.7.
   */
  readonly smtputf8?: boolean;
}

type Handler = (argument: string, options: PathOptions) => ParseResult<Command>;

const NUL = 0;
const CR = 0x0d;
const LF = 0x0a;
const VERB = /^[A-Za-z][A-Za-z0-9-]*$/;
const MECHANISM = /^[A-Za-z0-9_-]{1,20}$/;
// ignoreBOM: a byte-order mark is not a valid start of a command, so it must stay visible.
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuse(code: number, enhanced: string, message: string): ParseResult<Command> {
  return { ok: false, error: new SmtpError(code, message, { enhanced }) };
}

function ok(command: Command): ParseResult<Command> {
  return { ok: true, command };
}

function noArgument(verb: 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS' | 'TURN'): Handler {
  const command: Command = { verb };
  return (argument) =>
    argument === '' ? ok(command) : refuse(501, '5.5.4', `Syntax: ${verb} (no argument)`);
}

function required(verb: 'VRFY' | 'EXPN' | 'ETRN', usage: string): Handler {
  return (argument) =>
    argument === '' ? refuse(501, '5.5.4', `Syntax: ${verb} ${usage}`) : ok({ verb, argument });
}

function greeting(verb: 'HELO' | 'EHLO'): Handler {
  return (argument) =>
    argument === '' ? refuse(501, '5.5.4', `Syntax: ${verb} hostname`) : ok({ verb, domain: argument });
}

/** Where the path starts after `FROM:`/`TO:` (any case, spaces allowed after the colon), or -1. */
function pathStart(argument: string, keyword: string): number {
  if (argument.length < keyword.length || argument.slice(0, keyword.length).toUpperCase() !== keyword)
    return -1;
  let at = keyword.length;
  while (argument.charCodeAt(at) === 0x20) at++;
  return at;
}

function addressRefusal(
  problem: PathProblem,
  reason: string,
  who: 'sender' | 'recipient',
): ParseResult<Command> {
  if (problem === 'non-ascii')
    return refuse(553, '5.6.7', `Non-ASCII ${who} address needs SMTPUTF8: ${reason}`);
  return refuse(501, who === 'sender' ? '5.1.7' : '5.1.3', `Bad ${who} address syntax: ${reason}`);
}

/** The text after the path: empty, or parameters after at least one space. */
function parametersAfter(argument: string, end: number): string | undefined {
  if (end === argument.length) return '';
  return argument.charCodeAt(end) === 0x20 ? argument.slice(end + 1) : undefined;
}

function mailLike(verb: 'MAIL' | 'SEND' | 'SOML' | 'SAML'): Handler {
  return (argument, options) => {
    const start = pathStart(argument, 'FROM:');
    if (start < 0) return refuse(501, '5.5.4', `Syntax: ${verb} FROM:<address> [parameters]`);
    const path = readPath(argument, start, 'reverse', options);
    if (!path.ok) return addressRefusal(path.problem, path.reason, 'sender');
    const rest = parametersAfter(argument, path.end);
    if (rest === undefined)
      return refuse(501, '5.5.4', 'A space must separate the address from the parameters');
    const params = parseMailParameters(rest);
    if (!params.ok) return refuse(501, '5.5.4', `Bad parameter: ${params.reason}`);
    return ok({ verb, from: path.path, params: params.params });
  };
}

const rcpt: Handler = (argument, options) => {
  const start = pathStart(argument, 'TO:');
  if (start < 0) return refuse(501, '5.5.4', 'Syntax: RCPT TO:<address> [parameters]');
  const path = readPath(argument, start, 'forward', options);
  if (!path.ok) return addressRefusal(path.problem, path.reason, 'recipient');
  const rest = parametersAfter(argument, path.end);
  if (rest === undefined)
    return refuse(501, '5.5.4', 'A space must separate the address from the parameters');
  const params = parseRcptParameters(rest);
  if (!params.ok) return refuse(501, '5.5.4', `Bad parameter: ${params.reason}`);
  return ok({ verb: 'RCPT', to: path.path, params: params.params });
};

function words(argument: string): string[] {
  return argument === '' ? [] : argument.split(/ +/);
}

const bdat: Handler = (argument) => {
  const [size, last, ...extra] = words(argument);
  // Beyond 2^53 the size would not be exact; no real chunk comes near it.
  if (size === undefined || !/^\d{1,16}$/.test(size) || Number(size) > Number.MAX_SAFE_INTEGER) {
    return refuse(501, '5.5.4', 'Syntax: BDAT size [LAST]');
  }
  if (extra.length > 0 || (last !== undefined && last.toUpperCase() !== 'LAST')) {
    return refuse(501, '5.5.4', 'Syntax: BDAT size [LAST]');
  }
  return ok({ verb: 'BDAT', size: Number(size), last: last !== undefined });
};

const auth: Handler = (argument) => {
  const [mechanism, response, ...extra] = words(argument);
  if (mechanism === undefined || !MECHANISM.test(mechanism) || extra.length > 0) {
    return refuse(501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]');
  }
  const name = mechanism.toUpperCase();
  if (response === undefined) return ok({ verb: 'AUTH', mechanism: name });
  if (base64Decode(response) === undefined)
    return refuse(501, '5.5.2', 'Initial response is not valid base64');
  return ok({ verb: 'AUTH', mechanism: name, initialResponse: response === '=' ? '' : response });
};

const atrn: Handler = (argument) => {
  if (argument === '') return ok({ verb: 'ATRN' });
  const domains = argument.split(',');
  if (domains.some((domain) => !/^[^\s,]+$/.test(domain)))
    return refuse(501, '5.5.4', 'Syntax: ATRN [domain[,domain]...]');
  return ok({ verb: 'ATRN', domains });
};

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['HELO', greeting('HELO')],
  ['EHLO', greeting('EHLO')],
  ['MAIL', mailLike('MAIL')],
  ['RCPT', rcpt],
  ['DATA', noArgument('DATA')],
  ['BDAT', bdat],
  ['RSET', noArgument('RSET')],
  ['VRFY', required('VRFY', 'address')],
  ['EXPN', required('EXPN', 'list')],
  ['HELP', (argument) => ok(argument === '' ? { verb: 'HELP' } : { verb: 'HELP', topic: argument })],
  ['NOOP', (argument) => ok(argument === '' ? { verb: 'NOOP' } : { verb: 'NOOP', argument })],
  ['QUIT', noArgument('QUIT')],
  ['STARTTLS', noArgument('STARTTLS')],
  ['AUTH', auth],
  ['TURN', noArgument('TURN')],
  ['ATRN', atrn],
  ['ETRN', required('ETRN', 'node')],
  ['SEND', mailLike('SEND')],
  ['SOML', mailLike('SOML')],
  ['SAML', mailLike('SAML')],
]);

/** Decodes a command line's octets, or says why it cannot be a command line. */
function decodeLine(bytes: Uint8Array): string | ParseResult<Command> {
  if (bytes.indexOf(NUL) !== -1) return refuse(501, '5.5.2', 'NUL character in command line');
  const text = lenientDecoder.decode(bytes);
  // A replacement character means invalid UTF-8, unless the client really sent U+FFFD.
  if (text.indexOf('\uFFFD') === -1) return text;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return refuse(501, '5.5.2', 'Command line is not valid UTF-8');
  }
}

/**
 * Parses one command line (RFC 5321 §4.1, with ESMTP parameters) into a {@link Command}. Never
 * throws: a line the server must refuse gives `{ ok: false, error }`, where `error` is an
 * {@link SmtpError} holding the reply to send (code, enhanced code, one-line text).
 *
 * The line comes without its CRLF (a trailing CRLF or LF is tolerated). Verbs and the
 * `FROM:`/`TO:` keywords are case-insensitive; spaces after `FROM:`/`TO:` are tolerated, as
 * real clients send `MAIL FROM: <a@example.test>`; trailing spaces are ignored. Unknown verbs,
 * private `X-` verbs included, give `{ verb: 'OTHER' }` (the server answers 500 5.5.2), and
 * unknown MAIL/RCPT parameters land in `params.other` (the server answers 555 5.5.4). The
 * 512-octet line limit belongs to the line framer, which sees the line first.
 *
 * Refusals: NUL anywhere 501 5.5.2 (checked first); CR or LF inside the line or invalid UTF-8
 * 501 5.5.2; an empty line or a malformed verb 500 5.5.2; a missing argument (EHLO, HELO, VRFY,
 * EXPN, ETRN, AUTH) or one where none is allowed (DATA, RSET, QUIT, STARTTLS, TURN) 501 5.5.4;
 * MAIL/RCPT without `FROM:`/`TO:` 501 5.5.4; a bad sender 501 5.1.7; a bad recipient 501 5.1.3;
 * a non-ASCII address with `smtputf8: false` 553 5.6.7; a malformed, malformed-valued or repeated
 * parameter 501 5.5.4; BDAT without a valid size 501 5.5.4; an AUTH initial response that is not
 * strict base64 501 5.5.2 (as the server answers a bad response later in the exchange).
 *
 * @example
 * ```ts
 * const result = parseCommand('MAIL FROM:<alice@example.test> SIZE=1024');
 * if (result.ok && result.command.verb === 'MAIL') result.command.params.size; // 1024
 * ```
 */
export function parseCommand(
  line: Uint8Array | string,
  options: ParseCommandOptions = {},
): ParseResult<Command> {
  let text: string;
  if (typeof line === 'string') {
    if (line.includes('\0')) return refuse(501, '5.5.2', 'NUL character in command line');
    text = line;
  } else {
    const decoded = decodeLine(line);
    if (typeof decoded !== 'string') return decoded;
    text = decoded;
  }
  let end = text.length;
  if (text.charCodeAt(end - 1) === LF) end -= text.charCodeAt(end - 2) === CR ? 2 : 1;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  if (end !== text.length) text = text.slice(0, end);
  if (text.includes('\r') || text.includes('\n')) return refuse(501, '5.5.2', 'CR or LF inside command line');

  const space = text.indexOf(' ');
  const verb = space === -1 ? text : text.slice(0, space);
  if (verb === '') return refuse(500, '5.5.2', 'Syntax error, command unrecognized');
  if (!VERB.test(verb)) return refuse(500, '5.5.2', 'Syntax error, command unrecognized');
  let argStart = space === -1 ? text.length : space + 1;
  while (text.charCodeAt(argStart) === 0x20 || text.charCodeAt(argStart) === 0x09) argStart++;
  const argument = text.slice(argStart);
  const name = verb.toUpperCase();
  const handler = HANDLERS.get(name);
  if (handler === undefined) return ok({ verb: 'OTHER', name, argument });
  return handler(argument, options.smtputf8 === false ? { smtputf8: false } : {});
}
