/**
 * The client responses and server challenges of the SASL mechanisms SMTP servers offer
 * (RFC 4954 carries them base64-encoded on `AUTH` and `334` lines). Builders throw a
 * `TypeError` for values that cannot be expressed; parsers return `undefined` for anything
 * malformed, because their input comes from the other peer.
 *
 * Hashing (CRAM-MD5's HMAC) and randomness stay outside: this package has no crypto and no
 * globals, so the caller passes the digest and the nonce in.
 */

import { base64Decode, base64Encode } from './base64.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeText(b64: string): string | undefined {
  const bytes = base64Decode(b64);
  if (bytes === undefined) return undefined;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function refuse(field: string, value: string, forbidden: RegExp, what: string): void {
  if (forbidden.test(value)) throw new TypeError(`SASL ${field} must not contain ${what}`);
}

// ---------------------------------------------------------------------------------------------
// PLAIN (RFC 4616)

/** The credentials a PLAIN response carries. */
export interface SaslPlainCredentials {
  /** The identity to act as, when it differs from `username` (omitted when empty). */
  readonly authzid?: string;
  /** The identity whose password is checked. */
  readonly username: string;
  /** The password. */
  readonly password: string;
}

/**
 * Builds the base64 PLAIN response `authzid NUL username NUL password`.
 *
 * @throws TypeError when a field contains NUL, or the username or password is empty.
 * @example
 * ```ts
 * saslPlainResponse({ username: 'bob', password: 'secret' }); // 'AGJvYgBzZWNyZXQ='
 * ```
 */
export function saslPlainResponse(credentials: SaslPlainCredentials): string {
  const { authzid = '', username, password } = credentials;
  refuse('authzid', authzid, /\0/, 'NUL');
  refuse('username', username, /\0/, 'NUL');
  refuse('password', password, /\0/, 'NUL');
  if (username === '' || password === '') throw new TypeError('SASL PLAIN needs a username and a password');
  return base64Encode(`${authzid}\0${username}\0${password}`);
}

/**
 * Reads a base64 PLAIN response; `undefined` when it is not base64 of valid UTF-8 with exactly
 * three NUL-separated fields and a non-empty username and password.
 */
export function parseSaslPlain(b64: string): SaslPlainCredentials | undefined {
  const text = decodeText(b64);
  if (text === undefined) return undefined;
  const fields = text.split('\0');
  if (fields.length !== 3) return undefined;
  const [authzid, username, password] = fields as [string, string, string];
  if (username === '' || password === '') return undefined;
  return authzid === '' ? { username, password } : { authzid, username, password };
}

// ---------------------------------------------------------------------------------------------
// LOGIN (never standardised; draft-murchison-sasl-login)

/** The challenge a server sends first in a LOGIN exchange: base64 of `Username:`. */
export const LOGIN_USERNAME_CHALLENGE = 'VXNlcm5hbWU6';
/** The challenge a server sends second in a LOGIN exchange: base64 of `Password:`. */
export const LOGIN_PASSWORD_CHALLENGE = 'UGFzc3dvcmQ6';

/**
 * What a LOGIN challenge asks for. Servers word the prompt differently (`Username:`,
 * `User Name`, `Password:`), so this reads the decoded text loosely; `undefined` for anything
 * else.
 */
export function loginChallengePrompt(challenge: string): 'username' | 'password' | undefined {
  const text = decodeText(challenge);
  if (text === undefined) return undefined;
  const word = text.toLowerCase().replace(/[^a-z]/g, '');
  if (word === 'username' || word === 'user') return 'username';
  if (word === 'password') return 'password';
  return undefined;
}

/** Builds a LOGIN response (a username or a password, base64). */
export function loginResponse(value: string): string {
  refuse('LOGIN value', value, /\0/, 'NUL');
  return base64Encode(value);
}

/** Reads a LOGIN response; `undefined` when it is not base64 of NUL-free UTF-8. */
export function parseLoginResponse(b64: string): string | undefined {
  const text = decodeText(b64);
  return text === undefined || text.includes('\0') ? undefined : text;
}

// ---------------------------------------------------------------------------------------------
// CRAM-MD5 (RFC 2195)

/**
 * Builds a CRAM-MD5 challenge `<nonce@hostname>` (plain text; base64 it for the `334` line).
 * The nonce must be unpredictable and unique, typically random digits and a timestamp: the
 * caller supplies both, since protocol code holds no clock or random source.
 *
 * @throws TypeError when the nonce is empty or holds anything but printable ASCII other than
 * `<`, `>`, `@` and space, or when the hostname is empty or holds such characters.
 * @example
 * ```ts
 * cramMd5Challenge('1896.697170952', 'postoffice.example.test'); // '<1896.697170952@postoffice.example.test>'
 * ```
 */
