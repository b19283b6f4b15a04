import { type Reply, replyText } from './reply.js';

/** What a server offers, read from its EHLO reply (RFC 5321 §4.1.1.1). */
export interface Capabilities {
  /** The first line's text: the server's name and any greeting after it. */
  readonly greeting: string;
  /** The server's name: the first word of the first line. */
  readonly domain: string;
  /** `SIZE` (RFC 1870): the largest message in octets; 0 when the server declares no limit. */
  readonly size?: number;
  /** `AUTH` mechanisms in upper case (RFC 4954), also from the old `AUTH=PLAIN LOGIN` line. */
  readonly auth: readonly string[];
  /** `PIPELINING` (RFC 2920). */
  readonly pipelining: boolean;
  /** `8BITMIME` (RFC 6152). */
  readonly eightBitMime: boolean;
  /** `BINARYMIME` (RFC 3030). */
  readonly binaryMime: boolean;
  /** `CHUNKING` (RFC 3030): BDAT. */
  readonly chunking: boolean;
  /** `SMTPUTF8` (RFC 6531). */
  readonly smtputf8: boolean;
  /** `DSN` (RFC 3461). */
  readonly dsn: boolean;
  /** `ENHANCEDSTATUSCODES` (RFC 2034). */
  readonly enhancedStatusCodes: boolean;
  /** `STARTTLS` (RFC 3207). */
  readonly startTls: boolean;
  /** `REQUIRETLS` (RFC 8689). */
  readonly requireTls: boolean;
  /** `HELP`. */
  readonly help: boolean;
  /** Every other keyword (upper case) with its parameters as sent. */
  readonly other: ReadonlyMap<string, readonly string[]>;
  /** Every keyword offered (upper case), typed ones included, with its parameters. */
  readonly extensions: ReadonlyMap<string, readonly string[]>;
  /** Lines that are not `KEYWORD [params]`; they are otherwise ignored. */
  readonly malformed: readonly string[];
  /** Whether the server offered an extension (keyword in any case). */
  has(keyword: string): boolean;
}

/** One entry of {@link KNOWN_EXTENSIONS}. */
export interface KnownExtension {
  /** The EHLO keyword. */
  readonly keyword: string;
  /** Where it is defined: an RFC, or the software that introduced it. */
  readonly source: string;
  /** What it offers, in one line. */
  readonly summary: string;
  /** How its parameters look on the EHLO line, when it has any. */
  readonly parameters?: string;
}

