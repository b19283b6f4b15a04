/**
 * What a session allows and offers. Everything here is plain data chosen by the application;
 * the session never reads the environment, a clock or a random source.
 */

/** The ESMTP extensions a session can advertise after `EHLO` (STARTTLS and AUTH have their own settings). */
export type ExtensionName =
  | 'pipelining'
  | 'size'
  | '8bitmime'
  | 'binarymime'
  | 'chunking'
  | 'smtputf8'
  | 'dsn'
  | 'enhancedstatuscodes'
  | 'requiretls'
  | 'help';

/** Every {@link ExtensionName}, in the order the `EHLO` reply lists them. */
export const EXTENSION_NAMES: readonly ExtensionName[] = [
  'pipelining',
  'size',
  '8bitmime',
  'enhancedstatuscodes',
  'chunking',
  'binarymime',
  'smtputf8',
  'dsn',
  'requiretls',
  'help',
];

/** The SASL mechanisms a session can run (RFC 4954 carries them over `AUTH`). */
export type AuthMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2' | 'OAUTHBEARER';

/** Every {@link AuthMechanismName}. */
export const AUTH_MECHANISM_NAMES: readonly AuthMechanismName[] = [
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
  'XOAUTH2',
  'OAUTHBEARER',
];

/** How the session treats a bare LF or bare CR (see the spec's "Bytes on the wire"). */
export type LineEndingMode = 'strict' | 'lenient';

/** TLS as the adapter sees it. */
export interface TlsPolicy {
  /** The adapter can upgrade this connection with STARTTLS (a certificate is configured). */
  readonly available: boolean;
  /** The connection is already encrypted (implicit TLS). STARTTLS then is neither offered nor accepted. */
  readonly active: boolean;
}

/** Authentication settings: present when the application can check credentials. */
export interface AuthPolicy {
  /**
   * The mechanisms offered, in the order advertised. Offer `CRAM-MD5` only when plain-text
   * passwords can be looked up, `XOAUTH2`/`OAUTHBEARER` only with a token check.
   */
  readonly mechanisms: readonly AuthMechanismName[];
  /** Offer and accept AUTH on an unencrypted connection. Default false: `538 5.7.11` there. */
  readonly allowInsecure?: boolean | undefined;
  /** Refuse `MAIL` with `530 5.7.0` until the client has authenticated. Default false. */
  readonly required?: boolean | undefined;
}

/**
 * The policy of one session. Only `hostname` is required; every other field has the default
 * of the project's server-behaviour specification, given on each field.
 */
