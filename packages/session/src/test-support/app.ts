/**
 * A small scripted application for tests: a user table, bearer tokens, a few refused addresses,
 * VRFY/EXPN answers. Every decision follows fixed rules, so tests read like transcripts.
 */
import { createHmac } from 'node:crypto';
import { SmtpError } from '@smtp/codec';
import type { Decision, DecisionEvent } from '../events.js';
import type { Decider } from './driver.js';

/** Users and passwords the test application knows. */
export const USERS: Readonly<Record<string, string>> = { alice: 'wonderland', bob: 'builder' };
/** Bearer tokens and the user each was issued to. */
export const TOKENS: Readonly<Record<string, string>> = { 'ya29.good-token': 'alice@example.test' };

/** CRAM-MD5's HMAC-MD5 digest, lower-case hex (what a client computes). */
export function cramMd5Digest(password: string, challenge: string): string {
  return createHmac('md5', password).update(challenge).digest('hex');
}

const refuse = (code: number, enhanced: string, message: string): Decision => ({
  accept: false,
  error: new SmtpError(code, message, { enhanced }),
});

function checkAuth(event: Extract<DecisionEvent, { type: 'auth' }>): boolean {
  switch (event.mechanism) {
    case 'PLAIN':
    case 'LOGIN':
      return (
        Object.hasOwn(USERS, event.username) &&
        USERS[event.username] === event.password &&
        (event.authzid === undefined || event.authzid === event.username)
      );
    case 'CRAM-MD5': {
      const password = Object.hasOwn(USERS, event.username) ? USERS[event.username] : undefined;
      return (
        password !== undefined &&
        event.challenge !== undefined &&
        cramMd5Digest(password, event.challenge) === event.response
      );
    }
    case 'XOAUTH2':
    case 'OAUTHBEARER': {
      const owner =
        event.token !== undefined && Object.hasOwn(TOKENS, event.token) ? TOKENS[event.token] : undefined;
      return owner !== undefined && (event.username === '' || event.username === owner);
    }
  }
}

/**
 * The test application:
 * - AUTH: {@link USERS} and {@link TOKENS}; otherwise `535 5.7.8`;
 * - MAIL from `blocked@…`: `550 5.7.1`;
 * - RCPT to `unknown…@…`: `550 5.1.1`; to `full@…`: `452 4.2.2`; to `forward@…`: `251`;
 * - VRFY `alice` 250, `forward` 251, `ambiguous` 553 5.1.4, anything else 550 5.1.1;
 * - EXPN `staff`: two lines; anything else 550 5.1.1;
 * - message-end: accepted (the driver numbers the queue ids).
 */
export const testApplication: Decider = (event) => {
  switch (event.type) {
    case 'auth':
      return checkAuth(event) ? { accept: true } : refuse(535, '5.7.8', 'Authentication credentials invalid');
    case 'mail':
      return event.from.address.startsWith('blocked@')
        ? refuse(550, '5.7.1', 'Sender refused by policy')
        : { accept: true };
    case 'rcpt': {
      const address = event.to.address;
      if (address.startsWith('unknown')) return refuse(550, '5.1.1', 'No such user here');
      if (address.startsWith('full@')) return refuse(452, '4.2.2', 'Mailbox full');
      if (address.startsWith('forward@'))
        return { accept: true, code: 251, message: 'User not local; will forward' };
      return { accept: true };
    }
    case 'vrfy':
      if (event.argument === 'alice') return { accept: true, message: 'Alice <alice@example.test>' };
      if (event.argument === 'forward')
        return { accept: true, code: 251, message: 'User not local; will forward' };
      if (event.argument === 'ambiguous') return refuse(553, '5.1.4', 'Ambiguous; be more specific');
      return refuse(550, '5.1.1', 'No such user');
    case 'expn':
      return event.argument === 'staff'
        ? { accept: true, lines: ['Alice <alice@example.test>', 'Bob <bob@example.test>'] }
        : refuse(550, '5.1.1', 'No such list');
    case 'message-end':
      return { accept: true };
  }
};
