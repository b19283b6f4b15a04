/**
 * AUTH exchanges written so that a recording replays but holds no secret: the password or token
 * becomes `{{env:NAME}}` inside `{{base64:…}}`, the user name stays readable, and the recording
 * notes which variables to set. The same shapes as the client's `--trace` (`@smtp/client`).
 */

import { TraceWriter } from '@smtp/client';
import {
  base64Decode,
  loginChallengePrompt,
  parseCramMd5Response,
  parseOauthBearerResponse,
  parseSaslPlain,
  parseXoauth2Response,
} from '@smtp/codec';

/** An environment variable a recording needs, and what to put in it. */
export interface SecretNote {
  readonly variable: string;
  /** e.g. `the password of bob (AUTH PLAIN)`. */
  readonly meaning: string;
}

/**
 * Hands out environment variable names for secrets, one per user and kind, shared by every
 * session of a recording: the first password is `SMTP_PASSWORD`, a second user's `SMTP_PASSWORD_2`.
 */
export class SecretNames {
  readonly #byKey = new Map<string, SecretNote>();
  readonly #counts = new Map<string, number>();

  /** The variable for `user`'s password. */
  password(user: string, mechanism: string): string {
    return this.#name('SMTP_PASSWORD', user, `the password of ${user} (AUTH ${mechanism})`);
  }

  /** The variable for `user`'s OAuth token. */
  token(user: string, mechanism: string): string {
    return this.#name('SMTP_TOKEN', user, `the OAuth access token of ${user} (AUTH ${mechanism})`);
  }

  /** The variable standing for a whole response that cannot be taken apart. */
  response(mechanism: string): string {
    return this.#name(
      'SMTP_AUTH_RESPONSE',
      mechanism,
      `the base64 response of the AUTH ${mechanism} exchange`,
    );
  }

  /** Every variable handed out, in order. */
  notes(): SecretNote[] {
    return [...this.#byKey.values()];
  }

  #name(base: string, who: string, meaning: string): string {
    const key = `${base}\0${who}`;
    const known = this.#byKey.get(key);
    if (known !== undefined) return known.variable;
    const count = (this.#counts.get(base) ?? 0) + 1;
    this.#counts.set(base, count);
    const variable = count === 1 ? base : `${base}_${count}`;
    this.#byKey.set(key, { variable, meaning });
    return variable;
  }
}

/** Where an AUTH exchange is: which mechanism, how many responses, who is authenticating. */
export interface SaslExchange {
  readonly mechanism: string;
  /** Client responses written so far (the initial response counts). */
  responses: number;
  /** The user named so far (LOGIN names it before the password). */
  user: string | undefined;
  /** The prompt of the last `334`, as the server wrote it (base64). */
  challenge: string | undefined;
}

/** What an AUTH line or SASL response becomes in the transcript. */
export interface TemplateLine {
  /** The `C:` text, in transcript syntax. */
  readonly text: string;
  /** A comment to write before it, when replaying it needs more than a variable. */
  readonly note?: string;
}

const AUTH_LINE = /^(AUTH) +([A-Za-z0-9_-]+)(?: +(\S+))? *$/i;

/** Starts an exchange from the client's `AUTH` line and writes that line. */
export function authCommand(
  line: string,
  secrets: SecretNames,
): { exchange: SaslExchange; line: TemplateLine } | undefined {
  const match = AUTH_LINE.exec(line);
  if (match === null) return undefined;
  const [, verb, mechanismText, initial] = match as unknown as [string, string, string, string | undefined];
  const mechanism = mechanismText.toUpperCase();
  const exchange: SaslExchange = { mechanism, responses: 0, user: undefined, challenge: undefined };
  if (initial === undefined) return { exchange, line: { text: `${verb} ${mechanismText}` } };
  const response = saslResponse(exchange, initial, secrets);
  return { exchange, line: { ...response, text: `${verb} ${mechanismText} ${response.text}` } };
}

