/**
 * ESMTP parameters of MAIL FROM and RCPT TO: what each means, the extension that allows it, and
 * its literal values where it has a fixed set. The facts come from the RFCs named in each entry.
 */

/** The commands that carry ESMTP parameters. */
export type ParameterVerb = 'MAIL' | 'RCPT';

/** Documentation of one ESMTP parameter. */
export interface ParameterDoc {
  /** The keyword in upper case, e.g. `SIZE`. */
  readonly keyword: string;
  /** The command it belongs to. */
  readonly verb: ParameterVerb;
  /** How it is written, e.g. `SIZE=<bytes>`. */
  readonly syntax: string;
  /** One or two sentences: what it asks for. */
  readonly summary: string;
  /** The EHLO keyword the server must advertise before a client may use the parameter. */
  readonly extension: string;
  /** The document that defines it. */
  readonly reference: string;
  /** Whether it is written `KEY=value` or a bare `KEY`. */
  readonly takesValue: boolean;
  /**
   * The literal values it accepts, when they are a fixed set. For NOTIFY, several of them may be
   * joined with commas.
   */
  readonly values?: readonly string[];
}

/** Every parameter the grammar recognises. */
export const PARAMETER_DOCS: readonly ParameterDoc[] = [
  {
    keyword: 'SIZE',
    verb: 'MAIL',
    syntax: 'SIZE=<bytes>',
    summary:
      'Announces the size of the message in octets, so the server can refuse a message that is too large before it ' +
      'is sent (`552 5.3.4`).',
    extension: 'SIZE',
    reference: 'RFC 1870',
    takesValue: true,
  },
  {
    keyword: 'BODY',
    verb: 'MAIL',
    syntax: 'BODY=7BIT | BODY=8BITMIME | BODY=BINARYMIME',
    summary:
      'Declares what the message body contains: 7-bit text, 8-bit text (8BITMIME), or arbitrary binary data ' +
      '(BINARYMIME, which must be sent with BDAT).',
    extension: '8BITMIME',
    reference: 'RFC 6152, RFC 3030',
    takesValue: true,
    values: ['7BIT', '8BITMIME', 'BINARYMIME'],
  },
  {
    keyword: 'SMTPUTF8',
    verb: 'MAIL',
    syntax: 'SMTPUTF8',
    summary: 'Says that addresses or headers of this message contain UTF-8, such as non-ASCII mailbox names.',
    extension: 'SMTPUTF8',
    reference: 'RFC 6531',
    takesValue: false,
  },
  {
    keyword: 'RET',
    verb: 'MAIL',
    syntax: 'RET=FULL | RET=HDRS',
    summary: 'For delivery status notifications: return the whole message (FULL) or only its headers (HDRS).',
    extension: 'DSN',
    reference: 'RFC 3461',
    takesValue: true,
    values: ['FULL', 'HDRS'],
  },
  {
    keyword: 'ENVID',
    verb: 'MAIL',
    syntax: 'ENVID=<xtext>',
    summary:
      'An identifier the sender chooses for this transaction; delivery status notifications quote it back. Written ' +
      'as xtext (`+XX` hex for special characters).',
    extension: 'DSN',
    reference: 'RFC 3461',
    takesValue: true,
  },
  {
    keyword: 'AUTH',
    verb: 'MAIL',
    syntax: 'AUTH=<mailbox> | AUTH=<>',
    summary:
      'The authenticated identity that submitted the message, passed on between trusted relays; `<>` says it is ' +
      'unknown. Written as xtext.',
    extension: 'AUTH',
    reference: 'RFC 4954 §5',
    takesValue: true,
  },
  {
    keyword: 'REQUIRETLS',
    verb: 'MAIL',
    syntax: 'REQUIRETLS',
    summary:
      'Asks every server on the way to relay the message only over TLS with a verified certificate, or else to ' +
      'return it.',
    extension: 'REQUIRETLS',
    reference: 'RFC 8689',
    takesValue: false,
  },
  {
    keyword: 'MT-PRIORITY',
    verb: 'MAIL',
    syntax: 'MT-PRIORITY=<-9..9>',
    summary: 'A transfer priority from -9 (lowest) to 9 (highest); 0 is normal.',
    extension: 'MT-PRIORITY',
    reference: 'RFC 6710',
    takesValue: true,
  },
  {
    keyword: 'HOLDFOR',
    verb: 'MAIL',
    syntax: 'HOLDFOR=<seconds>',
    summary: 'Asks the server to hold the message for this many seconds before delivering it.',
    extension: 'FUTURERELEASE',
    reference: 'RFC 4865',
    takesValue: true,
  },
  {
    keyword: 'HOLDUNTIL',
    verb: 'MAIL',
    syntax: 'HOLDUNTIL=<date-time>',
    summary: 'Asks the server to hold the message until this moment (an RFC 3339 date and time).',
    extension: 'FUTURERELEASE',
    reference: 'RFC 4865',
    takesValue: true,
  },
  {
    keyword: 'BY',
    verb: 'MAIL',
    syntax: 'BY=<seconds>;R | BY=<seconds>;N  (T may follow for trace)',
    summary:
      'A delivery deadline in seconds; with R the message is returned when it cannot be delivered in time, with N ' +
      'only a notification is sent.',
    extension: 'DELIVERBY',
    reference: 'RFC 2852',
    takesValue: true,
  },
  {
    keyword: 'NOTIFY',
    verb: 'RCPT',
    syntax: 'NOTIFY=NEVER | NOTIFY=SUCCESS,FAILURE,DELAY (any of the three)',
    summary:
      'When to send a delivery status notification for this recipient: never, or on any combination of success, ' +
      'failure and delay.',
    extension: 'DSN',
    reference: 'RFC 3461',
    takesValue: true,
    values: ['NEVER', 'SUCCESS', 'FAILURE', 'DELAY'],
  },
  {
    keyword: 'ORCPT',
    verb: 'RCPT',
    syntax: 'ORCPT=<addr-type>;<xtext>',
    summary:
      'The recipient address as the sender originally wrote it (before forwarding or aliasing), quoted back in ' +
      'notifications; for example `ORCPT=rfc822;bob@example.test`.',
    extension: 'DSN',
    reference: 'RFC 3461',
    takesValue: true,
  },
  {
    keyword: 'RRVS',
    verb: 'RCPT',
    syntax: 'RRVS=<date-time>[;C | ;R]',
    summary:
      'Require-Recipient-Valid-Since: deliver only if the mailbox has belonged to the same owner since this date. ' +
      'When a later server cannot make the check, R asks it to refuse the message and C to deliver it anyway.',
    extension: 'RRVS',
    reference: 'RFC 7293',
    takesValue: true,
  },
];

/** The parameters one command may carry. */
export function parametersOf(verb: ParameterVerb): readonly ParameterDoc[] {
  return PARAMETER_DOCS.filter((doc) => doc.verb === verb);
}

/**
 * The documentation of a parameter keyword, whatever its case. `verb` picks the right entry
 * when it matters; without it the first match is returned. Undefined for unknown keywords.
 */
export function describeParameter(keyword: string, verb?: ParameterVerb): ParameterDoc | undefined {
  const upper = keyword.toUpperCase();
  return PARAMETER_DOCS.find((doc) => doc.keyword === upper && (verb === undefined || doc.verb === verb));
}
