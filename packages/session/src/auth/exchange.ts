/**
 * The server side of each SASL mechanism as a chain of immutable steps: every client response
 * yields a challenge (and the next step), the credentials, or a refusal. No crypto, clock or
 * randomness here: CRAM-MD5's nonce comes in, its HMAC is checked by the application.
 */
import {
  base64Encode,
  cramMd5Challenge,
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  oauthErrorChallenge,
  parseCramMd5Response,
  parseLoginResponse,
  parseOauthBearerResponse,
  parseSaslPlain,
  parseXoauth2Response,
} from '@smtp/codec';
import type { AuthDecisionEvent } from '../events.js';
import type { AuthMechanismName } from '../policy.js';
import { REPLIES, type ReplySpec } from '../replies.js';

/** What an exchange yields for the application to check. */
export type Credentials = Omit<AuthDecisionEvent, 'type'>;

/** Reads the client's next (base64) response. */
export type SaslResponder = (response: string) => SaslOutcome;

/** What one client response led to. */
export type SaslOutcome =
  /** Send `334 <challenge>` (base64, possibly empty) and give the next response to `next`. */
  | { readonly kind: 'challenge'; readonly challenge: string; readonly next: SaslResponder }
  /** The exchange is complete: ask the application. */
  | { readonly kind: 'credentials'; readonly credentials: Credentials }
  /** The response cannot be read: answer with `reply` and end the exchange. */
  | { readonly kind: 'refuse'; readonly reply: ReplySpec };

/** Where an exchange stands while the session reads its lines. */
export type SaslStep =
  /** A challenge was sent; the next line is the client's response. */
  | { readonly kind: 'response'; readonly next: SaslResponder }
  /**
   * XOAUTH2/OAUTHBEARER: the refusal went out as an error challenge; the next line (the client's
   * acknowledgement, whatever it holds) gets `refusal`, after `delayMs`.
   */
  | { readonly kind: 'error-ack'; readonly refusal: ReplySpec; readonly delayMs: number };

/** What an exchange needs from the session. */
export interface ExchangeContext {
  readonly hostname: string;
  /** Unique per connection and attempt (CRAM-MD5 challenge); undefined when CRAM-MD5 is not offered. */
  readonly nonce: string | undefined;
}

const malformed: SaslOutcome = { kind: 'refuse', reply: REPLIES.badSaslResponse };

function challenge(text: string, next: SaslResponder): SaslOutcome {
  return { kind: 'challenge', challenge: text, next };
}

function credentials(value: Credentials): SaslOutcome {
  return { kind: 'credentials', credentials: value };
}

const plainResponse: SaslResponder = (response) => {
  const parsed = parseSaslPlain(response);
  if (parsed === undefined) return malformed;
  return credentials({
    mechanism: 'PLAIN',
    username: parsed.username,
    password: parsed.password,
    ...(parsed.authzid === undefined ? {} : { authzid: parsed.authzid }),
  });
};

const loginUsername: SaslResponder = (response) => {
  const username = parseLoginResponse(response);
  if (username === undefined) return malformed;
  return challenge(LOGIN_PASSWORD_CHALLENGE, (second) => {
    const password = parseLoginResponse(second);
    if (password === undefined) return malformed;
    return credentials({ mechanism: 'LOGIN', username, password });
  });
};

function cramMd5Responder(challengeText: string): SaslResponder {
  return (response) => {
    const parsed = parseCramMd5Response(response);
    if (parsed === undefined) return malformed;
    return credentials({
      mechanism: 'CRAM-MD5',
      username: parsed.username,
      challenge: challengeText,
      response: parsed.digest,
    });
  };
}

const xoauth2Response: SaslResponder = (response) => {
  const parsed = parseXoauth2Response(response);
  if (parsed === undefined) return malformed;
  return credentials({ mechanism: 'XOAUTH2', username: parsed.user, token: parsed.token });
};

const oauthBearerResponse: SaslResponder = (response) => {
  const parsed = parseOauthBearerResponse(response);
  if (parsed === undefined) return malformed;
  return credentials({
    mechanism: 'OAUTHBEARER',
    username: parsed.user ?? '',
    token: parsed.token,
    ...(parsed.user === undefined ? {} : { authzid: parsed.user }),
  });
};

/** Client-first mechanisms: an initial response is read at once, else an empty challenge asks for it. */
function clientFirst(
  responder: SaslResponder,
  emptyChallenge = '',
): (initial: string | undefined) => SaslOutcome {
  return (initial) => (initial === undefined ? challenge(emptyChallenge, responder) : responder(initial));
}

type Starter = (initial: string | undefined, context: ExchangeContext) => SaslOutcome;

/** How each mechanism starts, given the `AUTH` line's initial response (`''` for `=`). */
const STARTERS: Readonly<Record<AuthMechanismName, Starter>> = {
  PLAIN: clientFirst(plainResponse),
  LOGIN: clientFirst(loginUsername, LOGIN_USERNAME_CHALLENGE),
  'CRAM-MD5': (initial, context) => {
    if (initial !== undefined) return { kind: 'refuse', reply: REPLIES.unexpectedInitialResponse };
    if (context.nonce === undefined) return { kind: 'refuse', reply: REPLIES.unknownMechanism };
    const text = cramMd5Challenge(context.nonce, context.hostname);
    return challenge(base64Encode(text), cramMd5Responder(text));
  },
  XOAUTH2: clientFirst(xoauth2Response),
  OAUTHBEARER: clientFirst(oauthBearerResponse),
};

/** Starts an exchange for `mechanism` (one the policy offers). */
export function startExchange(
  mechanism: AuthMechanismName,
  initialResponse: string | undefined,
  context: ExchangeContext,
): SaslOutcome {
  return STARTERS[mechanism](initialResponse, context);
}

/**
 * The error challenge a token mechanism sends before its final refusal (RFC 7628 §3.2.2; Google's
 * XOAUTH2 does the same), or undefined for mechanisms that refuse at once.
 */
export function failureChallenge(mechanism: AuthMechanismName): string | undefined {
  if (mechanism === 'OAUTHBEARER') return oauthErrorChallenge({ status: 'invalid_token' });
  if (mechanism === 'XOAUTH2') return oauthErrorChallenge({ status: '401' });
  return undefined;
}
