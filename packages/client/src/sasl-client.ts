import { createHmac } from 'node:crypto';
import {
  base64Decode,
  cramMd5Response,
  loginResponse,
  OAUTHBEARER_ERROR_ACK,
  oauthBearerResponse,
  saslPlainResponse,
  xoauth2Response,
} from '@smtp/codec';
import { CapabilityError, ProtocolError } from './errors.js';
import { escapeInsideVariable } from './trace-writer.js';

/** SASL mechanisms that answer with a password. */
export type PasswordMechanism = 'CRAM-MD5' | 'PLAIN' | 'LOGIN';
/** SASL mechanisms that answer with an OAuth 2.0 access token. */
export type TokenMechanism = 'OAUTHBEARER' | 'XOAUTH2';
/** Every SASL mechanism the client speaks. */
export type SaslMechanismName = PasswordMechanism | TokenMechanism;

/** A user name and password, for PLAIN, LOGIN and CRAM-MD5. */
export interface PasswordCredentials {
  readonly user: string;
  readonly pass: string;
  /** PLAIN only: the identity to act as, when it differs from `user`. */
  readonly authzid?: string;
  /**
   * The mechanism to use, or a list in order of preference; by default the strongest the server
   * offers (CRAM-MD5, then PLAIN, then LOGIN).
   */
  readonly method?: PasswordMechanism | readonly PasswordMechanism[];
}

/** A user name and an OAuth 2.0 access token, for OAUTHBEARER (RFC 7628) and XOAUTH2. */
export interface TokenCredentials {
  readonly user: string;
  readonly accessToken: string;
  /** The mechanism to use, or a list in order of preference; by default OAUTHBEARER when offered, else XOAUTH2. */
  readonly method?: TokenMechanism | readonly TokenMechanism[];
}

/** What `auth` accepts: a password or an access token. */
export type Credentials = PasswordCredentials | TokenCredentials;

/**
 * Names of the environment variables a trace writes in place of secrets, so a traced session
 * replays (`{{env:NAME}}`) without printing them.
 */
export interface TraceSecretNames {
  /** Default `SMTP_PASSWORD`. */
  readonly password: string;
  /** Default `SMTP_TOKEN`. */
  readonly token: string;
}

/** One line the client sends in an AUTH exchange: the wire text and its transcript form. */
export interface SaslLine {
  readonly line: string;
  /** The line in transcript syntax: secrets stand as `{{env:…}}`, inside `{{base64:…}}` where encoded. */
  readonly trace: string;
  /** A transcript comment to write before the line, when the line needs explaining. */
  readonly note?: string;
}

/** The client side of one AUTH exchange. */
export interface SaslExchange {
  readonly mechanism: SaslMechanismName;
  /** The `AUTH` command line. */
  readonly command: SaslLine;
  /** Whether the server's challenges change between sessions (written as `334 *` in a trace). */
  readonly volatileChallenges: boolean;
  /** Answers a `334` challenge (its base64 text). */
  respond(challenge: string): SaslLine | ProtocolError;
}

function isToken(credentials: Credentials): credentials is TokenCredentials {
  return 'accessToken' in credentials;
}

const PASSWORD_PREFERENCE: readonly PasswordMechanism[] = ['CRAM-MD5', 'PLAIN', 'LOGIN'];
const TOKEN_PREFERENCE: readonly TokenMechanism[] = ['OAUTHBEARER', 'XOAUTH2'];

/**
 * Picks the mechanism: the one asked for, if the server offers it, else the strongest offered
 * that fits the credentials.
 *
 * @throws {@link CapabilityError} (`AUTH`) when there is none.
 */
export function chooseMechanism(offered: readonly string[], credentials: Credentials): SaslMechanismName {
  const upper = new Set(offered.map((name) => name.toUpperCase()));
  const method = credentials.method;
  const candidates: readonly SaslMechanismName[] =
    method === undefined
      ? isToken(credentials)
        ? TOKEN_PREFERENCE
        : PASSWORD_PREFERENCE
      : typeof method === 'string'
        ? [method]
        : method;
  const chosen = candidates.find((name) => upper.has(name));
  if (chosen !== undefined) return chosen;
  const what = offered.length === 0 ? 'offers no AUTH mechanism' : `offers AUTH ${offered.join(' ')}`;
  throw new CapabilityError(
    'AUTH',
    `server ${what}; the client needs one of ${candidates.join(', ')}`,
    'auth',
  );
}

function unexpected(mechanism: SaslMechanismName, challenge: string): ProtocolError {
  return new ProtocolError(
    'bad-challenge',
    `server sent an unexpected ${mechanism} challenge ${JSON.stringify(challenge.slice(0, 80))}`,
    'auth',
  );
}