/** EHLO keywords with where they are defined and what they mean (for completion and hovers). */
export const KNOWN_EXTENSIONS: readonly KnownExtension[] = [
  {
    keyword: '8BITMIME',
    source: 'RFC 6152',
    summary: 'Accepts 8-bit message bodies (MAIL ... BODY=8BITMIME).',
  },
  {
    keyword: 'ATRN',
    source: 'RFC 2645',
    summary: 'On-demand mail relay: the client asks to turn roles and receive its mail.',
  },
  {
    keyword: 'AUTH',
    source: 'RFC 4954',
    summary: 'Accepts SASL authentication with the mechanisms listed.',
    parameters: 'mechanism ...',
  },
  {
    keyword: 'BINARYMIME',
    source: 'RFC 3030',
    summary: 'Accepts binary message bodies sent with BDAT (BODY=BINARYMIME).',
  },
  {
    keyword: 'BURL',
    source: 'RFC 4468',
    summary: 'Can fetch message content from an IMAP URL (BURL command).',
    parameters: '[imap ...]',
  },
  { keyword: 'CHECKPOINT', source: 'RFC 1845', summary: 'Can resume an interrupted transaction.' },
  {
    keyword: 'CHUNKING',
    source: 'RFC 3030',
    summary: 'Accepts the message in counted chunks with BDAT instead of DATA.',
  },
  { keyword: 'CONNEG', source: 'RFC 4141', summary: 'Content negotiation for fax-like messages.' },
  {
    keyword: 'DELIVERBY',
    source: 'RFC 2852',
    summary: 'Honours a deadline for delivery (MAIL ... BY=).',
    parameters: '[minimum seconds]',
  },
  {
    keyword: 'DSN',
    source: 'RFC 3461',
    summary: 'Delivery status notifications on request (RET, ENVID, NOTIFY, ORCPT).',
  },
  {
    keyword: 'ENHANCEDSTATUSCODES',
    source: 'RFC 2034',
    summary: 'Replies carry RFC 3463 enhanced status codes such as 5.1.1.',
  },
  {
    keyword: 'ETRN',
    source: 'RFC 1985',
    summary: 'The client may ask the server to flush its queue for a domain.',
  },
  { keyword: 'EXPN', source: 'RFC 5321', summary: 'Expands mailing lists (EXPN command).' },
  {
    keyword: 'FUTURERELEASE',
    source: 'RFC 4865',
    summary: 'Holds messages until a given time (MAIL ... HOLDFOR= / HOLDUNTIL=).',
    parameters: 'max-interval max-datetime',
  },
  { keyword: 'HELP', source: 'RFC 5321', summary: 'Answers HELP with information for humans.' },
  {
    keyword: 'LIMITS',
    source: 'RFC 9422',
    summary: 'Announces limits such as recipients per transaction (RCPTMAX=, MAILMAX=).',
    parameters: 'NAME=value ...',
  },
  {
    keyword: 'MT-PRIORITY',
    source: 'RFC 6710',
    summary: 'Accepts message priorities (MAIL ... MT-PRIORITY=-9..9).',
    parameters: '[policy]',
  },
  { keyword: 'MTRK', source: 'RFC 3885', summary: 'Message tracking of delivered messages.' },
  {
    keyword: 'NO-SOLICITING',
    source: 'RFC 3865',
    summary: 'Lists solicitation classes the server refuses.',
    parameters: '[keywords]',
  },
  {
    keyword: 'PIPELINING',
    source: 'RFC 2920',
    summary: 'The client may send several commands before reading their replies.',
  },
  {
    keyword: 'REQUIRETLS',
    source: 'RFC 8689',
    summary: 'Honours MAIL ... REQUIRETLS: the message must only travel over TLS.',
  },
  {
    keyword: 'RRVS',
    source: 'RFC 7293',
    summary: 'Checks that a recipient mailbox has not changed owner since a date (RCPT ... RRVS=).',
  },
  {
    keyword: 'SIZE',
    source: 'RFC 1870',
    summary: 'Declares the largest message accepted; MAIL ... SIZE= announces a size.',
    parameters: '[octets, 0 = no limit]',
  },
  {
    keyword: 'SMTPUTF8',
    source: 'RFC 6531',
    summary: 'Accepts UTF-8 in addresses and headers (MAIL ... SMTPUTF8).',
  },
  {
    keyword: 'STARTTLS',
    source: 'RFC 3207',
    summary: 'The connection can be upgraded to TLS with STARTTLS.',
  },
  {
    keyword: 'SUBMITTER',
    source: 'RFC 4405',
    summary: 'Accepts the responsible submitter of a message (MAIL ... SUBMITTER=).',
  },
  { keyword: 'VRFY', source: 'RFC 5321', summary: 'Verifies addresses (VRFY command).' },
  {
    keyword: 'XCLIENT',
    source: 'Postfix',
    summary: "A trusted proxy may pass on the real client's address and name.",
    parameters: 'attribute ...',
  },
  {
    keyword: 'XFORWARD',
    source: 'Postfix',
    summary: "A trusted content filter may pass on the original client's details.",
    parameters: 'attribute ...',
  },
];

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** Keywords with a boolean field of their own. */
const TYPED_FLAGS = [
  ['PIPELINING', 'pipelining'],
  ['8BITMIME', 'eightBitMime'],
  ['ENHANCEDSTATUSCODES', 'enhancedStatusCodes'],
  ['CHUNKING', 'chunking'],
  ['BINARYMIME', 'binaryMime'],
  ['SMTPUTF8', 'smtputf8'],
  ['DSN', 'dsn'],
  ['REQUIRETLS', 'requireTls'],
  ['STARTTLS', 'startTls'],
] as const satisfies readonly (readonly [string, keyof Capabilities])[];

