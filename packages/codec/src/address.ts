/**
 * Mail paths of RFC 5321 §4.1.2 (with the RFC 6531 SMTPUTF8 additions): `<local@domain>`,
 * the null path `<>`, `<Postmaster>`, quoted local parts, address literals and source routes.
 */

/** The null reverse-path `<>`: a message that must never cause a bounce (bounces use it). */
export interface NullPath {
  readonly kind: 'null';
  /** Always empty. */
  readonly address: '';
  readonly utf8: false;
}

/** `<Postmaster>` without a domain: RFC 5321 §4.1.1.3 requires every server to accept it in RCPT. */
export interface PostmasterPath {
  readonly kind: 'postmaster';
  /** `Postmaster` as written (any case). */
  readonly address: string;
  readonly utf8: false;
}

/** A path naming a mailbox: `<local@domain>`, possibly with an obsolete source route. */
export interface MailboxPath {
  readonly kind: 'mailbox';
  /** `local@domain` as it goes between the brackets: the local part quoted only when it must be. */
  readonly address: string;
  /** The local part with quoting undone: `john doe` for `"john doe"@example.test`. */
  readonly localPart: string;
  /** The domain as written, or an address literal with its brackets: `[192.0.2.1]`. */
  readonly domain: string;
  /** True when the local part or the domain has non-ASCII characters (needs SMTPUTF8, RFC 6531). */
  readonly utf8: boolean;
  /**
   * The hosts of an obsolete source route `<@a,@b:user@c>`, without their `@`. RFC 5321 §4.1.2
   * and appendix C say to accept and ignore it; it is kept here only for the record.
   */
  readonly sourceRoute?: readonly string[];
}

/** Any path that MAIL or RCPT can carry. */
export type Path = NullPath | PostmasterPath | MailboxPath;
/** What MAIL FROM accepts: a mailbox or the null path. */
export type ReversePath = NullPath | MailboxPath;
/** What RCPT TO accepts: a mailbox or `<Postmaster>`. */
export type ForwardPath = PostmasterPath | MailboxPath;

/** Why a path was refused: its syntax, one of the lengths of RFC 5321 §4.5.3.1, or non-ASCII without SMTPUTF8. */
export type PathProblem = 'syntax' | 'too-long' | 'non-ascii';

/** The outcome of reading a path: the path and where it ended, or what is wrong with it. */
export type PathResult<P extends Path = Path> =
  | { readonly ok: true; readonly path: P; readonly end: number }
  | { readonly ok: false; readonly problem: PathProblem; readonly reason: string };

/** How to read a path. */
export interface PathOptions {
  /**
   * When false, non-ASCII characters make the path fail with `problem: 'non-ascii'` (a server
   * that does not offer SMTPUTF8 at all). Default true: they are accepted and `utf8` is set.
   */
  readonly smtputf8?: boolean;
}

/** The null path `<>`. */
export const NULL_PATH: NullPath = Object.freeze({ kind: 'null', address: '', utf8: false });

/** Longest local part in octets (RFC 5321 §4.5.3.1.1). */
export const MAX_LOCAL_PART_LENGTH = 64;
/** Longest domain in octets (RFC 5321 §4.5.3.1.2). */
export const MAX_DOMAIN_LENGTH = 255;
/** Longest path in octets, brackets and source route included (RFC 5321 §4.5.3.1.3). */
export const MAX_PATH_LENGTH = 256;

const LT = 0x3c;
const GT = 0x3e;
const AT = 0x40;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const HYPHEN = 0x2d;

/** RFC 5322 atext, plus any non-ASCII character (RFC 6531). */
const ATEXT = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~") {
  ATEXT[c.charCodeAt(0)] = 1;
}

function isAtext(code: number): boolean {
  return code >= 0x80 || ATEXT[code] === 1;
}

function isLetDig(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** UTF-8 length of a string (a lone surrogate counts as the three octets of U+FFFD). */
function octets(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return true;
  return false;
}

/** A lone surrogate cannot be sent as UTF-8, so it is never part of a valid address. */
function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if ((unit & 0xf800) !== 0xd800) continue;
    if (unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    else return true;
  }
  return false;
}

