import { base64Encode, saslPlainResponse } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import { REPLIES } from '../replies.js';
import { failureChallenge, type SaslOutcome, startExchange } from './exchange.js';

const context = { hostname: 'mx.example.test', nonce: '1.2' };

function respond(outcome: SaslOutcome, response: string): SaslOutcome {
  if (outcome.kind !== 'challenge') throw new Error(`expected a challenge, got ${outcome.kind}`);
  return outcome.next(response);
}

describe('SASL exchanges', () => {
  it('PLAIN reads the initial response or asks with an empty challenge', () => {
    const response = saslPlainResponse({ username: 'u', password: 'p' });
    expect(startExchange('PLAIN', response, context)).toEqual({
      kind: 'credentials',
      credentials: { mechanism: 'PLAIN', username: 'u', password: 'p' },
    });
    const asked = startExchange('PLAIN', undefined, context);
    expect(asked).toMatchObject({ kind: 'challenge', challenge: '' });
    expect(respond(asked, response)).toMatchObject({ kind: 'credentials' });
    expect(startExchange('PLAIN', '', context)).toEqual({ kind: 'refuse', reply: REPLIES.badSaslResponse });
  });

  it('LOGIN asks for the username then the password', () => {
    const first = startExchange('LOGIN', undefined, context);
    expect(first).toMatchObject({ kind: 'challenge', challenge: 'VXNlcm5hbWU6' });
    const second = respond(first, base64Encode('u'));
    expect(second).toMatchObject({ kind: 'challenge', challenge: 'UGFzc3dvcmQ6' });
    expect(respond(second, base64Encode('p'))).toEqual({
      kind: 'credentials',
      credentials: { mechanism: 'LOGIN', username: 'u', password: 'p' },
    });
    expect(respond(first, 'not base64!')).toEqual({ kind: 'refuse', reply: REPLIES.badSaslResponse });
  });

  it('CRAM-MD5 is server-first and needs a nonce', () => {
    expect(startExchange('CRAM-MD5', 'x', context)).toEqual({
      kind: 'refuse',
      reply: REPLIES.unexpectedInitialResponse,
    });
    expect(startExchange('CRAM-MD5', undefined, { hostname: 'mx', nonce: undefined })).toMatchObject({
      kind: 'refuse',
    });
    const challenge = startExchange('CRAM-MD5', undefined, context);
    expect(challenge).toMatchObject({ kind: 'challenge', challenge: base64Encode('<1.2@mx.example.test>') });
    expect(respond(challenge, base64Encode(`u ${'a'.repeat(32)}`))).toEqual({
      kind: 'credentials',
      credentials: {
        mechanism: 'CRAM-MD5',
        username: 'u',
        challenge: '<1.2@mx.example.test>',
        response: 'a'.repeat(32),
      },
    });
  });

  it('only the token mechanisms have an error challenge', () => {
    expect(failureChallenge('PLAIN')).toBeUndefined();
    expect(failureChallenge('LOGIN')).toBeUndefined();
    expect(failureChallenge('CRAM-MD5')).toBeUndefined();
    expect(failureChallenge('XOAUTH2')).toBe(base64Encode('{"status":"401"}'));
    expect(failureChallenge('OAUTHBEARER')).toBe(base64Encode('{"status":"invalid_token"}'));
  });
});