type Flag = (typeof TYPED_FLAGS)[number][1] | 'help';
const TYPED_KEYWORDS = new Set<string>([...TYPED_FLAGS.map(([keyword]) => keyword), 'SIZE', 'AUTH', 'HELP']);

function addUnique(into: string[], items: readonly string[]): void {
  for (const item of items) if (!into.includes(item)) into.push(item);
}

/**
 * Reads an EHLO reply into a typed view. The first line is the greeting; every other line is
 * `KEYWORD [param ...]`. Keywords are compared in upper case. `AUTH=PLAIN LOGIN` (the form some
 * old clients needed) counts as AUTH. Lines that are not keyword lines are listed in
 * `malformed`. Never throws.
 *
 * @example
 * ```ts
 * const caps = parseCapabilities(parseReply('250-mx.example.test\r\n250-SIZE 1000\r\n250 AUTH PLAIN'));
 * caps.size; // 1000
 * caps.auth; // ['PLAIN']
 * ```
 */
export function parseCapabilities(reply: Reply): Capabilities {
  const [greeting = '', ...lines] = replyText(reply);
  const extensions = new Map<string, string[]>();
  const malformed: string[] = [];
  const auth: string[] = [];
  for (const line of lines) {
    const [word = '', ...params] = line.split(' ').filter((part) => part !== '');
    const oldAuth = /^AUTH=/i.test(word);
    const keyword = (oldAuth ? 'AUTH' : word).toUpperCase();
    if (!KEYWORD.test(keyword)) {
      malformed.push(line);
      continue;
    }
    if (keyword === 'AUTH') {
      addUnique(
        auth,
        [...(oldAuth ? [word.slice(5)] : []), ...params].filter((m) => m !== '').map((m) => m.toUpperCase()),
      );
    }
    const known = extensions.get(keyword);
    if (known === undefined) extensions.set(keyword, params);
    else if (keyword === 'AUTH') addUnique(known, params);
  }
  if (extensions.has('AUTH')) extensions.set('AUTH', [...auth]);

  const sizeParam = extensions.get('SIZE')?.[0];
  const size = !extensions.has('SIZE')
    ? undefined
    : sizeParam !== undefined && /^\d{1,20}$/.test(sizeParam)
      ? Number(sizeParam)
      : 0;
  const other = new Map<string, readonly string[]>();
  for (const [keyword, params] of extensions) if (!TYPED_KEYWORDS.has(keyword)) other.set(keyword, params);
  const flags = Object.fromEntries(
    TYPED_FLAGS.map(([keyword, field]) => [field, extensions.has(keyword)]),
  ) as Record<Flag, boolean>;
  const domain = greeting.split(' ')[0] ?? '';
  return {
    greeting,
    domain,
    ...(size === undefined ? {} : { size }),
    auth,
    ...flags,
    help: extensions.has('HELP'),
    other,
    extensions,
    malformed,
    has: (keyword: string) => extensions.has(keyword.toUpperCase()),
  };
}

