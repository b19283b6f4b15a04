import { describe, expect, it } from 'vitest';
import { CapabilityError, ProtocolError } from './errors.js';
import { chooseMechanism, startExchange } from './sasl-client.js';

const SECRETS = { password: 'SMTP_PASSWORD', token: 'SMTP_TOKEN' };
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('SASL client', () => {
  it('chooses the strongest offered mechanism that fits the credentials', () => {
    expect(chooseMechanism(['PLAIN', 'LOGIN', 'CRAM-MD5'], { user: 'u', pass: 'p' })).toBe('CRAM-MD5');
    expect(chooseMechanism(['login', 'plain'], { user: 'u', pass: 'p' })).toBe('PLAIN');
    expect(chooseMechanism(['LOGIN'], { user: 'u', pass: 'p' })).toBe('LOGIN');
    expect(chooseMechanism(['PLAIN', 'XOAUTH2', 'OAUTHBEARER'], { user: 'u', accessToken: 't' })).toBe(
      'OAUTHBEARER',
    );
    expect(chooseMechanism(['PLAIN', 'LOGIN'], { user: 'u', pass: 'p', method: 'LOGIN' })).toBe('LOGIN');
    expect(() => chooseMechanism(['GSSAPI'], { user: 'u', pass: 'p' })).toThrow(CapabilityError);
    expect(() => chooseMechanism([], { user: 'u', accessToken: 't' })).toThrow(/offers no AUTH mechanism/);
  });

  it('answers the RFC 2195 CRAM-MD5 example', () => {
    const exchange = startExchange('CRAM-MD5', { user: 'tim', pass: 'tanstaaftanstaaf' }, SECRETS);
    const answer = exchange.respond(b64('<1896.697170952@postoffice.reston.mci.net>'));
    expect(answer).not.toBeInstanceOf(ProtocolError);
    expect(Buffer.from((answer as { line: string }).line, 'base64').toString()).toBe(
      'tim b913a602c7eda7a495b4e6e7334d3890',
    );
    expect(exchange.respond(b64('again'))).toBeInstanceOf(ProtocolError);
  });

  it('refuses a CRAM-MD5 challenge that is not base64', () => {
    const exchange = startExchange('CRAM-MD5', { user: 'tim', pass: 'x' }, SECRETS);
    expect(exchange.respond('not base64!')).toBeInstanceOf(ProtocolError);
  });

  it('writes transcripts that hide secrets but replay, escaping what would end a variable', () => {
    const plain = startExchange('PLAIN', { user: 'we}ird', pass: 'pw', authzid: 'admin' }, SECRETS);
    expect(plain.command.trace).toBe('AUTH PLAIN {{base64:admin\\0we\\x7dird\\0{{env:SMTP_PASSWORD}}}}');
    const bearer = startExchange(
      'OAUTHBEARER',
      { user: 'a,b=c', accessToken: 'tok' },
      { password: 'P', token: 'TOKEN' },
    );
    expect(bearer.command.trace).toBe(
      'AUTH OAUTHBEARER {{base64:n,a=a=2Cb=3Dc,\\x01auth=Bearer {{env:TOKEN}}\\x01\\x01}}',
    );
    expect(Buffer.from(bearer.command.line.slice('AUTH OAUTHBEARER '.length), 'base64').toString()).toBe(
      'n,a=a=2Cb=3Dc,\x01auth=Bearer tok\x01\x01',
    );
  });

  it('answers an OAUTHBEARER error challenge with ^A, once', () => {
    const exchange = startExchange('OAUTHBEARER', { user: 'u', accessToken: 't' }, SECRETS);
    expect(exchange.respond(b64('{"status":"invalid_token"}'))).toMatchObject({ line: 'AQ==' });
    expect(exchange.respond('')).toBeInstanceOf(ProtocolError);
  });

  it('refuses credentials of the wrong kind for a mechanism', () => {
    expect(() => startExchange('PLAIN', { user: 'u', accessToken: 't' }, SECRETS)).toThrow(CapabilityError);
    expect(() => startExchange('XOAUTH2', { user: 'u', pass: 'p' }, SECRETS)).toThrow(CapabilityError);
  });
});
