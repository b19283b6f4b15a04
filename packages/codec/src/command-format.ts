import { formatPath, type Path, parsePath } from './address.js';
import { base64Decode } from './base64.js';
import { utf8 } from './bytes.js';
import { assertNoLineBreak, type Command, CommandFormatError } from './command.js';
import { formatMailParameters, formatRcptParameters } from './params.js';

const VERB = /^[A-Za-z][A-Za-z0-9-]*$/;
const MECHANISM = /^[A-Z0-9_-]{1,20}$/;

/** An argument written after the verb: no line breaks, no leading or trailing space (parsing would drop them). */
function argumentText(value: string, what: string, options: { required: boolean }): string {
  assertNoLineBreak(value, what);
  if (options.required && value === '') throw new CommandFormatError(`${what} must not be empty`);
  if (/^[ \t]|[ \t]$/.test(value))
    throw new CommandFormatError(`${what} must not start or end with white space`);
  return value;
}

/** One word: no spaces at all. */
function word(value: string, what: string): string {
  assertNoLineBreak(value, what);
  if (value === '' || /[\s]/.test(value)) throw new CommandFormatError(`${what} must be one word`);
  return value;
}

/**
 * Writes a path and reads it back, so a hand-built path with a bad address, or a path of the
 * wrong kind for its verb, is refused before it reaches the wire.
 */
function pathText(path: Path, role: 'reverse' | 'forward', what: string): string {
  const text = formatPath(path);
  assertNoLineBreak(text, what);
  const parsed = role === 'reverse' ? parsePath(text, 'reverse') : parsePath(text, 'forward');
  if (!parsed.ok) throw new CommandFormatError(`${what} ${text} is invalid: ${parsed.reason}`);
  return text;
}

function withParameters(head: string, parameters: string): string {
  return parameters === '' ? head : `${head} ${parameters}`;
}

/**
 * Writes a command as its line, without the CRLF; {@link parseCommand} reads it back to an equal
 * value. Paths are written with their brackets (local parts quoted when needed), ENVID, AUTH= and
 * ORCPT are xtext-encoded, an empty AUTH initial response is written `=`.
 *
 * @throws CommandInjectionError (a {@link CommandFormatError}) when any value holds CR, LF or
 * NUL, so no value can smuggle a second command onto the wire.
 * @throws CommandFormatError (a TypeError) for other values that cannot be written: an empty
 * EHLO domain, a negative or fractional BDAT size, a malformed mechanism or parameter, a path of
 * the wrong kind for its verb.
 * @example
 * ```ts
 * formatCommand({ verb: 'RCPT', to: mailboxPath('bob', 'example.test'), params: { notify: ['NEVER'] } });
 * // 'RCPT TO:<bob@example.test> NOTIFY=NEVER'
 * ```
 */
export function formatCommand(command: Command): string {
  switch (command.verb) {
    case 'HELO':
    case 'EHLO':
      return `${command.verb} ${argumentText(command.domain, `${command.verb} domain`, { required: true })}`;
    case 'MAIL':
    case 'SEND':
    case 'SOML':
    case 'SAML': {
      const head = `${command.verb} FROM:${pathText(command.from, 'reverse', 'sender path')}`;
      return withParameters(head, formatMailParameters(command.params));
    }
    case 'RCPT': {
      const head = `RCPT TO:${pathText(command.to, 'forward', 'recipient path')}`;
      return withParameters(head, formatRcptParameters(command.params));
    }
    case 'BDAT': {
      if (!Number.isSafeInteger(command.size) || command.size < 0) {
        throw new CommandFormatError('BDAT size must be a non-negative integer');
      }
      return command.last ? `BDAT ${command.size} LAST` : `BDAT ${command.size}`;
    }
    case 'VRFY':
    case 'EXPN':
    case 'ETRN':
      return `${command.verb} ${argumentText(command.argument, `${command.verb} argument`, { required: true })}`;
    case 'HELP':
      return command.topic === undefined
        ? 'HELP'
        : `HELP ${argumentText(command.topic, 'HELP topic', { required: true })}`;
    case 'NOOP':
      return command.argument === undefined
        ? 'NOOP'
        : `NOOP ${argumentText(command.argument, 'NOOP argument', { required: true })}`;
    case 'AUTH': {
      assertNoLineBreak(command.mechanism, 'AUTH mechanism');
      if (!MECHANISM.test(command.mechanism)) {
        throw new CommandFormatError('AUTH mechanism must be 1-20 upper-case letters, digits, - or _');
      }
      const response = command.initialResponse;
      if (response === undefined) return `AUTH ${command.mechanism}`;
      assertNoLineBreak(response, 'AUTH initial response');
      if (response === '=' || base64Decode(response) === undefined) {
        throw new CommandFormatError('AUTH initial response must be base64 ("" for an empty one)');
      }
      return `AUTH ${command.mechanism} ${response === '' ? '=' : response}`;
    }
    case 'ATRN': {
      if (command.domains === undefined) return 'ATRN';
      if (command.domains.length === 0)
        throw new CommandFormatError('ATRN needs at least one domain when domains is given');
      const domains = command.domains.map((domain) => word(domain, 'ATRN domain'));
      if (domains.some((domain) => domain.includes(',')))
        throw new CommandFormatError('ATRN domain must not contain a comma');
      return `ATRN ${domains.join(',')}`;
    }
    case 'OTHER': {
      assertNoLineBreak(command.name, 'command verb');
      if (!VERB.test(command.name))
        throw new CommandFormatError(`malformed command verb ${JSON.stringify(command.name)}`);
      const argument = argumentText(command.argument, `${command.name} argument`, { required: false });
      return argument === '' ? command.name : `${command.name} ${argument}`;
    }
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS':
    case 'TURN':
      return command.verb;
  }
}

/** {@link formatCommand} with its CRLF, as UTF-8 octets ready to write to a socket. */
export function encodeCommand(command: Command): Uint8Array {
  return utf8(`${formatCommand(command)}\r\n`);
}
