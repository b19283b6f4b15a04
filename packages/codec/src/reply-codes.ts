import { type ReplyClass, replyClass } from './reply.js';

/** What a reply code means, for hovers, logs and error messages. */
export interface ReplyCodeInfo {
  /** The three-digit code. */
  readonly code: number;
  /** What the first digit tells the client to do. */
  readonly class: ReplyClass;
  /** True when the code is defined by an RFC; false when the text is built from its digits. */
  readonly known: boolean;
  /** A few words, e.g. `Mailbox unavailable`. */
  readonly title: string;
  /** One or two sentences: when a server sends it and what a client should make of it. */
  readonly description: string;
  /** The RFCs that define the code, e.g. `['RFC 5321']`. */
  readonly rfcs: readonly string[];
}

type Entry = readonly [code: number, title: string, description: string, rfcs: readonly string[]];

const SMTP = ['RFC 5321'];
const AUTH = ['RFC 4954'];

const ENTRIES: readonly Entry[] = [
  [
    211,
    'System status',
    'Status or help information about the server, usually in answer to HELP or a status query.',
    SMTP,
  ],
  [214, 'Help message', 'Text meant for a human reading the session, in answer to HELP.', SMTP],
  [
    220,
    'Service ready',
    'The greeting of a server willing to talk; after STARTTLS, the go-ahead for the TLS handshake.',
    [...SMTP, 'RFC 3207'],
  ],
  [221, 'Closing connection', 'The server is closing the connection, normally in answer to QUIT.', SMTP],
  [235, 'Authentication succeeded', 'The AUTH exchange ended and the client is now authenticated.', AUTH],
  [
    250,
    'Completed',
    'The command did what was asked. After EHLO, the lines list the extensions offered.',
    SMTP,
  ],
  [
    251,
    'User not local; will forward',
    'The recipient is accepted and the server will pass the message on elsewhere.',
    SMTP,
  ],
  [
    252,
    'Cannot verify, will attempt delivery',
    'The server will not confirm the address (often in answer to VRFY) but accepts mail for it.',
    SMTP,
  ],
  [
    334,
    'Authentication challenge',
    'The server waits for the next line of an AUTH exchange; the text is a base64 challenge.',
    AUTH,
  ],
  [354, 'Start mail input', 'Send the message now and end it with a line holding only a dot.', SMTP],
  [
    421,
    'Service not available',
    'The server is closing the connection (shutting down, overloaded, idle too long or too many errors). Try again later.',
    SMTP,
  ],
  [
    432,
    'Password transition needed',
    'The user must change or re-establish the password with another mechanism before this one works.',
    AUTH,
  ],
  [
    450,
    'Mailbox unavailable',
    'The mailbox cannot be used right now (busy, locked or greylisted). Try again later.',
    SMTP,
  ],
  [
    451,
    'Local error in processing',
    'The server hit a temporary problem while handling the command. Try again later.',
    SMTP,
  ],
  [
    452,
    'Insufficient system storage',
    'The server is short of space, or has taken as many recipients as it will for now. Try again later.',
    SMTP,
  ],
  [
    454,
    'Temporary authentication or TLS failure',
    'Authentication (RFC 4954) or TLS (RFC 3207) is not available right now. Try again later.',
    [...AUTH, 'RFC 3207'],
  ],
  [
    455,
    'Server unable to accommodate parameters',
    'The server cannot honour the MAIL or RCPT parameters at the moment. Try again later.',
    SMTP,
  ],
  [
    458,
    'Unable to queue messages for node',
    'ETRN could not start a queue run for the node named.',
    ['RFC 1985'],
  ],
  [459, 'Node not allowed', 'ETRN is refused for the node named.', ['RFC 1985']],
  [
    500,
    'Syntax error, command unrecognised',
    'The command is unknown or its line is malformed or too long.',
    SMTP,
  ],
  [
    501,
    'Syntax error in parameters or arguments',
    'The command is known but its arguments are malformed, e.g. an address without angle brackets.',
    SMTP,
  ],
  [502, 'Command not implemented', 'The server knows the command but does not offer it.', SMTP],
  [
    503,
    'Bad sequence of commands',
    'The command is out of order, e.g. RCPT before MAIL or DATA before any recipient.',
    SMTP,
  ],
  [
    504,
    'Command parameter not implemented',
    'A parameter (such as an AUTH mechanism) is not supported.',
    SMTP,
  ],
  [521, 'Host does not accept mail', 'This host never accepts mail; do not retry.', ['RFC 7504']],
  [
    530,
    'Authentication required',
    'The server wants AUTH (or STARTTLS first) before it accepts this command.',
    AUTH,
  ],
  [
    534,
    'Authentication mechanism too weak',
    "The chosen mechanism is weaker than the server's policy allows; choose a stronger one.",
    AUTH,
  ],
  [535, 'Authentication credentials invalid', 'The username or password (or token) was not accepted.', AUTH],
  [
    538,
    'Encryption required for authentication',
    'This mechanism may only be used on an encrypted connection; use STARTTLS first.',
    AUTH,
  ],
  [
    550,
    'Mailbox unavailable',
    'The action is refused for good: no such mailbox, access denied, or policy rejection.',
    SMTP,
  ],
  [551, 'User not local', 'The recipient is not handled here; the text may say where to send instead.', SMTP],
  [552, 'Exceeded storage allocation', 'The message is too big for the server or mailbox.', SMTP],
  [
    553,
    'Mailbox name not allowed',
    'The address is refused, e.g. malformed, or non-ASCII without SMTPUTF8.',
    SMTP,
  ],
  [
    554,
    'Transaction failed',
    'The transaction failed for good; as a greeting, the server offers no SMTP service to this client.',
    SMTP,
  ],
  [
    555,
    'Parameters not recognised or not implemented',
    'A MAIL or RCPT parameter is unknown, or belongs to an extension the server did not offer.',
    SMTP,
  ],
  [
    556,
    'Domain does not accept mail',
    "The recipient's domain never accepts mail (null MX); do not retry.",
    ['RFC 7504'],
  ],
];