/** True for a dot-string (RFC 5321 §4.1.2): atoms of atext joined by single dots. */
export function isDotString(text: string): boolean {
  if (text.length === 0 || text.charCodeAt(0) === DOT || text.charCodeAt(text.length - 1) === DOT)
    return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === DOT) {
      if (text.charCodeAt(i + 1) === DOT) return false;
    } else if (!isAtext(code)) return false;
  }
  return !hasLoneSurrogate(text);
}

/**
 * True for a domain name as RFC 5321 §4.1.2 writes it: labels of letters, digits and inner
 * hyphens, joined by dots, each at most 63 octets, 255 in all. With SMTPUTF8 (the default) a
 * label may also hold non-ASCII characters (a U-label; IDNA rules are not checked).
 */
export function isValidDomain(text: string, options: PathOptions = {}): boolean {
  const scan = scanDomainName(text, 0, options.smtputf8 ?? true);
  if (scan === undefined || scan.end !== text.length) return false;
  return scan.nonAscii
    ? octets(text) <= MAX_DOMAIN_LENGTH && !hasLoneSurrogate(text)
    : text.length <= MAX_DOMAIN_LENGTH;
}

/** Where a domain name read from some index ends, and whether it holds non-ASCII characters. */
interface DomainScan {
  readonly end: number;
  readonly nonAscii: boolean;
}

/** True for a label from `from` to `to`: 1-63 octets, not starting or ending with a hyphen. */
function isValidLabel(text: string, from: number, to: number, nonAscii: boolean): boolean {
  if (to === from || text.charCodeAt(from) === HYPHEN || text.charCodeAt(to - 1) === HYPHEN) return false;
  return nonAscii ? octets(text.slice(from, to)) <= 63 : to - from <= 63;
}

/**
 * Reads a domain name from `start` up to the first character that cannot be part of one
 * (checking its labels on the way, in one pass); `undefined` when a label is malformed.
 */
function scanDomainName(text: string, start: number, allowUtf8: boolean): DomainScan | undefined {
  let labelStart = start;
  let nonAscii = false;
  let labelNonAscii = false;
  let i = start;
  for (; ; i++) {
    const code = text.charCodeAt(i); // NaN past the end, which matches nothing below
    if (isLetDig(code) || code === HYPHEN) continue;
    if (code >= 0x80 && allowUtf8) {
      nonAscii = true;
      labelNonAscii = true;
      continue;
    }
    if (!isValidLabel(text, labelStart, i, labelNonAscii)) return undefined;
    if (code !== DOT) break;
    labelStart = i + 1;
    labelNonAscii = false;
  }
  return { end: i, nonAscii };
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** RFC 4291 text form. `::` may stand for one or more zero groups (RFC 5321 asks for two; real addresses use one). */
function isIpv6(text: string): boolean {
  let head = text;
  let groupsLeft = 8;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    head = text.slice(0, lastColon + 1);
    // `::1.2.3.4` keeps its `::`; `a:b:...:1.2.3.4` drops the colon before the IPv4 part.
    if (!head.endsWith('::')) head = head.slice(0, -1);
    groupsLeft = 6;
  }
  const group = /^[0-9A-Fa-f]{1,4}$/;
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((list) => list.every((g) => group.test(g)))) return false;
  const count = groups.reduce((sum, list) => sum + list.length, 0);
  return halves.length === 2 ? count < groupsLeft : count === groupsLeft;
}

/**
 * True for an address literal with its brackets (RFC 5321 §4.1.3): `[192.0.2.1]`,
 * `[IPv6:2001:db8::1]` or a general literal `[tag:content]`.
 */
export function isValidAddressLiteral(text: string): boolean {
  if (text.length < 3 || text.charCodeAt(0) !== LBRACKET || text.charCodeAt(text.length - 1) !== RBRACKET) {
    return false;
  }
  const inner = text.slice(1, -1);
  if (/^ipv6:/i.test(inner)) return isIpv6(inner.slice(5));
  const colon = inner.indexOf(':');
  if (colon === -1) return isIpv4(inner);
  const tag = inner.slice(0, colon);
  const content = inner.slice(colon + 1);
  // Standardized-tag is an Ldh-str: letters, digits, hyphens, ending in a letter or digit.
  return /^[A-Za-z0-9-]*[A-Za-z0-9]$/.test(tag) && /^[\x21-\x5a\x5e-\x7e]+$/.test(content);
}