/** Writes one client response of an exchange (after a `334`), with its secret replaced. */
export function saslResponse(exchange: SaslExchange, response: string, secrets: SecretNames): TemplateLine {
  exchange.responses++;
  // `*` cancels, `=` is an empty initial response: neither carries anything.
  if (response === '*' || response === '=') return { text: response };
  switch (exchange.mechanism) {
    case 'PLAIN':
      return plain(response, secrets) ?? opaque(exchange, secrets);
    case 'LOGIN':
      return login(exchange, response, secrets) ?? opaque(exchange, secrets);
    case 'CRAM-MD5':
      return cramMd5(response) ?? opaque(exchange, secrets);
    case 'XOAUTH2':
    case 'OAUTHBEARER':
      return oauth(exchange, response, secrets) ?? opaque(exchange, secrets);
    default:
      return opaque(exchange, secrets);
  }
}

/** Whether the `334` challenges of this mechanism change from run to run (written as `*`). */
export function volatileChallenges(mechanism: string): boolean {
  return mechanism !== 'PLAIN' && mechanism !== 'LOGIN';
}

function plain(response: string, secrets: SecretNames): TemplateLine | undefined {
  const credentials = parseSaslPlain(response);
  if (credentials === undefined) return undefined;
  const variable = secrets.password(credentials.username, 'PLAIN');
  const authzid = inVariable(credentials.authzid ?? '');
  return { text: `{{base64:${authzid}\\0${inVariable(credentials.username)}\\0{{env:${variable}}}}}` };
}

function login(exchange: SaslExchange, response: string, secrets: SecretNames): TemplateLine | undefined {
  const prompt = exchange.challenge === undefined ? undefined : loginChallengePrompt(exchange.challenge);
  // The initial response, the first answer or an answer to `Username:` names the user.
  const asksUser = prompt === 'username' || (prompt === undefined && exchange.user === undefined);
  const decoded = base64Decode(response);
  if (decoded === undefined) return undefined;
  if (asksUser) {
    const user = new TextDecoder().decode(decoded);
    exchange.user = user;
    return { text: `{{base64:${inVariable(user)}}}` };
  }
  const variable = secrets.password(exchange.user ?? 'the user', 'LOGIN');
  return { text: `{{base64:{{env:${variable}}}}}` };
}

function cramMd5(response: string): TemplateLine | undefined {
  const parsed = parseCramMd5Response(response);
  if (parsed === undefined) return undefined;
  return {
    text: `{{base64:${inVariable(parsed.username)} {{env:SMTP_CRAM_MD5_DIGEST}}}}`,
    note:
      'CRAM-MD5 answers a random challenge, so this exchange cannot be replayed as recorded ' +
      '(set SMTP_CRAM_MD5_DIGEST by hand, or record with AUTH PLAIN or LOGIN)',
  };
}

const BEARER = /^([\s\S]*)\x01auth=Bearer ([\x21-\x7e]+)(\x01[\s\S]*)$/;

function oauth(exchange: SaslExchange, response: string, secrets: SecretNames): TemplateLine | undefined {
  const user =
    exchange.mechanism === 'XOAUTH2' ? parseXoauth2Response(response)?.user : oauthBearerUser(response);
  const decoded = base64Decode(response);
  if (user === undefined || decoded === undefined) return undefined;
  const parts = BEARER.exec(new TextDecoder().decode(decoded));
  if (parts === null) return undefined;
  const variable = secrets.token(user, exchange.mechanism);
  return {
    text: `{{base64:${inVariable(parts[1] as string)}\\x01auth=Bearer {{env:${variable}}}${inVariable(parts[3] as string)}}}`,
  };
}

function oauthBearerUser(response: string): string | undefined {
  const parsed = parseOauthBearerResponse(response);
  return parsed === undefined ? undefined : (parsed.user ?? 'the user');
}

/** A response this recorder cannot take apart: all of it becomes one variable. */
function opaque(exchange: SaslExchange, secrets: SecretNames): TemplateLine {
  return { text: `{{env:${secrets.response(exchange.mechanism)}}}` };
}

/**
 * Text written inside `{{base64:…}}`: the client trace's escaping (backslashes, `{{`, control
 * characters, a trailing space), plus `}` as `\x7d` since `}}` would end the variable.
 */
export function inVariable(text: string): string {
  let written = '';
  const writer = new TraceWriter((line) => {
    written = line;
  });
  // A line without CRLF comes out as `C! <escaped text>`.
  writer.body(new TextEncoder().encode(text));
  writer.endBody();
  return written.slice(3).replace(/\}/g, '\\x7d');
}
