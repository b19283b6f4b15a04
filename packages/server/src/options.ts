import { hostname as osHostname } from 'node:os';
import type { SecureContextOptions } from 'node:tls';
import type { ExtensionName, LineEndingMode } from '@smtp/session';
import {
  type AuthMechanism,
  PASSWORD_MECHANISMS,
  type PasswordLookup,
  passwordLookup,
  TOKEN_MECHANISMS,
  type TokenVerifier,
  type UserSource,
} from './auth.js';
import type { ServerHooks } from './hooks.js';
import { createQueueIdGenerator, type QueueIdGenerator } from './queue-id.js';
import { hookStore } from './stores/hook-store.js';
import { MemoryStore } from './stores/memory-store.js';
import type { MessageStore } from './stores/message-store.js';

/**
 * TLS: a certificate and key (PEM), or a self-signed certificate made at `listen()` for local
 * testing. By default the server offers STARTTLS; `implicit: true` makes every connection start
 * with a TLS handshake instead (SMTPS, RFC 8314).
 */
export type TlsOptions = (
  | { readonly key: string | Buffer; readonly cert: string | Buffer; readonly selfSigned?: false }
  | { readonly selfSigned: true }
) & {
  /** TLS from the first byte instead of STARTTLS. Default false. */
  readonly implicit?: boolean | undefined;
  /** Further settings for Node's secure context (ciphers, minVersion, …). */
  readonly context?: Omit<SecureContextOptions, 'key' | 'cert'> | undefined;
};

/** Authentication: who may log in, and how. */
export interface AuthOptions {
  /**
   * Users and their plain-text passwords (a map, a record or a lookup function): enables
   * PLAIN, LOGIN and CRAM-MD5.
   */
  readonly users?: UserSource | undefined;
  /** Checks bearer tokens: enables XOAUTH2 and OAUTHBEARER. */
  readonly verifyToken?: TokenVerifier | undefined;
  /** The mechanisms to offer, in order; default: those the settings above enable. */
  readonly mechanisms?: readonly AuthMechanism[] | undefined;
  /** Refuse `MAIL` until the client has authenticated (`530 5.7.0`). Default false. */
  readonly required?: boolean | undefined;
  /** Allow AUTH over an unencrypted connection. Default false (`538 5.7.11` there). */
  readonly allowInsecure?: boolean | undefined;
}

/** Everything {@link createServer} accepts. Every field is optional. */
export interface ServerOptions extends ServerHooks {
  /** The name in the greeting and the EHLO reply. Default: the machine's host name. */
  readonly hostname?: string | undefined;
  /** The greeting text after `ESMTP`. Default `smtp-workbench`. */
  readonly product?: string | undefined;
  /** Largest message in octets (advertised with SIZE); 0 = no limit. Default 10 MiB. */
  readonly maxMessageSize?: number | undefined;
  /** Recipients per message. Default 100. */
  readonly maxRecipients?: number | undefined;
  /** Error replies per connection before `421 4.7.0`; 0 = no limit. Default 10. */
  readonly maxErrors?: number | undefined;
  /** Refuse messages with a text line longer than this (octets incl. CRLF). Default: accept. */
  readonly maxTextLineLength?: number | undefined;
  /** `lenient` accepts bare LF line ends (see the spec). Default `strict`. */
  readonly lineEndings?: LineEndingMode | undefined;
  /** Turn off single extensions, e.g. `{ chunking: false }`. */
  readonly extensions?: Partial<Record<ExtensionName, boolean>> | undefined;
  /** Speak LMTP (RFC 2033) instead of SMTP. Default false. */
  readonly lmtp?: boolean | undefined;
  /**
   * Connections open at once; more get `421 4.3.2` (the system is busy: try again later). 0 = no
   * limit. Default 1000.
   */
  readonly maxConnections?: number | undefined;
  /**
   * Connections open at once from one client address; more get `421 4.7.0` (a policy refusal,
   * as Postfix's anvil limit answers). 0 = no limit. Default 20.
   */
  readonly maxConnectionsPerAddress?: number | undefined;
  /** Milliseconds of client silence before `421 4.4.2` and close, in every state. 0 = never. Default 5 min. */
  readonly idleTimeout?: number | undefined;
  /**
   * Milliseconds the store (or the `onMessage` hook) may take over one step of a message (open, a
   * write, end, abort). A store that takes longer gets the message aborted and the client
   * `451 4.3.0` (reported as an `error` event); its late answer is ignored. 0 = wait forever.
   * Default 5 min, well inside the 10 minutes a client waits for its final reply (RFC 5321).
   */
  readonly storeTimeout?: number | undefined;
  /** Milliseconds `close()` lets commands in progress finish. Default 10 s. */
  readonly shutdownGrace?: number | undefined;
  /**
   * Expect a PROXY protocol header (v1 or v2) before SMTP on every connection, as sent by HAProxy
   * or a TCP load balancer. Default false.
   */
  readonly proxyProtocol?: boolean | undefined;
  /** Milliseconds to wait for the PROXY header before closing. Default 10 s. */
  readonly proxyTimeout?: number | undefined;
  readonly tls?: TlsOptions | undefined;
  readonly auth?: AuthOptions | undefined;
  /** Where messages go when there is no `onMessage` hook. Default: a new {@link MemoryStore}. */
  readonly store?: MessageStore | undefined;
  /** Makes queue ids. Default: short time-ordered random ids. */
  readonly queueId?: QueueIdGenerator | undefined;
  /**
   * Octets of unprocessed client input per connection above which the server stops reading (while
   * a hook or the store is busy). Default 64 KiB.
   */
  readonly highWaterMark?: number | undefined;
}

