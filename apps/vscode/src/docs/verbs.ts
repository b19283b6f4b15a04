/**
 * What every SMTP command verb does, for hovers and completion details. The facts come from the
 * RFCs named in each entry; the wording is this project's own.
 */

/** How current a verb is. */
export type VerbStatus =
  /** part of RFC 5321 (or its predecessors, still in use) */
  | 'standard'
  /** added by an extension a server advertises in its EHLO reply */
  | 'extension'
  /** removed from the standard; servers answer 502 or similar */
  | 'obsolete';

/** Documentation of one command verb. */
export interface VerbDoc {
  /** The verb in upper case, e.g. `MAIL`. */
  readonly verb: string;
  /** The command's shape, in the notation RFCs use. */
  readonly syntax: string;
  /** One sentence: what the command is for. */
  readonly summary: string;
  /** A few sentences: the replies to expect and the traps. */
  readonly details: string;
  /** The document that defines it, e.g. `RFC 5321 §4.1.1.2`. */
  readonly reference: string;
  readonly status: VerbStatus;
  /** The EHLO keyword that announces support, for extension verbs. */
  readonly extension?: string;
}

/** Every verb the grammar colours, in the order a session usually uses them. */
export const VERB_DOCS: readonly VerbDoc[] = [
  {
    verb: 'EHLO',
    syntax: 'EHLO <domain> | EHLO <address-literal>',
    summary: 'Opens the session with the extended greeting and asks which extensions the server offers.',
    details:
      'The server answers 250 with one extension keyword per continuation line (SIZE, PIPELINING, STARTTLS, AUTH …). ' +
      'Send it again after STARTTLS: the list may change once the connection is encrypted. A server that does not ' +
      'understand it answers 500 or 502, and the client falls back to HELO.',
    reference: 'RFC 5321 §4.1.1.1',
    status: 'standard',
  },
  {
    verb: 'HELO',
    syntax: 'HELO <domain>',
    summary: 'Opens the session with the original greeting, without extensions.',
    details:
      'The argument is the fully qualified name of the client host. The server answers 250; no extension may be used ' +
      'afterwards, so only plain SMTP follows.',
    reference: 'RFC 5321 §4.1.1.1',
    status: 'standard',
  },
  {
    verb: 'LHLO',
    syntax: 'LHLO <domain>',
    summary: 'The LMTP counterpart of EHLO, sent to a Local Mail Transfer Protocol server.',
    details:
      'LMTP servers reject HELO and EHLO and take LHLO instead. The reply lists extensions like an EHLO reply. After ' +
      'the message, an LMTP server answers once per accepted recipient instead of once per message.',
    reference: 'RFC 2033 §4.1',
    status: 'extension',
  },
  {
    verb: 'MAIL',
    syntax: 'MAIL FROM:<reverse-path> [SP mail-parameters]',
    summary: 'Starts a mail transaction and names the envelope sender, the address bounces go back to.',
    details:
      'The null path `<>` marks a message that must never cause a bounce, such as a bounce itself. Parameters such ' +
      'as SIZE, BODY, SMTPUTF8, RET and ENVID follow the path when the server advertised their extension. Success is ' +
      'usually `250 2.1.0`; 503 means the session is in the wrong state (no greeting yet, or a transaction is open).',
    reference: 'RFC 5321 §4.1.1.2',
    status: 'standard',
  },
  {
    verb: 'RCPT',
    syntax: 'RCPT TO:<forward-path> [SP rcpt-parameters]',
    summary: 'Adds one recipient to the open transaction; repeat it for each further recipient.',
    details:
      'Each recipient gets its own reply: 250 or 251 accepts it, 550 (`5.1.1`) refuses an unknown mailbox, 452 ' +
      '(`4.5.3`) says there are too many recipients for now. DSN adds NOTIFY and ORCPT parameters. A rejected ' +
      'recipient does not end the transaction while at least one was accepted.',
    reference: 'RFC 5321 §4.1.1.3',
    status: 'standard',
  },
  {
    verb: 'DATA',
    syntax: 'DATA',
    summary: 'Asks to send the message itself: headers, an empty line, then the body.',
    details:
      'The server first answers 354; the client then sends the message and ends it with a line holding a single dot ' +
      '(`<CRLF>.<CRLF>`). A message line that begins with a dot is sent with one more dot in front. The final reply ' +
      '(usually `250 2.0.0`) tells whether the message was accepted. In a transcript, write the doubled dot yourself: ' +
      '`C:` lines are sent exactly as written.',
    reference: 'RFC 5321 §4.1.1.4',
    status: 'standard',
  },
  {
    verb: 'BDAT',
    syntax: 'BDAT <chunk-size> [SP LAST]',
    summary: 'Sends the next chunk of the message as exactly chunk-size octets, with no dot handling.',
    details:
      'The octets follow the command line directly and need neither dot-stuffing nor a terminating dot. `LAST` marks ' +
      'the final chunk; its reply accepts or refuses the whole message. Every chunk gets its own reply. Only for ' +
      'servers that advertise CHUNKING; BINARYMIME bodies must use it.',
    reference: 'RFC 3030 §2',
    status: 'extension',
    extension: 'CHUNKING',
  },
  {
    verb: 'RSET',
    syntax: 'RSET',
    summary: 'Abandons the open transaction; the connection and its greeting stay.',
    details:
      'Sender, recipients and any message data collected so far are discarded. The server answers 250 and the client ' +
      'may start again with MAIL.',
    reference: 'RFC 5321 §4.1.1.5',
    status: 'standard',
  },
  {
    verb: 'VRFY',
    syntax: 'VRFY <string>',
    summary: 'Asks whether a user name or mailbox exists on the server.',
    details:
      'Many servers switch it off because it lets anyone harvest addresses. 250 or 251 confirms the mailbox, 252 ' +
      'means the server will not check but would try to deliver, 550 says it does not exist, 502 that the command is ' +
      'disabled.',
    reference: 'RFC 5321 §4.1.1.6',
    status: 'standard',
  },
  {
    verb: 'EXPN',
    syntax: 'EXPN <string>',
    summary: 'Asks for the members of a mailing list.',
    details:
      'A 250 reply lists one member per line. Since it exposes list membership, most servers refuse it (502 or 550).',
    reference: 'RFC 5321 §4.1.1.7',
    status: 'standard',
  },
  {
    verb: 'HELP',
    syntax: 'HELP [SP <string>]',
    summary: 'Asks for human-readable help, optionally about one command.',
    details: 'The answer is a 214 reply, often several lines long; 502 if the server offers no help.',
    reference: 'RFC 5321 §4.1.1.8',
    status: 'standard',
  },
  {
    verb: 'NOOP',
    syntax: 'NOOP [SP <string>]',
    summary: 'Does nothing except make the server answer 250.',
    details:
      'Useful to check that a connection is still alive, or to keep an idle one from timing out. Any argument is ' +
      'ignored and the session state is unchanged.',
    reference: 'RFC 5321 §4.1.1.9',
    status: 'standard',
  },
  {
    verb: 'QUIT',
    syntax: 'QUIT',
    summary: 'Ends the session politely.',
    details:
      'The server answers 221 and closes the connection. An open transaction is abandoned, as with RSET. A transcript ' +
      'may end after the 221; the server closing then is normal.',
    reference: 'RFC 5321 §4.1.1.10',
    status: 'standard',
  },
  {
    verb: 'STARTTLS',
    syntax: 'STARTTLS',
    summary: 'Upgrades the connection to TLS in place.',
    details:
      'After a 220 reply both sides run the TLS handshake; everything the server learned before it is forgotten, so ' +
      'the client greets again with EHLO. STARTTLS must end its pipelined group; a careful server throws away any ' +
      'bytes that arrived before the handshake (a group `STARTTLS` + `NOOP` tests exactly that). 454 means TLS is ' +
      'unavailable for now.',
    reference: 'RFC 3207 §4',
    status: 'extension',
    extension: 'STARTTLS',
  },
  {
    verb: 'AUTH',
    syntax: 'AUTH <mechanism> [SP <initial-response>]',
    summary: 'Authenticates the client with a SASL mechanism such as PLAIN or LOGIN.',
    details:
      'Responses are base64; `=` stands for an empty initial response. The server sends 334 challenges until it ' +
      'answers 235 (`2.7.0`, success) or 535 (`5.7.8`, bad credentials); the client cancels with a line holding `*`. ' +
      'Servers usually offer it only after STARTTLS. In a transcript, `{{base64:\\0user\\0password}}` builds the ' +
      'PLAIN response.',
    reference: 'RFC 4954 §4',
    status: 'extension',
    extension: 'AUTH',
  },
  {
    verb: 'ETRN',
    syntax: 'ETRN <node> | ETRN @<domain> | ETRN #<queue>',
    summary: 'Asks the server to start delivering the mail it holds for a domain, on a new connection.',
    details:
      "The server opens its own connection to the domain's mail host; this session is not reused. `@domain` also " +
      'covers subdomains and `#name` selects a named queue. Replies 250, 251, 252 or 253 report that a run has ' +
      'started or that there is nothing to send; 458 and 459 refuse.',
    reference: 'RFC 1985',
    status: 'extension',
    extension: 'ETRN',
  },
  {
    verb: 'ATRN',
    syntax: 'ATRN [SP <domain> *("," <domain>)]',
    summary:
      'On-Demand Mail Relay: after authenticating, swaps roles so the server delivers queued mail to the client.',
    details:
      'It is the safe successor of TURN: the client must have authenticated, and the server only releases mail for ' +
      'domains that client may receive. 250 starts the reversal and 453 says no mail is waiting.',
    reference: 'RFC 2645',
    status: 'extension',
    extension: 'ATRN',
  },
  {
    verb: 'TURN',
    syntax: 'TURN',
    summary: 'Asks to swap roles on the same connection, so the server sends its queued mail to the client.',
    details:
      "Nothing proves the client is the host it claims to be, so anyone could collect another host's mail. RFC 2821 " +
      'dropped it and servers answer 502; ATRN replaces it.',
    reference: 'RFC 821 §3.8',
    status: 'obsolete',
  },
  {
    verb: 'SEND',
    syntax: 'SEND FROM:<reverse-path>',
    summary:
      "Starts a transaction whose message goes to the recipients' terminals instead of their mailboxes.",
    details:
      'Delivery happens only if the user is logged in; nothing is stored. Dropped from the standard by RFC 2821; ' +
      'modern servers answer 502.',
    reference: 'RFC 821 §3.4',
    status: 'obsolete',
  },
  {
    verb: 'SOML',
    syntax: 'SOML FROM:<reverse-path>',
    summary: '"Send or mail": show the message on the terminal if the user is logged in, otherwise store it.',
    details: 'Dropped from the standard by RFC 2821; modern servers answer 502.',
    reference: 'RFC 821 §3.4',
    status: 'obsolete',
  },
  {
    verb: 'SAML',
    syntax: 'SAML FROM:<reverse-path>',
    summary:
      '"Send and mail": show the message on the terminal if the user is logged in, and store it in any case.',
    details: 'Dropped from the standard by RFC 2821; modern servers answer 502.',
    reference: 'RFC 821 §3.4',
    status: 'obsolete',
  },
];