export interface SessionPolicy {
  /** The server's name, in the greeting and the `EHLO` reply. Printable ASCII, no spaces. */
  readonly hostname: string;
  /** Greeting text after `ESMTP`/`LMTP`. Default `smtp-workbench`. */
  readonly product?: string | undefined;
  /** Largest message in octets, advertised with `SIZE` and enforced (`552 5.3.4`); 0 = no limit. Default 10 MiB. */
  readonly maxMessageSize?: number | undefined;
  /** Recipients per transaction; one more gets `452 4.5.3`. Default 100. */
  readonly maxRecipients?: number | undefined;
  /**
   * Error replies per connection; the command after this many gets `421 4.7.0` and the session
   * closes. 0 = no limit. Default 10.
   */
  readonly maxErrors?: number | undefined;
  /**
   * Refused `AUTH` attempts per connection; once reached, a further `AUTH` gets `421 4.7.0` and
   * the session closes. 0 = no limit. Default 3.
   */
  readonly maxAuthFailures?: number | undefined;
  /**
   * How long the adapter should wait before writing the reply to the n-th refused `AUTH`
   * (`failures` counts from 1). Default: one second per failure, at most five.
   */
  readonly authFailureDelayMs?: ((failures: number) => number) | undefined;
  /**
   * Longest command line in octets, CRLF included; longer lines get `500 5.5.6` and are dropped.
   * Default 512 (RFC 5321 §4.5.3.1.4). `AUTH` lines and SASL responses may always reach 12288
   * octets (RFC 4954 §4).
   */
  readonly maxCommandLineLength?: number | undefined;
  /**
   * When set, a message with a DATA text line longer than this many octets (CRLF included) is
   * refused after its end with `500 5.5.6`. Default: long lines are accepted.
   */
  readonly maxTextLineLength?: number | undefined;
  /** Default `strict`: a bare LF or CR gets `521 5.5.2` and the session closes. */
  readonly lineEndings?: LineEndingMode | undefined;
  /** Turn single extensions off (every one is on unless set to false). */
  readonly extensions?: Partial<Record<ExtensionName, boolean>> | undefined;
  /** STARTTLS and implicit TLS. Default: no TLS at all. */
  readonly tls?: TlsPolicy | undefined;
  /** Authentication. Default: none (`AUTH` gets `502 5.5.1`). */
  readonly auth?: AuthPolicy | undefined;
  /** The application answers `VRFY` (a `vrfy` decision); otherwise `252 2.5.0`. */
  readonly vrfy?: boolean | undefined;
  /** The application answers `EXPN` (an `expn` decision); otherwise `502 5.5.1`. */
  readonly expn?: boolean | undefined;
  /** Speak LMTP (RFC 2033): `LHLO` instead of `EHLO`/`HELO`, one reply per recipient after a message. */
  readonly lmtp?: boolean | undefined;
  /**
   * Octets of input the session holds while the application has not answered a decision. An
   * adapter should pause reading well before (see `ServerSession.buffered`); beyond this limit the
   * session answers `421 4.7.0` and closes. Default 1 MiB.
   */
  readonly maxPipelineBuffer?: number | undefined;
}

/** A {@link SessionPolicy} with every default filled in and every value checked. */
export interface ResolvedPolicy {
  readonly hostname: string;
  readonly product: string;
  /** 0 = no limit. */
  readonly maxMessageSize: number;
  readonly maxRecipients: number;
  /** 0 = no limit. */
  readonly maxErrors: number;
  /** 0 = no limit. */
  readonly maxAuthFailures: number;
  readonly authFailureDelayMs: (failures: number) => number;
  readonly maxCommandLineLength: number;
  readonly maxTextLineLength: number | undefined;
  readonly lineEndings: LineEndingMode;
  readonly extensions: Readonly<Record<ExtensionName, boolean>>;
  readonly tls: TlsPolicy;
  readonly auth: {
    readonly mechanisms: readonly AuthMechanismName[];
    readonly allowInsecure: boolean;
    readonly required: boolean;
  };
  readonly vrfy: boolean;
  readonly expn: boolean;
  readonly lmtp: boolean;
  readonly maxPipelineBuffer: number;
}

/** Default of {@link SessionPolicy.maxMessageSize}: 10 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;
/** Default of {@link SessionPolicy.maxRecipients}. */
export const DEFAULT_MAX_RECIPIENTS = 100;
/** Default of {@link SessionPolicy.maxErrors}. */
export const DEFAULT_MAX_ERRORS = 10;
/** Default of {@link SessionPolicy.maxAuthFailures}. */
export const DEFAULT_MAX_AUTH_FAILURES = 3;
/** Default of {@link SessionPolicy.maxCommandLineLength} (RFC 5321 §4.5.3.1.4). */
export const DEFAULT_MAX_COMMAND_LINE_LENGTH = 512;
/** Longest `AUTH` line or SASL response, CRLF included (RFC 4954 §4). */
export const MAX_AUTH_LINE_LENGTH = 12288;
/** Default of {@link SessionPolicy.maxPipelineBuffer}: 1 MiB. */
export const DEFAULT_MAX_PIPELINE_BUFFER = 1024 * 1024;
/** Default of {@link SessionPolicy.product}. */
export const DEFAULT_PRODUCT = 'smtp-workbench';

/** Default of {@link SessionPolicy.authFailureDelayMs}: one second per failure, at most five. */
export function defaultAuthFailureDelayMs(failures: number): number {
  return Math.min(failures, 5) * 1000;
}

function count(name: string, value: number | undefined, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`session policy: ${name} must be an integer of at least ${minimum}, got ${value}`);
  }
  return value;
}