function plain(credentials: PasswordCredentials, secrets: TraceSecretNames): SaslExchange {
  const response = saslPlainResponse(
    credentials.authzid === undefined
      ? { username: credentials.user, password: credentials.pass }
      : { authzid: credentials.authzid, username: credentials.user, password: credentials.pass },
  );
  const authzid = escapeInsideVariable(credentials.authzid ?? '');
  const user = escapeInsideVariable(credentials.user);
  return {
    mechanism: 'PLAIN',
    command: {
      line: `AUTH PLAIN ${response}`,
      trace: `AUTH PLAIN {{base64:${authzid}\\0${user}\\0{{env:${secrets.password}}}}}`,
    },
    volatileChallenges: false,
    respond: (challenge) => unexpected('PLAIN', challenge),
  };
}

function login(credentials: PasswordCredentials, secrets: TraceSecretNames): SaslExchange {
  let step = 0;
  return {
    mechanism: 'LOGIN',
    command: { line: 'AUTH LOGIN', trace: 'AUTH LOGIN' },
    volatileChallenges: false,
    respond(challenge) {
      step++;
      if (step === 1) {
        return {
          line: loginResponse(credentials.user),
          trace: `{{base64:${escapeInsideVariable(credentials.user)}}}`,
        };
      }
      if (step === 2)
        return { line: loginResponse(credentials.pass), trace: `{{base64:{{env:${secrets.password}}}}}` };
      return unexpected('LOGIN', challenge);
    },
  };
}

function cramMd5(credentials: PasswordCredentials): SaslExchange {
  let answered = false;
  return {
    mechanism: 'CRAM-MD5',
    command: { line: 'AUTH CRAM-MD5', trace: 'AUTH CRAM-MD5' },
    volatileChallenges: true,
    respond(challenge) {
      const decoded = base64Decode(challenge);
      if (answered || decoded === undefined || decoded.length === 0) return unexpected('CRAM-MD5', challenge);
      answered = true;
      const digest = createHmac('md5', credentials.pass).update(decoded).digest('hex');
      return {
        line: cramMd5Response(credentials.user, digest),
        trace: `{{base64:${escapeInsideVariable(credentials.user)} {{cram_md5_digest}}}}`,
        note: 'CRAM-MD5 answers a random challenge: this line cannot be replayed (set cram_md5_digest by hand or trace with PLAIN)',
      };
    },
  };
}

/** The answer that ends an OAuth exchange after the server's error challenge (RFC 7628 §3.2.3). */
function oauthErrorAnswer(mechanism: TokenMechanism): SaslLine {
  return mechanism === 'OAUTHBEARER'
    ? { line: OAUTHBEARER_ERROR_ACK, trace: OAUTHBEARER_ERROR_ACK }
    : { line: '', trace: '' };
}

function saslName(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function oauth(
  mechanism: TokenMechanism,
  credentials: TokenCredentials,
  secrets: TraceSecretNames,
): SaslExchange {
  const user = escapeInsideVariable(credentials.user);
  const token = `{{env:${secrets.token}}}`;
  const command: SaslLine =
    mechanism === 'XOAUTH2'
      ? {
          line: `AUTH XOAUTH2 ${xoauth2Response(credentials.user, credentials.accessToken)}`,
          trace: `AUTH XOAUTH2 {{base64:user=${user}\\x01auth=Bearer ${token}\\x01\\x01}}`,
        }
      : {
          line: `AUTH OAUTHBEARER ${oauthBearerResponse({ user: credentials.user, token: credentials.accessToken })}`,
          trace: `AUTH OAUTHBEARER {{base64:n,a=${escapeInsideVariable(saslName(credentials.user))},\\x01auth=Bearer ${token}\\x01\\x01}}`,
        };
  let answered = false;
  return {
    mechanism,
    command,
    volatileChallenges: true,
    respond(challenge) {
      // The only challenge after an initial response is the server's JSON error; acknowledging it
      // makes the server finish with its failure reply, which carries the code to report.
      if (answered) return unexpected(mechanism, challenge);
      answered = true;
      return oauthErrorAnswer(mechanism);
    },
  };
}

/** Starts the client side of an AUTH exchange with the chosen mechanism. */
export function startExchange(
  mechanism: SaslMechanismName,
  credentials: Credentials,
  secrets: TraceSecretNames,
): SaslExchange {
  if (isToken(credentials)) {
    if (mechanism !== 'OAUTHBEARER' && mechanism !== 'XOAUTH2') {
      throw new CapabilityError('AUTH', `${mechanism} needs a password, not an access token`, 'auth');
    }
    return oauth(mechanism, credentials, secrets);
  }
  switch (mechanism) {
    case 'PLAIN':
      return plain(credentials, secrets);
    case 'LOGIN':
      return login(credentials, secrets);
    case 'CRAM-MD5':
      return cramMd5(credentials);
    default:
      throw new CapabilityError('AUTH', `${mechanism} needs an access token, not a password`, 'auth');
  }
}