/** Documentation shared by all verbs beginning with `X` (private extensions). */
export const PRIVATE_VERB_DOC: VerbDoc = {
  verb: 'X…',
  syntax: 'X<keyword> [SP <arguments>]',
  summary: 'A private extension: verbs beginning with X are reserved for use between consenting peers.',
  details:
    'No standard defines what it does; only servers that agreed on it (and usually advertise it in their EHLO ' +
    "reply) understand it. Examples in the wild are Postfix's XCLIENT and XFORWARD. Other servers answer 500 or 502.",
  reference: 'RFC 5321 §4.1.5',
  status: 'extension',
};

const VERBS_BY_NAME: ReadonlyMap<string, VerbDoc> = new Map(VERB_DOCS.map((doc) => [doc.verb, doc]));

/** True for words shaped like a private `X` verb (`XCLIENT`, `X-EXPS`). */
function isPrivateVerb(upper: string): boolean {
  return /^X[A-Z0-9-]*$/.test(upper);
}

/**
 * The documentation of a command verb, whatever its case; verbs beginning with `X` share
 * {@link PRIVATE_VERB_DOC}. Undefined for words that are not verbs.
 */
export function describeVerb(word: string): VerbDoc | undefined {
  const upper = word.toUpperCase();
  return VERBS_BY_NAME.get(upper) ?? (isPrivateVerb(upper) ? PRIVATE_VERB_DOC : undefined);
}