/** {@link ServerOptions} with defaults filled in, as connections use them. */
export interface ServerConfig {
  readonly hostname: string;
  readonly product: string | undefined;
  readonly options: ServerOptions;
  readonly hooks: ServerHooks;
  readonly store: MessageStore;
  readonly lookup: PasswordLookup | undefined;
  readonly verifyToken: TokenVerifier | undefined;
  readonly mechanisms: readonly AuthMechanism[];
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly idleTimeout: number;
  readonly shutdownGrace: number;
  readonly storeTimeout: number;
  readonly proxyProtocol: boolean;
  readonly proxyTimeout: number;
  readonly implicitTls: boolean;
  readonly nextQueueId: QueueIdGenerator;
  readonly highWaterMark: number;
}

/** Fills in defaults and checks values; a mistake throws a `TypeError`/`RangeError` naming the option. */
export function resolveOptions(options: ServerOptions): ServerConfig {
  if (options.store !== undefined && options.onMessage !== undefined) {
    throw new TypeError('createServer: give either a store or an onMessage hook, not both');
  }
  const lookup = options.auth?.users === undefined ? undefined : passwordLookup(options.auth.users);
  const verifyToken = options.auth?.verifyToken;
  const enabled: AuthMechanism[] = [];
  if (lookup !== undefined) enabled.push(...PASSWORD_MECHANISMS);
  else if (options.onAuth !== undefined) enabled.push('PLAIN', 'LOGIN');
  if (verifyToken !== undefined) enabled.push(...TOKEN_MECHANISMS);
  const mechanisms = options.auth?.mechanisms ?? enabled;
  if (options.auth !== undefined && mechanisms.length === 0) {
    throw new TypeError('createServer: auth needs users, verifyToken, or an onAuth hook with mechanisms');
  }
  return {
    hostname: options.hostname ?? osHostname(),
    product: options.product,
    options,
    hooks: options,
    store:
      options.onMessage !== undefined ? hookStore(options.onMessage) : (options.store ?? new MemoryStore()),
    lookup,
    verifyToken,
    mechanisms,
    maxConnections: count('maxConnections', options.maxConnections, 1000),
    maxConnectionsPerAddress: count('maxConnectionsPerAddress', options.maxConnectionsPerAddress, 20),
    idleTimeout: count('idleTimeout', options.idleTimeout, 300_000),
    shutdownGrace: count('shutdownGrace', options.shutdownGrace, 10_000),
    storeTimeout: count('storeTimeout', options.storeTimeout, 300_000),
    proxyProtocol: options.proxyProtocol ?? false,
    proxyTimeout: count('proxyTimeout', options.proxyTimeout, 10_000),
    implicitTls: options.tls?.implicit ?? false,
    nextQueueId: options.queueId ?? createQueueIdGenerator(),
    highWaterMark: count('highWaterMark', options.highWaterMark, 64 * 1024, 1),
  };
}

function count(name: string, value: number | undefined, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < minimum) {
    throw new RangeError(`createServer: ${name} must be a number of at least ${minimum}, got ${value}`);
  }
  return value;
}