export function cramMd5Challenge(nonce: string, hostname: string): string {
  const unsafe = /[^\x21-\x7e]|[<>@]/;
  if (nonce === '' || unsafe.test(nonce))
    throw new TypeError('CRAM-MD5 nonce must be printable ASCII without <, > or @');
  if (hostname === '' || unsafe.test(hostname)) {
    throw new TypeError('CRAM-MD5 hostname must be printable ASCII without <, > or @');
  }
  return `<${nonce}@${hostname}>`;
}

/** A CRAM-MD5 response: who answered and the HMAC-MD5 they computed. */
export interface CramMd5Response {
  /** The username (may contain spaces; the digest is the last word). */
  readonly username: string;
  /** HMAC-MD5 of the challenge keyed with the password: 32 lower-case hex digits. */
  readonly digest: string;
}

const HEX_DIGEST = /^[0-9a-f]{32}$/;

/**
 * Builds the base64 CRAM-MD5 response `username SP digest`.
 *
 * @throws TypeError when the digest is not 32 lower-case hex digits (RFC 2195 writes it in lower
 * case), or the username is empty or contains CR, LF or NUL.
 */
export function cramMd5Response(username: string, hexDigest: string): string {
  if (!HEX_DIGEST.test(hexDigest)) throw new TypeError('CRAM-MD5 digest must be 32 lower-case hex digits');
  if (username === '') throw new TypeError('CRAM-MD5 needs a username');
  refuse('username', username, /[\0\r\n]/, 'CR, LF or NUL');
  return base64Encode(`${username} ${hexDigest}`);
}

/** Reads a base64 CRAM-MD5 response; `undefined` unless it is `username SP 32-hex-digest`. */
export function parseCramMd5Response(b64: string): CramMd5Response | undefined {
  const text = decodeText(b64);
  if (text === undefined) return undefined;
  const space = text.lastIndexOf(' ');
  if (space <= 0) return undefined;
  const username = text.slice(0, space);
  const digest = text.slice(space + 1);
  if (!HEX_DIGEST.test(digest) || /[\0\r\n]/.test(username)) return undefined;
  return { username, digest };
}

// ---------------------------------------------------------------------------------------------
// XOAUTH2 (Google's and Microsoft's mechanism) and OAUTHBEARER (RFC 7628)

const KVSEP = '\x01';

/** The identity and token an XOAUTH2 response carries. */
export interface Xoauth2Credentials {
  /** The mailbox the token was issued for. */
  readonly user: string;
  /** The OAuth 2.0 access token (sent as `Bearer <token>`). */
  readonly token: string;
}

function checkTokenAndUser(user: string, token: string): void {
  refuse('user', user, /[\0-\x1f\x7f]/, 'control characters');
  if (token === '' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError('OAuth token must be non-empty printable ASCII without spaces');
  }
}

/**
 * Builds the base64 XOAUTH2 response `user=USER ^A auth=Bearer TOKEN ^A ^A`.
 *
 * @throws TypeError for an empty user, control characters in the user, or a token that is not
 * printable ASCII.
 */
export function xoauth2Response(user: string, token: string): string {
  if (user === '') throw new TypeError('XOAUTH2 needs a user');
  checkTokenAndUser(user, token);
  return base64Encode(`user=${user}${KVSEP}auth=Bearer ${token}${KVSEP}${KVSEP}`);
}

/** Splits `key=value ^A ... ^A ^A` into pairs; `undefined` when the framing is wrong. */
function parseKeyValues(text: string): Map<string, string> | undefined {
  if (!text.endsWith(`${KVSEP}${KVSEP}`)) return undefined;
  const pairs = new Map<string, string>();
  const body = text.slice(0, -2);
  if (body === '') return pairs;
  for (const item of body.split(KVSEP)) {
    const equals = item.indexOf('=');
    if (equals <= 0) return undefined;
    const key = item.slice(0, equals);
    if (!/^[A-Za-z]+$/.test(key) || pairs.has(key)) return undefined;
    pairs.set(key, item.slice(equals + 1));
  }
  return pairs;
}

function bearerToken(auth: string | undefined): string | undefined {
  const match = auth === undefined ? null : /^Bearer ([\x21-\x7e]+)$/i.exec(auth);
  return match?.[1];
}

/** Reads a base64 XOAUTH2 response; `undefined` unless it has a user and a Bearer token. */
export function parseXoauth2Response(b64: string): Xoauth2Credentials | undefined {
  const text = decodeText(b64);
  if (text === undefined) return undefined;
  const pairs = parseKeyValues(text);
  const user = pairs?.get('user');
  const token = bearerToken(pairs?.get('auth'));
  if (user === undefined || user === '' || token === undefined) return undefined;
  return { user, token };
}

