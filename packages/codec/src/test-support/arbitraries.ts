/**
 * fast-check arbitraries for the codec's values: paths, ESMTP parameters, every command and
 * replies. Other packages' tests reuse them (e.g. to drive a session with any valid command).
 * Every value they produce is valid: `formatCommand` accepts it and `parseCommand` gives it back.
 */
import fc from 'fast-check';
import {
  type ForwardPath,
  type MailboxPath,
  mailboxPath,
  NULL_PATH,
  postmasterPath,
  type ReversePath,
} from '../address.js';
import { base64Encode } from '../base64.js';
import { type Command, KNOWN_VERBS } from '../command.js';
import type { MailParameters, NotifyCondition, RcptParameters, UnknownParameter } from '../params.js';
import type { Reply } from '../reply.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}0123456789`;
const ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
const NON_ASCII = ['é', 'ß', 'ü', 'ж', '中', '文', 'ع', '😀'];

function charsOf(alphabet: string): fc.Arbitrary<string> {
  return fc.constantFrom(...alphabet);
}

/** Text without CR, LF or NUL (any other code point, well-formed UTF-16). */
export function safeText(options: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'binary', minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 30 })
    .map((text) => text.replace(/[\r\n\0]/g, '_'));
}

/** An argument as commands carry it: non-empty, no CR/LF/NUL, not starting or ending with space or tab. */
export function argumentArb(): fc.Arbitrary<string> {
  return safeText({ minLength: 1 }).filter((text) => !/^[ \t]|[ \t]$/.test(text));
}

/** A DNS label of letters and digits with inner hyphens. */
export const labelArb: fc.Arbitrary<string> = fc
  .tuple(charsOf(ALNUM), fc.string({ unit: charsOf(`${ALNUM}-`), maxLength: 8 }), charsOf(ALNUM))
  .map(([first, middle, last]) => `${first}${middle}${last}`);

/** A U-label: letters with a non-ASCII character in it (RFC 6531). */
export const uLabelArb: fc.Arbitrary<string> = fc
  .tuple(charsOf(LOWER), fc.constantFrom(...NON_ASCII), charsOf(LOWER))
  .map((parts) => parts.join(''));

/** An ASCII domain name such as `mx1.example.test`. */
export const asciiDomainArb: fc.Arbitrary<string> = fc
  .array(labelArb, { minLength: 1, maxLength: 3 })
  .map((labels) => [...labels, 'test'].join('.'));

/** A domain name, sometimes with a U-label. */
export const domainArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: asciiDomainArb },
  { weight: 1, arbitrary: fc.tuple(uLabelArb, asciiDomainArb).map(([u, rest]) => `${u}.${rest}`) },
);

const ipv4Arb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));

const ipv6Arb = fc
  .tuple(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), fc.boolean())
  .map(([groups, compress]) => {
    const hex = groups.map((group) => group.toString(16));
    if (!compress) return hex.join(':');
    // Collapse two middle groups into `::`.
    return `${hex.slice(0, 3).join(':')}::${hex.slice(5).join(':')}`;
  });

/** An address literal: IPv4, IPv6 or a general `tag:content` literal, with brackets. */
export const addressLiteralArb: fc.Arbitrary<string> = fc.oneof(
  ipv4Arb.map((ip) => `[${ip}]`),
  ipv6Arb.map((ip) => `[IPv6:${ip}]`),
  fc
    .tuple(labelArb, fc.string({ unit: charsOf(`${ALNUM}.:-_`), minLength: 1, maxLength: 10 }))
    .map(([tag, content]) => `[x-${tag}:${content}]`),
);

