/**
 * ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 `esmtp-param`), typed for the extensions
 * this package knows and kept raw for the rest.
 */

import { assertNoLineBreak, CommandFormatError } from './command.js';
import { xtextDecode, xtextEncode } from './xtext.js';

/** `BODY=` values (RFC 6152, RFC 3030). */
export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME';
/** `RET=` values (RFC 3461): return the full message or only its headers in a DSN. */
export type DsnReturn = 'FULL' | 'HDRS';
/** `NOTIFY=` conditions (RFC 3461). */
export type NotifyCondition = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY';
/** A parameter this package does not know: upper-case keyword and raw value (absent when there was no `=`). */
export type UnknownParameter = readonly [keyword: string, value: string | undefined];

/** Parameters of MAIL FROM (and SEND/SOML/SAML). */
export interface MailParameters {
  /** `SIZE=n` (RFC 1870): the client's estimate of the message size in octets. */
  readonly size?: number;
  /** `BODY=` (RFC 6152 8BITMIME, RFC 3030 BINARYMIME), in upper case. */
  readonly body?: BodyType;
  /** `SMTPUTF8` (RFC 6531): the message needs UTF-8 addresses or headers. */
  readonly smtputf8?: true;
  /** `RET=` (RFC 3461 DSN), in upper case. */
  readonly ret?: DsnReturn;
  /** `ENVID=` (RFC 3461 DSN), xtext decoded: the envelope identifier for DSNs. */
  readonly envid?: string;
  /**
   * `AUTH=` (RFC 4954 §5), xtext decoded: the authenticated submitter's mailbox, or `<>` when
   * the client does not know or will not say.
   */
  readonly auth?: string;
  /** `REQUIRETLS` (RFC 8689): the message must only travel over TLS. */
  readonly requireTls?: true;
  /** `MT-PRIORITY=` (RFC 6710): -9 (lowest) to 9. */
  readonly mtPriority?: number;
  /** Parameters this package does not know, in the order sent (absent when there are none). */
  readonly other?: readonly UnknownParameter[];
}

/** `ORCPT=addr-type;address` (RFC 3461 §4.2): the recipient as first given. */
export interface OriginalRecipient {
  /** The address type in lower case, usually `rfc822`, or `utf-8` (RFC 6533). */
  readonly addrType: string;
  /** The address, decoded (xtext, or the `\x{HEX}` escapes of the `utf-8` type). */
  readonly address: string;
}

/** Parameters of RCPT TO. */
export interface RcptParameters {
  /** `NOTIFY=` (RFC 3461): `['NEVER']`, or some of SUCCESS, FAILURE and DELAY, in the order sent. */
  readonly notify?: readonly NotifyCondition[];
  /** `ORCPT=` (RFC 3461). */
  readonly orcpt?: OriginalRecipient;
  /** Parameters this package does not know, in the order sent (absent when there are none). */
  readonly other?: readonly UnknownParameter[];
}

/** The outcome of reading parameters: the typed values, or what is wrong with them. */
export type ParametersResult<P> =
  | { readonly ok: true; readonly params: P }
  | { readonly ok: false; readonly reason: string };

type Draft<P> = { -readonly [K in keyof P]?: P[K] };

/**
 * How one known parameter is read and written. `read` stores the value in the draft or returns
 * why it is malformed; `write` gives the `KEYWORD[=value]` token, or undefined when absent.
 */
interface ParameterSpec<P> {
  readonly extension: string;
  readonly read: (value: string | undefined, into: Draft<P>) => string | undefined;
  readonly write: (params: P) => string | undefined;
}

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** esmtp-value: printable ASCII but `=` (RFC 5321), plus non-ASCII (RFC 6531). */
const VALUE = /^[\x21-\x3c\x3e-\x7e\u0080-\uffff]+$/;
const BODY_TYPES: readonly BodyType[] = ['7BIT', '8BITMIME', 'BINARYMIME'];
const RETURNS: readonly DsnReturn[] = ['FULL', 'HDRS'];
const CONDITIONS: readonly NotifyCondition[] = ['NEVER', 'SUCCESS', 'FAILURE', 'DELAY'];
const ADDR_TYPE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;

