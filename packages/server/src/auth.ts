import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SASL mechanisms the server can offer. */
export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2' | 'OAUTHBEARER';

/** Mechanisms that carry a password (checked with a users map or lookup). */
export const PASSWORD_MECHANISMS: readonly AuthMechanism[] = ['PLAIN', 'LOGIN', 'CRAM-MD5'];
/** Mechanisms that carry a bearer token (checked with a token hook). */
export const TOKEN_MECHANISMS: readonly AuthMechanism[] = ['XOAUTH2', 'OAUTHBEARER'];

/** One authentication attempt as the client made it, decoded. */
export interface AuthAttempt {
  readonly mechanism: AuthMechanism;
  readonly username: string;
  /** The identity to act as (PLAIN, OAUTHBEARER), when the client named one. */
  readonly authzid?: string | undefined;
  /** PLAIN and LOGIN. */
  readonly password?: string | undefined;
  /** XOAUTH2 and OAUTHBEARER. */
  readonly token?: string | undefined;
  /** CRAM-MD5: the challenge the server sent, decoded (`<nonce@hostname>`). */
  readonly challenge?: string | undefined;
  /** CRAM-MD5: the client's HMAC-MD5 digest of the challenge, lower-case hex. */
  readonly response?: string | undefined;
}

/** Finds the plain-text password of a user; `undefined` when there is no such user. */
export type PasswordLookup = (username: string) => string | undefined | Promise<string | undefined>;

/** The users of a server: a map or record of username → password, or a lookup function. */
export type UserSource = ReadonlyMap<string, string> | Readonly<Record<string, string>> | PasswordLookup;

/** Decides whether a bearer token is valid for a user (XOAUTH2, OAUTHBEARER). */
export type TokenVerifier = (attempt: AuthAttempt & { readonly token: string }) => boolean | Promise<boolean>;

/** The HMAC-MD5 digest a CRAM-MD5 client sends for `challenge` (RFC 2195), lower-case hex. */
export function cramMd5Digest(password: string, challenge: string): string {
  return createHmac('md5', password).update(challenge, 'utf8').digest('hex');
}

/**
 * Turns a {@link UserSource} into a lookup, so maps, records and functions are used alike.
 * A record is read as data: keys inherited from `Object.prototype` are not users.
 */
export function passwordLookup(users: UserSource): PasswordLookup {
  if (typeof users === 'function') return users;
  if (users instanceof Map) return (username) => users.get(username);
  const record = users as Readonly<Record<string, string>>;
  return (username) => (Object.hasOwn(record, username) ? record[username] : undefined);
}

/**
 * Checks a password-based attempt (PLAIN, LOGIN, CRAM-MD5) against the users' plain-text
 * passwords. An `authzid` other than the username itself is refused: acting as someone else
 * needs an application decision (write an `onAuth` hook for that).
 */
export async function verifyPassword(attempt: AuthAttempt, lookup: PasswordLookup): Promise<boolean> {
  if (attempt.authzid !== undefined && attempt.authzid !== '' && attempt.authzid !== attempt.username)
    return false;
  const expected = await lookup(attempt.username);
  if (expected === undefined) return false;
  if (attempt.mechanism === 'CRAM-MD5') {
    if (attempt.challenge === undefined || attempt.response === undefined) return false;
    return sameSecret(cramMd5Digest(expected, attempt.challenge), attempt.response.toLowerCase());
  }
  return attempt.password !== undefined && sameSecret(expected, attempt.password);
}

// Comparing digests of equal length keeps the time independent of where the strings differ
// and of the secret's length.
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