const dotStringArb = fc
  .array(fc.string({ unit: fc.oneof(charsOf(ALNUM), charsOf(ATEXT_SPECIALS)), minLength: 1, maxLength: 8 }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((atoms) => atoms.join('.'));

/** A local part: a dot-string, text that needs quoting (spaces, quotes, backslashes), or UTF-8. */
export const localPartArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: dotStringArb },
  { weight: 1, arbitrary: fc.string({ unit: charsOf(' "\\@<>,;:.()[]ab'), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.tuple(dotStringArb, fc.constantFrom(...NON_ASCII)).map(([a, b]) => `${a}${b}`) },
);

function tryMailbox(
  localPart: string,
  domain: string,
  sourceRoute?: readonly string[],
): MailboxPath | undefined {
  try {
    return mailboxPath(localPart, domain, sourceRoute === undefined ? {} : { sourceRoute });
  } catch {
    return undefined;
  }
}

/** A mailbox path; now and then with an address literal or an (obsolete) source route. */
export const mailboxPathArb: fc.Arbitrary<MailboxPath> = fc
  .tuple(
    localPartArb,
    fc.oneof({ weight: 5, arbitrary: domainArb }, { weight: 1, arbitrary: addressLiteralArb }),
    fc.option(fc.array(asciiDomainArb, { minLength: 1, maxLength: 2 }), { freq: 8, nil: undefined }),
  )
  .map(([local, domain, route]) => tryMailbox(local, domain, route))
  .filter((path): path is MailboxPath => path !== undefined);

/** What MAIL FROM carries: a mailbox or `<>`. */
export const reversePathArb: fc.Arbitrary<ReversePath> = fc.oneof(
  { weight: 5, arbitrary: mailboxPathArb },
  { weight: 1, arbitrary: fc.constant(NULL_PATH) },
);

/** What RCPT TO carries: a mailbox or `<Postmaster>` in some spelling. */
export const forwardPathArb: fc.Arbitrary<ForwardPath> = fc.oneof(
  { weight: 5, arbitrary: mailboxPathArb },
  { weight: 1, arbitrary: fc.constantFrom('Postmaster', 'postmaster', 'POSTMASTER').map(postmasterPath) },
);

const KNOWN_PARAMETERS = new Set([
  'SIZE',
  'BODY',
  'SMTPUTF8',
  'RET',
  'ENVID',
  'AUTH',
  'REQUIRETLS',
  'MT-PRIORITY',
]);
const KNOWN_RCPT_PARAMETERS = new Set(['NOTIFY', 'ORCPT']);

function otherParametersArb(known: ReadonlySet<string>): fc.Arbitrary<UnknownParameter[]> {
  const keyword = fc
    .tuple(charsOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.string({ unit: charsOf('ABCXYZ019-'), maxLength: 8 }))
    .map(([first, rest]) => `${first}${rest}`)
    .filter((word) => !known.has(word));
  const value = fc.option(
    fc.string({
      unit: fc.oneof(charsOf('abcXYZ09!#<>+/;:,.~'), fc.constantFrom(...NON_ASCII)),
      minLength: 1,
      maxLength: 10,
    }),
    { nil: undefined },
  );
  return fc.uniqueArray(fc.tuple(keyword, value), { selector: ([k]) => k, maxLength: 3 });
}

/** MAIL parameters, typed ones and unknown ones. */
export const mailParametersArb: fc.Arbitrary<MailParameters> = fc
  .record(
    {
      size: fc.nat(),
      body: fc.constantFrom('7BIT', '8BITMIME', 'BINARYMIME'),
      smtputf8: fc.constant(true),
      ret: fc.constantFrom('FULL', 'HDRS'),
      envid: safeText({ minLength: 1 }),
      auth: fc.oneof(
        fc.constant('<>'),
        mailboxPathArb.map((path) => path.address),
      ),
      requireTls: fc.constant(true),
      mtPriority: fc.integer({ min: -9, max: 9 }),
      other: otherParametersArb(KNOWN_PARAMETERS).filter((list) => list.length > 0),
    },
    { requiredKeys: [] },
  )
  .map((params) => params as MailParameters);

const notifyArb: fc.Arbitrary<NotifyCondition[]> = fc.oneof(
  fc.constant<NotifyCondition[]>(['NEVER']),
  fc.shuffledSubarray<NotifyCondition>(['SUCCESS', 'FAILURE', 'DELAY'], { minLength: 1 }),
);

/** RCPT parameters, typed ones and unknown ones. */
export const rcptParametersArb: fc.Arbitrary<RcptParameters> = fc
  .record(
    {
      notify: notifyArb,
      orcpt: fc.record({
        addrType: fc.constantFrom('rfc822', 'utf-8', 'x-local'),
        address: safeText({ minLength: 1 }),
      }),
      other: otherParametersArb(KNOWN_RCPT_PARAMETERS).filter((list) => list.length > 0),
    },
    { requiredKeys: [] },
  )
  .map((params) => params as RcptParameters);

const mechanismArb = fc.string({
  unit: charsOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'),
  minLength: 1,
  maxLength: 20,
});

const otherVerbArb = fc
  .oneof(
    fc
      .string({ unit: charsOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'), maxLength: 8 })
      .map((rest) => `X-${rest}`),
    fc.constantFrom('X-EXPS', 'X-DELIVERY-TIME', 'XCLIENT', 'XFORWARD', 'BURL', 'LHLO', 'GET'),
  )
  .filter((name) => !(KNOWN_VERBS as readonly string[]).includes(name));

/** One arbitrary for each verb, keyed by verb. */
export const commandArbs = {
  HELO: argumentArb().map((domain): Command => ({ verb: 'HELO', domain })),
  EHLO: fc
    .oneof(asciiDomainArb, addressLiteralArb, argumentArb())
    .map((domain): Command => ({ verb: 'EHLO', domain })),
  MAIL: fc
    .tuple(reversePathArb, mailParametersArb)
    .map(([from, params]): Command => ({ verb: 'MAIL', from, params })),
  RCPT: fc
    .tuple(forwardPathArb, rcptParametersArb)
    .map(([to, params]): Command => ({ verb: 'RCPT', to, params })),
  DATA: fc.constant<Command>({ verb: 'DATA' }),
  BDAT: fc
    .tuple(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.boolean())
    .map(([size, last]): Command => ({ verb: 'BDAT', size, last })),
  RSET: fc.constant<Command>({ verb: 'RSET' }),
  VRFY: argumentArb().map((argument): Command => ({ verb: 'VRFY', argument })),
  EXPN: argumentArb().map((argument): Command => ({ verb: 'EXPN', argument })),
  HELP: fc
    .option(argumentArb(), { nil: undefined })
    .map((topic): Command => (topic === undefined ? { verb: 'HELP' } : { verb: 'HELP', topic })),
  NOOP: fc
    .option(argumentArb(), { nil: undefined })
    .map((argument): Command => (argument === undefined ? { verb: 'NOOP' } : { verb: 'NOOP', argument })),
  QUIT: fc.constant<Command>({ verb: 'QUIT' }),
  STARTTLS: fc.constant<Command>({ verb: 'STARTTLS' }),
  AUTH: fc
    .tuple(
      mechanismArb,
      fc.option(fc.oneof(fc.constant(''), fc.uint8Array({ minLength: 1, maxLength: 40 }).map(base64Encode)), {
        nil: undefined,
      }),
    )
    .map(
      ([mechanism, initialResponse]): Command =>
        initialResponse === undefined
          ? { verb: 'AUTH', mechanism }
          : { verb: 'AUTH', mechanism, initialResponse },
    ),
  TURN: fc.constant<Command>({ verb: 'TURN' }),
  ATRN: fc
    .option(fc.array(asciiDomainArb, { minLength: 1, maxLength: 3 }), { nil: undefined })
    .map((domains): Command => (domains === undefined ? { verb: 'ATRN' } : { verb: 'ATRN', domains })),
  ETRN: fc
    .oneof(
      asciiDomainArb,
      asciiDomainArb.map((d) => `@${d}`),
      argumentArb(),
    )
    .map((argument): Command => ({ verb: 'ETRN', argument })),
  SEND: fc
    .tuple(reversePathArb, mailParametersArb)
    .map(([from, params]): Command => ({ verb: 'SEND', from, params })),
  SOML: fc
    .tuple(reversePathArb, mailParametersArb)
    .map(([from, params]): Command => ({ verb: 'SOML', from, params })),
  SAML: fc
    .tuple(reversePathArb, mailParametersArb)
    .map(([from, params]): Command => ({ verb: 'SAML', from, params })),
  OTHER: fc
    .tuple(otherVerbArb, fc.oneof(fc.constant(''), argumentArb()))
    .map(([name, argument]): Command => ({ verb: 'OTHER', name, argument })),
} as const satisfies Record<Command['verb'], fc.Arbitrary<Command>>;

/** Any valid command, every verb equally likely. */
export const commandArb: fc.Arbitrary<Command> = fc.oneof(...Object.values(commandArbs));

/** Reply text lines: no CR, LF or NUL. */
const replyLineArb = safeText({ maxLength: 40 });

const LOOKS_ENHANCED = /^([245])\.\d{1,3}\.\d{1,3}(?: |$)/;

/** Whether a parser would read an enhanced code from this first line of a reply with this code. */
function readsAsEnhanced(line: string, code: number): boolean {
  const match = LOOKS_ENHANCED.exec(line);
  return match !== null && Number(match[1]) === Math.floor(code / 100);
}

/** A valid reply; some carry an enhanced code of the matching class on their first line. */
export const replyArb: fc.Arbitrary<Reply> = fc
  .tuple(
    fc.integer({ min: 200, max: 599 }),
    fc.array(replyLineArb, { minLength: 1, maxLength: 5 }),
    fc.option(fc.tuple(fc.nat(999), fc.nat(999)), { nil: undefined }),
  )
  .map(([code, lines, detail]): Reply => {
    const klass = Math.floor(code / 100);
    if (detail === undefined || klass === 3) return { code, lines };
    const enhanced = `${klass}.${detail[0]}.${detail[1]}`;
    const [first = '', ...rest] = lines;
    return { code, enhanced, lines: [first === '' ? enhanced : `${enhanced} ${first}`, ...rest] };
  })
  // A plain first line that happens to read as an enhanced code would not round-trip as plain.
  .filter((reply) => reply.enhanced !== undefined || !readsAsEnhanced(reply.lines[0] ?? '', reply.code));