function noValue(keyword: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${keyword} takes no value`;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  const upper = value?.toUpperCase();
  return allowed.find((item) => item === upper);
}

/** RFC 6533 utf-8-addr-xtext / utf-8-addr-unitext: `\x{HEX}` escapes, no `+`, `=` or other `\`. */
function decodeUtf8Address(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) {
      const match = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(text.slice(i, i + 11));
      const point = match === null ? -1 : Number.parseInt(match[1] as string, 16);
      if (point < 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
      out += String.fromCodePoint(point);
      i += (match as RegExpExecArray)[0].length - 1;
    } else if (code === 0x2b || code === 0x3d || code < 0x21 || code === 0x7f) {
      return undefined;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** Writes an address as RFC 6533 utf-8-addr-xtext: pure ASCII, everything else as `\x{HEX}`. */
function encodeUtf8Address(address: string): string {
  let out = '';
  for (const char of address) {
    const point = char.codePointAt(0) as number;
    const plain = point >= 0x21 && point <= 0x7e && point !== 0x2b && point !== 0x3d && point !== 0x5c;
    out += plain ? char : `\\x{${point.toString(16).toUpperCase()}}`;
  }
  return out;
}

function decodeOrcptAddress(addrType: string, encoded: string): string | undefined {
  return addrType === 'utf-8' ? decodeUtf8Address(encoded) : xtextDecode(encoded);
}

const MAIL_SPECS: ReadonlyMap<string, ParameterSpec<MailParameters>> = new Map<
  string,
  ParameterSpec<MailParameters>
>([
  [
    'SIZE',
    {
      extension: 'SIZE',
      read: (value, into) => {
        // RFC 1870 allows up to 20 digits; beyond 2^53 the number is rounded but stays huge.
        if (value === undefined || !/^\d{1,20}$/.test(value)) return 'SIZE needs a number of octets';
        into.size = Number(value);
        return undefined;
      },
      write: (p) => (p.size === undefined ? undefined : `SIZE=${p.size}`),
    },
  ],
  [
    'BODY',
    {
      extension: '8BITMIME',
      read: (value, into) => {
        const body = oneOf(value, BODY_TYPES);
        if (body === undefined) return 'BODY must be 7BIT, 8BITMIME or BINARYMIME';
        into.body = body;
        return undefined;
      },
      write: (p) => (p.body === undefined ? undefined : `BODY=${p.body}`),
    },
  ],
  [
    'SMTPUTF8',
    {
      extension: 'SMTPUTF8',
      read: (value, into) => {
        into.smtputf8 = true;
        return noValue('SMTPUTF8', value);
      },
      write: (p) => (p.smtputf8 ? 'SMTPUTF8' : undefined),
    },
  ],
  [
    'RET',
    {
      extension: 'DSN',
      read: (value, into) => {
        const ret = oneOf(value, RETURNS);
        if (ret === undefined) return 'RET must be FULL or HDRS';
        into.ret = ret;
        return undefined;
      },
      write: (p) => (p.ret === undefined ? undefined : `RET=${p.ret}`),
    },
  ],
  [
    'ENVID',
    {
      extension: 'DSN',
      read: (value, into) => {
        const envid = value === undefined ? undefined : xtextDecode(value);
        if (envid === undefined || envid === '') return 'ENVID must be xtext';
        into.envid = envid;
        return undefined;
      },
      write: (p) => (p.envid === undefined ? undefined : `ENVID=${xtextEncode(p.envid)}`),
    },
  ],
  [
    'AUTH',
    {
      extension: 'AUTH',
      read: (value, into) => {
        // `<>` is itself valid xtext, so one decoder covers both forms.
        const auth = value === undefined ? undefined : xtextDecode(value);
        if (auth === undefined || auth === '') return 'AUTH must be an xtext mailbox or <>';
        into.auth = auth;
        return undefined;
      },
      write: (p) => (p.auth === undefined ? undefined : `AUTH=${xtextEncode(p.auth)}`),
    },
  ],
  [
    'REQUIRETLS',
    {
      extension: 'REQUIRETLS',
      read: (value, into) => {
        into.requireTls = true;
        return noValue('REQUIRETLS', value);
      },
      write: (p) => (p.requireTls ? 'REQUIRETLS' : undefined),
    },
  ],
  [
    'MT-PRIORITY',
    {
      extension: 'MT-PRIORITY',
      read: (value, into) => {
        if (value === undefined || !/^[+-]?\d$/.test(value))
          return 'MT-PRIORITY must be a number from -9 to 9';
        into.mtPriority = Number(value) + 0; // + 0 turns -0 into 0
        return undefined;
      },
      write: (p) => (p.mtPriority === undefined ? undefined : `MT-PRIORITY=${p.mtPriority}`),
    },
  ],
]);

const RCPT_SPECS: ReadonlyMap<string, ParameterSpec<RcptParameters>> = new Map<
  string,
  ParameterSpec<RcptParameters>
>([
  [
    'NOTIFY',
    {
      extension: 'DSN',
      read: (value, into) => {
        const items = value === undefined ? [] : value.split(',').map((item) => oneOf(item, CONDITIONS));
        const conditions = items.filter((item): item is NotifyCondition => item !== undefined);
        const problem =
          items.length === 0 || conditions.length !== items.length
            ? 'NOTIFY must be NEVER or a list of SUCCESS, FAILURE and DELAY'
            : conditions.includes('NEVER') && conditions.length > 1
              ? 'NOTIFY=NEVER cannot be combined with other conditions'
              : new Set(conditions).size !== conditions.length
                ? 'NOTIFY lists a condition twice'
                : undefined;
        if (problem === undefined) into.notify = conditions;
        return problem;
      },
      write: (p) => (p.notify === undefined ? undefined : `NOTIFY=${p.notify.join(',')}`),
    },
  ],
  [
    'ORCPT',
    {
      extension: 'DSN',
      read: (value, into) => {
        const semicolon = value === undefined ? -1 : value.indexOf(';');
        const addrType = value?.slice(0, semicolon).toLowerCase() ?? '';
        const address =
          semicolon < 0 ? undefined : decodeOrcptAddress(addrType, (value as string).slice(semicolon + 1));
        if (!ADDR_TYPE.test(addrType) || address === undefined || address === '') {
          return 'ORCPT must be addr-type;address, e.g. rfc822;user@example.test';
        }
        into.orcpt = { addrType, address };
        return undefined;
      },
      write: (p) => {
        if (p.orcpt === undefined) return undefined;
        const { addrType, address } = p.orcpt;
        const encoded = addrType === 'utf-8' ? encodeUtf8Address(address) : xtextEncode(address);
        return `ORCPT=${addrType};${encoded}`;
      },
    },
  ],
]);

function parseWith<P extends { readonly other?: readonly UnknownParameter[] }>(
  text: string,
  specs: ReadonlyMap<string, ParameterSpec<P>>,
): ParametersResult<P> {
  const draft: Draft<P> = {};
  if (text === '') return { ok: true, params: draft as P };
  // A command carries a handful of parameters: a list is cheaper than a Set here.
  const seen: string[] = [];
  let other: UnknownParameter[] | undefined;
  for (const token of text.split(' ')) {
    if (token === '') continue;
    const equals = token.indexOf('=');
    const written = equals === -1 ? token : token.slice(0, equals);
    const value = equals === -1 ? undefined : token.slice(equals + 1);
    if (!KEYWORD.test(written))
      return { ok: false, reason: `malformed parameter ${JSON.stringify(token.slice(0, 40))}` };
    const keyword = written.toUpperCase();
    if (value !== undefined && !VALUE.test(value))
      return { ok: false, reason: `malformed value of parameter ${keyword}` };
    if (seen.includes(keyword)) return { ok: false, reason: `parameter ${keyword} given twice` };
    seen.push(keyword);
    const spec = specs.get(keyword);
    if (spec === undefined) {
      other ??= [];
      other.push([keyword, value]);
      continue;
    }
    const problem = spec.read(value, draft);
    if (problem !== undefined) return { ok: false, reason: problem };
  }
  if (other !== undefined) (draft as Draft<{ other: readonly UnknownParameter[] }>).other = other;
  return { ok: true, params: draft as P };
}

/**
 * Reads the parameters after `MAIL FROM:<path>`: space-separated `KEYWORD[=value]`, keywords in
 * any case. Known parameters are checked and typed; unknown ones land in `other` (the server
 * decides whether to answer 555). Fails on malformed syntax, a malformed known value, or a
 * keyword given twice. Never throws.
 *
 * @example
 * ```ts
 * parseMailParameters('SIZE=1000 body=8bitmime'); // { ok: true, params: { size: 1000, body: '8BITMIME' } }
 * ```
 */
export function parseMailParameters(text: string): ParametersResult<MailParameters> {
  return parseWith(text, MAIL_SPECS);
}

/** Reads the parameters after `RCPT TO:<path>`; see {@link parseMailParameters}. Never throws. */
export function parseRcptParameters(text: string): ParametersResult<RcptParameters> {
  return parseWith(text, RCPT_SPECS);
}

function writeWith<P extends { readonly other?: readonly UnknownParameter[] }>(
  params: P,
  specs: ReadonlyMap<string, ParameterSpec<P>>,
  check: (params: P) => void,
): string {
  check(params);
  const out: string[] = [];
  for (const spec of specs.values()) {
    const token = spec.write(params);
    if (token !== undefined) out.push(token);
  }
  const seen = new Set<string>();
  for (const [keyword, value] of params.other ?? []) {
    assertNoLineBreak(keyword, 'parameter keyword');
    if (value !== undefined) assertNoLineBreak(value, `value of parameter ${keyword}`);
    const upper = keyword.toUpperCase();
    if (!KEYWORD.test(keyword))
      throw new CommandFormatError(`malformed parameter keyword ${JSON.stringify(keyword)}`);
    if (specs.has(upper))
      throw new CommandFormatError(`parameter ${upper} belongs in its own field, not in other`);
    if (seen.has(upper)) throw new CommandFormatError(`parameter ${upper} given twice`);
    if (value !== undefined && !VALUE.test(value)) {
      throw new CommandFormatError(`value of parameter ${upper} must be printable, without spaces or =`);
    }
    seen.add(upper);
    out.push(value === undefined ? keyword : `${keyword}=${value}`);
  }
  return out.join(' ');
}

function checkMail(p: MailParameters): void {
  if (p.size !== undefined && !(Number.isSafeInteger(p.size) && p.size >= 0)) {
    throw new CommandFormatError('SIZE must be a non-negative integer');
  }
  if (p.body !== undefined && !BODY_TYPES.includes(p.body))
    throw new CommandFormatError('BODY must be 7BIT, 8BITMIME or BINARYMIME');
  if (p.ret !== undefined && !RETURNS.includes(p.ret))
    throw new CommandFormatError('RET must be FULL or HDRS');
  for (const [name, value] of [
    ['ENVID', p.envid],
    ['AUTH', p.auth],
  ] as const) {
    if (value === undefined) continue;
    assertNoLineBreak(value, name);
    if (value === '') throw new CommandFormatError(`${name} must not be empty`);
  }
  if (p.mtPriority !== undefined && !(Number.isInteger(p.mtPriority) && Math.abs(p.mtPriority) <= 9)) {
    throw new CommandFormatError('MT-PRIORITY must be an integer from -9 to 9');
  }
  if (p.smtputf8 !== undefined && p.smtputf8 !== true)
    throw new CommandFormatError('SMTPUTF8 is either true or absent');
  if (p.requireTls !== undefined && p.requireTls !== true)
    throw new CommandFormatError('REQUIRETLS is either true or absent');
}

function checkRcpt(p: RcptParameters): void {
  if (p.notify !== undefined) {
    const list = p.notify;
    const valid =
      list.length > 0 &&
      list.every((item) => CONDITIONS.includes(item)) &&
      new Set(list).size === list.length &&
      !(list.includes('NEVER') && list.length > 1);
    if (!valid) throw new CommandFormatError('NOTIFY must be [NEVER] or distinct SUCCESS, FAILURE, DELAY');
  }
  if (p.orcpt !== undefined) {
    assertNoLineBreak(p.orcpt.address, 'ORCPT address');
    assertNoLineBreak(p.orcpt.addrType, 'ORCPT address type');
    if (!ADDR_TYPE.test(p.orcpt.addrType) || p.orcpt.addrType !== p.orcpt.addrType.toLowerCase()) {
      throw new CommandFormatError('ORCPT address type must be a lower-case atom such as rfc822');
    }
    if (p.orcpt.address === '') throw new CommandFormatError('ORCPT address must not be empty');
    if (/[\ud800-\udfff]/.test(p.orcpt.address.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
      throw new CommandFormatError('ORCPT address must be well-formed UTF-16');
    }
  }
}

/**
 * Writes MAIL parameters as `KEYWORD=value` tokens joined by spaces (`''` when there are none),
 * xtext-encoding ENVID and AUTH.
 *
 * @throws CommandFormatError (a TypeError) for values that cannot be written, and
 * CommandInjectionError for CR, LF or NUL in any of them.
 */
export function formatMailParameters(params: MailParameters): string {
  return writeWith(params, MAIL_SPECS, checkMail);
}

/**
 * Writes RCPT parameters; see {@link formatMailParameters}. ORCPT of type `utf-8` is written
 * in RFC 6533's pure-ASCII form (`\x{HEX}` escapes), valid with or without SMTPUTF8.
 */
export function formatRcptParameters(params: RcptParameters): string {
  return writeWith(params, RCPT_SPECS, checkRcpt);
}

/**
 * The EHLO extensions the typed parameters belong to (e.g. `SIZE`, `8BITMIME`, `DSN`), so a
 * server can answer 555 to a parameter of an extension it did not advertise. `BODY=BINARYMIME`
 * names `BINARYMIME`. Unknown parameters (`other`) are not included: they are never valid.
 */
export function parameterExtensions(params: MailParameters | RcptParameters): string[] {
  const needed = new Set<string>();
  const add = <P>(specs: ReadonlyMap<string, ParameterSpec<P>>, p: P) => {
    for (const spec of specs.values()) if (spec.write(p) !== undefined) needed.add(spec.extension);
  };
  add(MAIL_SPECS, params as MailParameters);
  add(RCPT_SPECS, params as RcptParameters);
  if ((params as MailParameters).body === 'BINARYMIME') {
    needed.delete('8BITMIME');
    needed.add('BINARYMIME');
  }
  return [...needed];
}