const TABLE: ReadonlyMap<number, ReplyCodeInfo> = new Map(
  ENTRIES.map(([code, title, description, rfcs]) => [
    code,
    { code, class: replyClass(code), known: true, title, description, rfcs },
  ]),
);

/** Every reply code an RFC defines for SMTP, with its meaning. */
export const replyCodes: ReadonlyMap<number, ReplyCodeInfo> = TABLE;

const CLASS_MEANING: Readonly<Record<ReplyClass, string>> = {
  preliminary: 'Positive preliminary reply (SMTP defines none)',
  completion: 'Positive completion',
  intermediate: 'Positive intermediate: the server waits for more input',
  transient: 'Transient failure: the same command may succeed later',
  permanent: 'Permanent failure: do not repeat the command as it is',
};

/** RFC 5321 §4.2.1: what the second digit of a code is about (3 and 4 are unassigned). */
const SUBJECT_MEANING: readonly (string | undefined)[] = [
  'syntax',
  'information',
  'connections',
  undefined,
  undefined,
  'the mail system',
];

/**
 * Describes a reply code. Codes an RFC defines get their own text; any other code from 100 to
 * 599 gets a description built from its digits (RFC 5321 §4.2.1), with `known: false`.
 *
 * @throws RangeError for anything but an integer from 100 to 599.
 * @example
 * ```ts
 * describeReplyCode(550).title; // 'Mailbox unavailable'
 * describeReplyCode(559).known; // false
 * ```
 */
export function describeReplyCode(code: number): ReplyCodeInfo {
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`SMTP reply code must be an integer from 100 to 599, got ${code}`);
  }
  const known = TABLE.get(code);
  if (known !== undefined) return known;
  const kind = replyClass(code);
  const subject = SUBJECT_MEANING[Math.floor(code / 10) % 10];
  const [heading = ''] = CLASS_MEANING[kind].split(':');
  return {
    code,
    class: kind,
    known: false,
    title: subject === undefined ? heading : `${heading} (${subject})`,
    description:
      subject === undefined
        ? `${CLASS_MEANING[kind]}. No RFC defines ${code}.`
        : `${CLASS_MEANING[kind]}. No RFC defines ${code}; by its second digit it concerns ${subject}.`,
    rfcs: [],
  };
}