function text(name: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value))
    throw new TypeError(`session policy: ${name} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

function lineEndingMode(value: LineEndingMode | undefined): LineEndingMode {
  if (value === undefined || value === 'strict' || value === 'lenient') return value ?? 'strict';
  throw new TypeError(
    `session policy: lineEndings must be 'strict' or 'lenient', got ${JSON.stringify(value)}`,
  );
}

/** Every policy {@link resolvePolicy} returned (frozen, so they stay as checked). */
const RESOLVED = new WeakSet<ResolvedPolicy>();

/** True for a policy {@link resolvePolicy} returned: a session takes it as is. */
export function isResolvedPolicy(policy: SessionPolicy | ResolvedPolicy): policy is ResolvedPolicy {
  return RESOLVED.has(policy as ResolvedPolicy);
}

/**
 * Fills in the defaults of a policy and checks it. The result is frozen; an adapter serving many
 * connections with one policy resolves it once and hands the result to every `ServerSession`,
 * which then shares the work that depends only on the policy (the greeting, the extension lists).
 *
 * @throws TypeError or RangeError for a value the session cannot honour (a hostname with spaces,
 * a negative limit, an unknown mechanism): these are the application's mistakes, not the peer's.
 */
export function resolvePolicy(policy: SessionPolicy): ResolvedPolicy {
  if (isResolvedPolicy(policy)) return policy;
  const hostname = text(
    'hostname',
    policy.hostname,
    /^[\x21-\x7e]{1,255}$/,
    'printable ASCII without spaces',
  );
  const product = text(
    'product',
    policy.product ?? DEFAULT_PRODUCT,
    /^[\x20-\x7e]{0,200}$/,
    'printable ASCII',
  );
  const extensions = {} as Record<ExtensionName, boolean>;
  for (const name of EXTENSION_NAMES) extensions[name] = policy.extensions?.[name] ?? true;
  const mechanisms = policy.auth?.mechanisms ?? [];
  for (const mechanism of mechanisms) {
    if (!AUTH_MECHANISM_NAMES.includes(mechanism)) {
      throw new TypeError(`session policy: unknown AUTH mechanism ${JSON.stringify(mechanism)}`);
    }
  }
  const maxTextLineLength =
    policy.maxTextLineLength === undefined
      ? undefined
      : count('maxTextLineLength', policy.maxTextLineLength, 0, 3);
  const resolved: ResolvedPolicy = {
    hostname,
    product,
    maxMessageSize: count('maxMessageSize', policy.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE),
    maxRecipients: count('maxRecipients', policy.maxRecipients, DEFAULT_MAX_RECIPIENTS, 1),
    maxErrors: count('maxErrors', policy.maxErrors, DEFAULT_MAX_ERRORS),
    maxAuthFailures: count('maxAuthFailures', policy.maxAuthFailures, DEFAULT_MAX_AUTH_FAILURES),
    authFailureDelayMs: policy.authFailureDelayMs ?? defaultAuthFailureDelayMs,
    maxCommandLineLength: count(
      'maxCommandLineLength',
      policy.maxCommandLineLength,
      DEFAULT_MAX_COMMAND_LINE_LENGTH,
      16,
    ),
    maxTextLineLength,
    lineEndings: lineEndingMode(policy.lineEndings),
    extensions: Object.freeze(extensions),
    tls: Object.freeze({ available: policy.tls?.available ?? false, active: policy.tls?.active ?? false }),
    auth: Object.freeze({
      mechanisms: Object.freeze([...new Set(mechanisms)]),
      allowInsecure: policy.auth?.allowInsecure ?? false,
      required: policy.auth?.required ?? false,
    }),
    vrfy: policy.vrfy ?? false,
    expn: policy.expn ?? false,
    lmtp: policy.lmtp ?? false,
    maxPipelineBuffer: count('maxPipelineBuffer', policy.maxPipelineBuffer, DEFAULT_MAX_PIPELINE_BUFFER, 1),
  };
  RESOLVED.add(resolved);
  return Object.freeze(resolved);
}