/** What an OAUTHBEARER initial response carries (RFC 7628 §3.1). */
export interface OauthBearerCredentials {
  /** The authorization identity from the GS2 header (`a=`), when given. */
  readonly user?: string;
  /** The host the client connected to, when given. */
  readonly host?: string;
  /** The port the client connected to, when given. */
  readonly port?: number;
  /** The OAuth 2.0 access token. */
  readonly token: string;
}

/** RFC 5801 saslname: `,` and `=` are written `=2C` and `=3D`. */
function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeSaslName(text: string): string | undefined {
  if (/=(?!2C|3D)/.test(text)) return undefined;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/**
 * Builds the base64 OAUTHBEARER initial response: the GS2 header `n,a=USER,` (or `n,,`), then
 * `host=`, `port=` and `auth=Bearer TOKEN` separated by `^A`, ending `^A^A`.
 *
 * @throws TypeError for control characters in user or host, a port outside 1-65535, or a token
 * that is not printable ASCII.
 */
export function oauthBearerResponse(credentials: OauthBearerCredentials): string {
  const { user, host, port, token } = credentials;
  checkTokenAndUser(user ?? '', token);
  if (host !== undefined) refuse('host', host, /[\0-\x20\x7f]/, 'spaces or control characters');
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new TypeError('OAUTHBEARER port must be an integer from 1 to 65535');
  }
  let text = user === undefined ? 'n,,' : `n,a=${encodeSaslName(user)},`;
  if (host !== undefined) text += `${KVSEP}host=${host}`;
  if (port !== undefined) text += `${KVSEP}port=${port}`;
  text += `${KVSEP}auth=Bearer ${token}${KVSEP}${KVSEP}`;
  return base64Encode(text);
}

/**
 * Reads a base64 OAUTHBEARER initial response; `undefined` when the GS2 header, the framing,
 * the port or the Bearer token is malformed. Channel binding (`p=` / `y`) is refused: SMTP
 * servers offer no OAUTHBEARER-PLUS.
 */
export function parseOauthBearerResponse(b64: string): OauthBearerCredentials | undefined {
  const text = decodeText(b64);
  if (text === undefined) return undefined;
  const header = /^n,(?:a=([^,]*))?,\x01/.exec(text);
  if (header === null) return undefined;
  const pairs = parseKeyValues(text.slice(header[0].length));
  if (pairs === undefined) return undefined;
  const token = bearerToken(pairs.get('auth'));
  if (token === undefined) return undefined;
  const rawUser = header[1];
  const user = rawUser === undefined ? undefined : decodeSaslName(rawUser);
  if (rawUser !== undefined && (user === undefined || user === '')) return undefined;
  const host = pairs.get('host');
  const rawPort = pairs.get('port');
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && (!/^\d{1,5}$/.test(rawPort as string) || port < 1 || port > 65535))
    return undefined;
  return {
    ...(user === undefined ? {} : { user }),
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    token,
  };
}

/** The JSON error a server sends as a `334` challenge when an OAuth token is refused (RFC 7628 §3.2.2). */
export interface OauthErrorChallenge {
  /** The error code, e.g. `invalid_token`, or an HTTP status such as `401` (XOAUTH2). */
  readonly status: string;
  /** The scope a token would need. */
  readonly scope?: string;
  /** Where the client can find the authorization server's metadata. */
  readonly openidConfiguration?: string;
}

/**
 * The client's answer to an OAUTHBEARER error challenge: a single `^A`, base64-encoded. The
 * server then fails the exchange. (An XOAUTH2 client answers with an empty line instead.)
 */
export const OAUTHBEARER_ERROR_ACK = 'AQ==';

/** Builds the base64 JSON error challenge of a failed OAUTHBEARER or XOAUTH2 exchange. */
export function oauthErrorChallenge(error: OauthErrorChallenge): string {
  const json: Record<string, string> = { status: error.status };
  if (error.scope !== undefined) json.scope = error.scope;
  if (error.openidConfiguration !== undefined) json['openid-configuration'] = error.openidConfiguration;
  return base64Encode(JSON.stringify(json));
}

/** Reads a base64 JSON error challenge; `undefined` unless it is an object with a string `status`. */
export function parseOauthErrorChallenge(b64: string): OauthErrorChallenge | undefined {
  const text = decodeText(b64);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.status !== 'string') return undefined;
  const scope = record.scope;
  const openid = record['openid-configuration'];
  return {
    status: record.status,
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(typeof openid === 'string' ? { openidConfiguration: openid } : {}),
  };
}