/** Writes a local part as RFC 5321 wants it: as is when it is a dot-string, else quoted. */
export function quoteLocalPart(localPart: string): string {
  if (isDotString(localPart)) return localPart;
  return `"${localPart.replace(/["\\]/g, '\\$&')}"`;
}

/** True when the text is valid inside a quoted string once quoted: printable ASCII, space or non-ASCII. */
function isQuotable(localPart: string): boolean {
  for (let i = 0; i < localPart.length; i++) {
    const code = localPart.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return !hasLoneSurrogate(localPart);
}

/** Builds a {@link MailboxPath} or explains why it would be invalid. */
function buildMailbox(
  localPart: string,
  domain: string,
  sourceRoute: readonly string[] | undefined,
  options: PathOptions,
): { ok: true; path: MailboxPath } | { ok: false; problem: PathProblem; reason: string } {
  if (!isQuotable(localPart)) {
    return { ok: false, problem: 'syntax', reason: 'the local part has control characters or broken UTF-16' };
  }
  const written = quoteLocalPart(localPart);
  const literal = domain.charCodeAt(0) === LBRACKET;
  if (literal ? !isValidAddressLiteral(domain) : !isValidDomain(domain)) {
    return {
      ok: false,
      problem: 'syntax',
      reason: `${JSON.stringify(domain)} is not a valid domain or address literal`,
    };
  }
  const utf8 = hasNonAscii(localPart) || hasNonAscii(domain);
  if (utf8 && options.smtputf8 === false) {
    return {
      ok: false,
      problem: 'non-ascii',
      reason: 'the address has non-ASCII characters and SMTPUTF8 is not in use',
    };
  }
  if (octets(written) > MAX_LOCAL_PART_LENGTH) {
    return {
      ok: false,
      problem: 'too-long',
      reason: `the local part is longer than ${MAX_LOCAL_PART_LENGTH} octets`,
    };
  }
  const address = `${written}@${domain}`;
  const route = sourceRoute === undefined || sourceRoute.length === 0 ? '' : `@${sourceRoute.join(',@')}:`;
  if (octets(address) + octets(route) + 2 > MAX_PATH_LENGTH) {
    return { ok: false, problem: 'too-long', reason: `the path is longer than ${MAX_PATH_LENGTH} octets` };
  }
  const path: MailboxPath =
    route === ''
      ? { kind: 'mailbox', address, localPart, domain, utf8 }
      : { kind: 'mailbox', address, localPart, domain, utf8, sourceRoute: [...(sourceRoute as string[])] };
  return { ok: true, path };
}

/**
 * Builds a mailbox path from its parts, quoting the local part when needed.
 *
 * @throws TypeError when the local part has control characters, the domain is neither a valid
 * domain nor an address literal, a source-route host is not a valid domain, or a length limit of
 * RFC 5321 §4.5.3.1 is exceeded.
 * @example
 * ```ts
 * mailboxPath('john doe', 'example.test').address; // '"john doe"@example.test'
 * ```
 */
export function mailboxPath(
  localPart: string,
  domain: string,
  options: { readonly sourceRoute?: readonly string[] } = {},
): MailboxPath {
  for (const host of options.sourceRoute ?? []) {
    if (!isValidDomain(host))
      throw new TypeError(`source route host ${JSON.stringify(host)} is not a valid domain`);
  }
  const built = buildMailbox(localPart, domain, options.sourceRoute, {});
  if (!built.ok) throw new TypeError(built.reason);
  return built.path;
}

/**
 * The path `<Postmaster>` (RCPT only), spelled as given.
 *
 * @throws TypeError unless the spelling is `postmaster` in some case.
 */
export function postmasterPath(spelling = 'Postmaster'): PostmasterPath {
  if (spelling.toLowerCase() !== 'postmaster')
    throw new TypeError('postmaster path must be spelled Postmaster');
  return { kind: 'postmaster', address: spelling, utf8: false };
}

function fail(problem: PathProblem, reason: string): { ok: false; problem: PathProblem; reason: string } {
  return { ok: false, problem, reason };
}

/** Reads a quoted local part starting at its opening quote; returns the text and the index after the closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let runStart = start + 1;
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === DQUOTE) return { value: value + text.slice(runStart, i), end: i + 1 };
    if (code === BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0x20 && next <= 0x7e)) return undefined;
      value += text.slice(runStart, i);
      runStart = i + 1;
      i++;
    } else if (code < 0x20 || code === 0x7f) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Reads a path that starts at `text[start]` (which must be `<`) and reports where it ended.
 * `role` says which command it belongs to: `'reverse'` (MAIL: `<>` allowed) or `'forward'`
 * (RCPT: `<Postmaster>` allowed). Never throws.
 */
export function readPath(
  text: string,
  start: number,
  role: 'reverse',
  options?: PathOptions,
): PathResult<ReversePath>;
export function readPath(
  text: string,
  start: number,
  role: 'forward',
  options?: PathOptions,
): PathResult<ForwardPath>;
export function readPath(
  text: string,
  start: number,
  role: 'reverse' | 'forward',
  options: PathOptions = {},
): PathResult {
  if (text.charCodeAt(start) !== LT) return fail('syntax', 'the address must be enclosed in <...>');
  let at = start + 1;
  if (text.charCodeAt(at) === GT) {
    return role === 'reverse'
      ? { ok: true, path: NULL_PATH, end: at + 1 }
      : fail('syntax', 'the null path <> is not a valid recipient');
  }
  let sourceRoute: string[] | undefined;
  if (text.charCodeAt(at) === AT) {
    sourceRoute = [];
    for (;;) {
      const host = scanDomainName(text, at + 1, true);
      if (host === undefined) return fail('syntax', 'malformed source route');
      sourceRoute.push(text.slice(at + 1, host.end));
      at = host.end;
      const separator = text.charCodeAt(at);
      if (separator === COLON) break;
      if (separator !== COMMA || text.charCodeAt(at + 1) !== AT)
        return fail('syntax', 'malformed source route');
      at++;
    }
    at++;
  }
  const localStart = at;
  let localPart: string;
  let dotString = false;
  let localNonAscii = false;
  if (text.charCodeAt(at) === DQUOTE) {
    const quoted = readQuoted(text, at);
    if (quoted === undefined) return fail('syntax', 'malformed quoted local part');
    localPart = quoted.value;
    at = quoted.end;
  } else {
    // A dot-string, checked as it is read: atoms of atext joined by single dots.
    let afterDot = true;
    for (; ; at++) {
      const code = text.charCodeAt(at);
      if (code === DOT) {
        if (afterDot)
          return fail('syntax', at === localStart ? 'the address has no local part' : 'malformed local part');
        afterDot = true;
      } else if (code < 0x80 ? ATEXT[code] === 1 : code >= 0x80) {
        if (code >= 0x80) localNonAscii = true;
        afterDot = false;
      } else {
        break;
      }
    }
    if (at === localStart) return fail('syntax', 'the address has no local part');
    if (afterDot) return fail('syntax', 'malformed local part');
    localPart = text.slice(localStart, at);
    dotString = true;
  }
  if (text.charCodeAt(at) === GT) {
    if (
      role === 'forward' &&
      dotString &&
      sourceRoute === undefined &&
      localPart.toLowerCase() === 'postmaster'
    ) {
      return { ok: true, path: { kind: 'postmaster', address: localPart, utf8: false }, end: at + 1 };
    }
    return fail('syntax', 'the address has no domain');
  }
  if (text.charCodeAt(at) !== AT) return fail('syntax', 'malformed local part');
  const localEnd = at;
  at++;
  let domainStop: number;
  let domainNonAscii = false;
  if (text.charCodeAt(at) === LBRACKET) {
    domainStop = text.indexOf(']', at);
    if (domainStop === -1) return fail('syntax', 'unterminated address literal');
    domainStop++;
  } else {
    const scan = scanDomainName(text, at, true);
    if (scan === undefined) return fail('syntax', 'malformed domain');
    domainStop = scan.end;
    domainNonAscii = scan.nonAscii;
  }
  if (text.charCodeAt(domainStop) !== GT) {
    return fail('syntax', domainStop >= text.length ? 'the address lacks its closing >' : 'malformed domain');
  }
  const domain = text.slice(at, domainStop);
  if (dotString && sourceRoute === undefined && text.charCodeAt(at) !== LBRACKET) {
    // The common case, already fully checked above: build the path without a second pass.
    const utf8 = localNonAscii || domainNonAscii;
    if (utf8 && (hasLoneSurrogate(localPart) || hasLoneSurrogate(domain))) {
      return fail('syntax', 'the address has broken UTF-16');
    }
    if (utf8 && options.smtputf8 === false) {
      return fail('non-ascii', 'the address has non-ASCII characters and SMTPUTF8 is not in use');
    }
    const localOctets = localNonAscii ? octets(localPart) : localPart.length;
    const domainOctets = domainNonAscii ? octets(domain) : domain.length;
    if (localOctets > MAX_LOCAL_PART_LENGTH) {
      return fail('too-long', `the local part is longer than ${MAX_LOCAL_PART_LENGTH} octets`);
    }
    if (domainOctets > MAX_DOMAIN_LENGTH)
      return fail('too-long', `the domain is longer than ${MAX_DOMAIN_LENGTH} octets`);
    if (localOctets + domainOctets + 3 > MAX_PATH_LENGTH) {
      return fail('too-long', `the path is longer than ${MAX_PATH_LENGTH} octets`);
    }
    const address = text.slice(localStart, domainStop);
    return { ok: true, path: { kind: 'mailbox', address, localPart, domain, utf8 }, end: domainStop + 1 };
  }
  // Limits apply to the path as written, which is never shorter than the form `address` holds.
  if (octets(text.slice(localStart, localEnd)) > MAX_LOCAL_PART_LENGTH) {
    return fail('too-long', `the local part is longer than ${MAX_LOCAL_PART_LENGTH} octets`);
  }
  if (octets(domain) > MAX_DOMAIN_LENGTH)
    return fail('too-long', `the domain is longer than ${MAX_DOMAIN_LENGTH} octets`);
  if (octets(text.slice(start, domainStop + 1)) > MAX_PATH_LENGTH) {
    return fail('too-long', `the path is longer than ${MAX_PATH_LENGTH} octets`);
  }
  const built = buildMailbox(localPart, domain, sourceRoute, options);
  if (!built.ok) return built;
  return { ok: true, path: built.path, end: domainStop + 1 };
}

/**
 * Parses a whole path such as `<user@example.test>`, `<>` (reverse paths only) or
 * `<Postmaster>` (forward paths only). Never throws.
 */
export function parsePath(text: string, role: 'reverse', options?: PathOptions): PathResult<ReversePath>;
export function parsePath(text: string, role: 'forward', options?: PathOptions): PathResult<ForwardPath>;
export function parsePath(text: string, role: 'reverse' | 'forward', options: PathOptions = {}): PathResult {
  const result = role === 'reverse' ? readPath(text, 0, role, options) : readPath(text, 0, role, options);
  if (result.ok && result.end !== text.length) return fail('syntax', 'text follows the closing >');
  return result;
}

/**
 * Parses a bare mailbox `local@domain` (no brackets), e.g. a user's input for a client's
 * `from`/`to`. Never throws.
 *
 * @example
 * ```ts
 * const result = parseMailbox('"john doe"@example.test');
 * if (result.ok) result.path.localPart; // 'john doe'
 * ```
 */
export function parseMailbox(text: string, options: PathOptions = {}): PathResult<MailboxPath> {
  const result = parsePath(`<${text}>`, 'reverse', options);
  if (!result.ok) return result;
  if (result.path.kind !== 'mailbox' || result.path.sourceRoute !== undefined) {
    return fail('syntax', 'expected an address of the form local@domain');
  }
  return { ok: true, path: result.path, end: text.length };
}

/**
 * Writes a path with its brackets: `<>`, `<Postmaster>`, `<user@example.test>` or, when a
 * source route was kept, `<@a,@b:user@example.test>`.
 */
export function formatPath(path: Path): string {
  if (path.kind !== 'mailbox' || path.sourceRoute === undefined || path.sourceRoute.length === 0) {
    return `<${path.address}>`;
  }
  return `<@${path.sourceRoute.join(',@')}:${path.address}>`;
}
