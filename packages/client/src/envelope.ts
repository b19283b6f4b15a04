import {
  assertNoLineBreak,
  type BodyType,
  type Capabilities,
  CommandFormatError,
  type DsnReturn,
  type ForwardPath,
  formatMailParameters,
  formatPath,
  formatRcptParameters,
  type MailboxPath,
  type MailParameters,
  type NotifyCondition,
  NULL_PATH,
  type OriginalRecipient,
  parseMailbox,
  parsePath,
  type RcptParameters,
  type ReversePath,
} from '@smtp/codec';
import { CapabilityError, MessageTooLargeError } from './errors.js';

/** A recipient with its own DSN settings (RFC 3461). */
export interface Recipient {
  /** The mailbox, `local@domain` without brackets (or `Postmaster`). */
  readonly address: string;
  /** When to send a delivery status notification for this recipient. */
  readonly notify?: readonly NotifyCondition[];
  /** The original recipient to report in DSNs: an address (`rfc822` type) or a typed value. */
  readonly orcpt?: string | OriginalRecipient;
}

/** Delivery status notifications (RFC 3461). Needs a server offering `DSN`. */
export interface DsnOptions {
  /** Return the full message or only its headers in a bounce. */
  readonly ret?: DsnReturn;
  /** An envelope identifier the DSNs will quote. */
  readonly envid?: string;
  /** Default NOTIFY for every recipient that does not set its own. */
  readonly notify?: readonly NotifyCondition[];
  /** Send ORCPT=rfc822;ADDRESS (utf-8 for non-ASCII addresses) for every recipient that does not set its own. */
  readonly orcpt?: boolean;
}

/** Who a message is from and to. */
export interface Envelope {
  /** The reverse-path, `local@domain` without brackets; `''` for the null path `<>` (bounces). */
  readonly from: string;
  /** At least one recipient. */
  readonly to: readonly (string | Recipient)[];
}

/** How to send one message beyond its envelope. */
export interface TransactionOptions {
  /** Message size in octets for `SIZE=` and the limit check (known for in-memory bodies). */
  readonly size?: number;
  /**
   * What the body holds: `7BIT`, `8BITMIME` or `BINARYMIME`. Known for in-memory bodies (they
   * are scanned); for streams it may be declared, else the client declares `BODY=8BITMIME` when
   * the server offers it and checks the octets as they stream.
   */
  readonly bodyType?: BodyType;
  /** Declare `SMTPUTF8` even when every address is ASCII (for UTF-8 header fields, RFC 6532). */
  readonly smtputf8?: boolean;
  readonly dsn?: DsnOptions;
  /** `REQUIRETLS` (RFC 8689): the message must travel over TLS all the way. */
  readonly requireTls?: boolean;
  /** `AUTH=` on MAIL (RFC 4954 §5): the authenticated submitter, or `<>`. */
  readonly submitter?: string;
  /** `MT-PRIORITY=` (RFC 6710), -9 to 9, sent when the server offers MT-PRIORITY. */
  readonly priority?: number;
  /** `any` (default): send when at least one recipient is accepted; `all`: only when every one is. */
  readonly partial?: 'any' | 'all';
  /** `auto` (default): BDAT when the server offers CHUNKING (and the client allows it), else DATA. */
  readonly transfer?: 'auto' | 'DATA' | 'BDAT';
}

/** What the session knows that decides how a message can be sent. */
export interface SessionFacts {
  readonly capabilities: Capabilities;
  readonly secure: boolean;
  /** The client may use BDAT when offered. */
  readonly chunking: boolean;
}

/** The commands of one transaction, checked and formatted before any is sent. */
export interface EnvelopePlan {
  readonly mailLine: string;
  readonly recipients: readonly { readonly address: string; readonly line: string }[];
  /** The body type the octets may have: a body needing more is refused as it streams. */
  readonly allowedBody: BodyType;
  readonly transfer: 'DATA' | 'BDAT';
}

/** An address that is not valid mailbox syntax (RFC 5321 §4.1.2); a `TypeError`. */
export class InvalidAddressError extends CommandFormatError {
  override readonly name: string = 'InvalidAddressError';
}

const PATH_CACHE_LIMIT = 256;

/**
 * Addresses already parsed, by their text: a client usually sends from the same sender to a
 * few recipients over and over, and parsing is the costly part of planning a message. Bounded;
 * owned by one session (no shared state).
 */
export class PathCache {
  readonly #paths = new Map<string, MailboxPath>();