/** What a server offers, for {@link formatCapabilities}: every field but `greeting` is optional. */
export interface CapabilitiesInit {
  /** The first line: the server's name, optionally followed by a greeting. */
  readonly greeting: string;
  /** `SIZE n`; 0 writes `SIZE 0` (no declared limit). */
  readonly size?: number | undefined;
  /** `AUTH` mechanisms; none (or an empty list) writes no AUTH line. */
  readonly auth?: readonly string[] | undefined;
  /** `PIPELINING` (RFC 2920). */
  readonly pipelining?: boolean | undefined;
  /** `8BITMIME` (RFC 6152). */
  readonly eightBitMime?: boolean | undefined;
  /** `BINARYMIME` (RFC 3030). */
  readonly binaryMime?: boolean | undefined;
  /** `CHUNKING` (RFC 3030). */
  readonly chunking?: boolean | undefined;
  /** `SMTPUTF8` (RFC 6531). */
  readonly smtputf8?: boolean | undefined;
  /** `DSN` (RFC 3461). */
  readonly dsn?: boolean | undefined;
  /** `ENHANCEDSTATUSCODES` (RFC 2034). */
  readonly enhancedStatusCodes?: boolean | undefined;
  /** `STARTTLS` (RFC 3207): offer it only before TLS is in place. */
  readonly startTls?: boolean | undefined;
  /** `REQUIRETLS` (RFC 8689). */
  readonly requireTls?: boolean | undefined;
  /** `HELP`, written last. */
  readonly help?: boolean | undefined;
  /** Further keywords with their parameters, written after the typed ones in the order given. */
  readonly other?: Iterable<readonly [keyword: string, params: readonly string[]]>;
}

function checkToken(value: string, what: string): void {
  if (value === '' || /[\s\0]/.test(value))
    throw new TypeError(`${what} must be one word without spaces or control characters`);
}

/**
 * Builds a server's EHLO reply (code 250): the greeting, then one line per extension in a fixed
 * order (PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, CHUNKING, BINARYMIME, SMTPUTF8, DSN,
 * REQUIRETLS, STARTTLS, AUTH, then `other`, then HELP). {@link parseCapabilities} reads it back.
 *
 * @throws TypeError for a malformed keyword or parameter, a keyword in `other` that has its own
 * field, a repeated keyword, CR/LF in the greeting, or a negative or fractional size.
 */
export function formatCapabilities(init: CapabilitiesInit): Reply {
  if (/[\r\n\0]/.test(init.greeting) || init.greeting.trim() === '') {
    throw new TypeError('EHLO greeting must be non-empty and must not contain CR, LF or NUL');
  }
  const lines = [init.greeting];
  const flag = (keyword: string, on: boolean | undefined) => {
    if (on === true) lines.push(keyword);
  };
  flag('PIPELINING', init.pipelining);
  if (init.size !== undefined) {
    if (!Number.isSafeInteger(init.size) || init.size < 0)
      throw new TypeError('SIZE must be a non-negative integer');
    lines.push(`SIZE ${init.size}`);
  }
  flag('8BITMIME', init.eightBitMime);
  flag('ENHANCEDSTATUSCODES', init.enhancedStatusCodes);
  flag('CHUNKING', init.chunking);
  flag('BINARYMIME', init.binaryMime);
  flag('SMTPUTF8', init.smtputf8);
  flag('DSN', init.dsn);
  flag('REQUIRETLS', init.requireTls);
  flag('STARTTLS', init.startTls);
  if (init.auth !== undefined && init.auth.length > 0) {
    for (const mechanism of init.auth) checkToken(mechanism, 'AUTH mechanism');
    lines.push(`AUTH ${init.auth.join(' ')}`);
  }
  const seen = new Set<string>();
  for (const [keyword, params] of init.other ?? []) {
    const upper = keyword.toUpperCase();
    if (!KEYWORD.test(keyword)) throw new TypeError(`malformed EHLO keyword ${JSON.stringify(keyword)}`);
    if (TYPED_KEYWORDS.has(upper)) throw new TypeError(`EHLO keyword ${upper} has its own field`);
    if (seen.has(upper)) throw new TypeError(`EHLO keyword ${upper} given twice`);
    seen.add(upper);
    for (const param of params) checkToken(param, `parameter of ${upper}`);
    lines.push([keyword, ...params].join(' '));
  }
  if (init.help === true) lines.push('HELP');
  return { code: 250, lines };
}