  /** The parsed mailbox for `text`, or the reason it is not one. */
  mailbox(text: string): MailboxPath | string {
    const known = this.#paths.get(text);
    if (known !== undefined) return known;
    const parsed = parseMailbox(text);
    if (!parsed.ok) return parsed.reason;
    if (this.#paths.size >= PATH_CACHE_LIMIT) this.#paths.clear();
    this.#paths.set(text, parsed.path);
    return parsed.path;
  }
}

function reversePath(from: string, cache: PathCache): ReversePath {
  assertNoLineBreak(from, 'sender address');
  if (from === '' || from === '<>') return NULL_PATH;
  const path = cache.mailbox(from);
  if (typeof path === 'string') {
    throw new InvalidAddressError(`sender address ${JSON.stringify(from)} is invalid: ${path}`);
  }
  return path;
}

function forwardPath(to: string, cache: PathCache): ForwardPath {
  assertNoLineBreak(to, 'recipient address');
  if (to.toLowerCase() === 'postmaster') {
    const parsed = parsePath(`<${to}>`, 'forward');
    if (parsed.ok) return parsed.path;
  }
  const path = cache.mailbox(to);
  if (typeof path === 'string') {
    throw new InvalidAddressError(`recipient address ${JSON.stringify(to)} is invalid: ${path}`);
  }
  return path;
}

/** `HEAD params`, or `HEAD` alone. */
function withParameters(head: string, parameters: string): string {
  return parameters === '' ? head : `${head} ${parameters}`;
}

function originalRecipient(path: ForwardPath): OriginalRecipient {
  return { addrType: path.utf8 ? 'utf-8' : 'rfc822', address: path.address };
}

function need(ok: boolean, requirement: CapabilityError['requirement'], message: string): void {
  if (!ok) throw new CapabilityError(requirement, message, 'mail');
}

/**
 * Checks a message's envelope and options against what the server offers and formats its
 * commands. Everything that could be refused locally is refused here, before a byte is sent.
 *
 * @throws CommandInjectionError for CR, LF or NUL in any value; {@link InvalidAddressError} for a
 * malformed address; CommandFormatError for other bad values; {@link CapabilityError} when the
 * message needs an extension the server lacks; {@link MessageTooLargeError} over the SIZE limit.
 */
export function planEnvelope(
  envelope: Envelope,
  options: TransactionOptions,
  session: SessionFacts,
  cache: PathCache = new PathCache(),
): EnvelopePlan {
  const caps = session.capabilities;
  const from = reversePath(envelope.from, cache);
  if (envelope.to.length === 0) throw new CommandFormatError('a message needs at least one recipient');
  const recipients = envelope.to.map((entry) => {
    const recipient: Recipient = typeof entry === 'string' ? { address: entry } : entry;
    return { recipient, path: forwardPath(recipient.address, cache) };
  });

  const utf8 = options.smtputf8 === true || from.utf8 || recipients.some(({ path }) => path.utf8);
  need(
    !utf8 || caps.smtputf8,
    'SMTPUTF8',
    'the message needs SMTPUTF8 (non-ASCII address) and the server does not offer it',
  );

  const declared = options.bodyType;
  if (declared === '8BITMIME') {
    need(
      caps.eightBitMime,
      '8BITMIME',
      'the message has 8-bit octets and the server does not offer 8BITMIME',
    );
  }
  if (declared === 'BINARYMIME') {
    need(
      caps.binaryMime && caps.chunking,
      'BINARYMIME',
      'the message has NUL octets (binary) and the server does not offer BINARYMIME with CHUNKING',
    );
  }
  const transferWanted = options.transfer ?? 'auto';
  if (transferWanted === 'BDAT')
    need(caps.chunking, 'CHUNKING', 'BDAT was asked for and the server does not offer CHUNKING');
  const transfer: 'DATA' | 'BDAT' =
    declared === 'BINARYMIME' ||
    transferWanted === 'BDAT' ||
    (transferWanted === 'auto' && session.chunking && caps.chunking)
      ? 'BDAT'
      : 'DATA';
  // A stream of unknown content may hold 8-bit octets: declaring 8BITMIME costs nothing where it
  // is offered (RFC 6152), and where it is not the octets are checked as they stream.
  const body: BodyType | undefined =
    declared === undefined
      ? caps.eightBitMime
        ? '8BITMIME'
        : undefined
      : declared === '7BIT'
        ? undefined
        : declared;
  const allowedBody: BodyType = declared ?? body ?? '7BIT';

  if (options.size !== undefined && caps.size !== undefined && caps.size > 0 && options.size > caps.size) {
    throw new MessageTooLargeError(options.size, caps.size);
  }

  const dsn = options.dsn;
  const wantsDsn =
    dsn !== undefined ||
    recipients.some(({ recipient }) => recipient.notify !== undefined || recipient.orcpt !== undefined);
  need(
    !wantsDsn || caps.dsn,
    'DSN',
    'delivery status notifications were asked for and the server does not offer DSN',
  );
  if (options.requireTls === true) {
    need(session.secure, 'REQUIRETLS', 'REQUIRETLS needs a TLS connection');
    need(caps.requireTls, 'REQUIRETLS', 'REQUIRETLS was asked for and the server does not offer it');
  }

  const mailParams: MailParameters = {
    ...(options.size !== undefined && caps.size !== undefined ? { size: options.size } : {}),
    ...(body === undefined ? {} : { body }),
    ...(utf8 ? { smtputf8: true as const } : {}),
    ...(dsn?.ret === undefined ? {} : { ret: dsn.ret }),
    ...(dsn?.envid === undefined ? {} : { envid: dsn.envid }),
    ...(options.submitter !== undefined && caps.auth.length > 0 ? { auth: options.submitter } : {}),
    ...(options.requireTls === true ? { requireTls: true as const } : {}),
    ...(options.priority !== undefined && caps.has('MT-PRIORITY') ? { mtPriority: options.priority } : {}),
  };
  // The paths come from the parser, so they are written as they are (formatCommand would parse
  // them once more); the parameter writers still refuse CR, LF and NUL.
  const mailLine = withParameters(`MAIL FROM:${formatPath(from)}`, formatMailParameters(mailParams));
  const lines = recipients.map(({ recipient, path }) => {
    const notify = recipient.notify ?? dsn?.notify;
    const orcpt =
      typeof recipient.orcpt === 'string'
        ? { addrType: 'rfc822', address: recipient.orcpt }
        : (recipient.orcpt ?? (dsn?.orcpt === true ? originalRecipient(path) : undefined));
    const params: RcptParameters = {
      ...(notify === undefined ? {} : { notify }),
      ...(orcpt === undefined ? {} : { orcpt }),
    };
    return {
      address: recipient.address,
      line: withParameters(`RCPT TO:${formatPath(path)}`, formatRcptParameters(params)),
    };
  });
  return { mailLine, recipients: lines, allowedBody, transfer };
}
