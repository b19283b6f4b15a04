import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from './base64.js';
import {
  cramMd5Challenge,
  cramMd5Response,
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  loginChallengePrompt,
  loginResponse,
  OAUTHBEARER_ERROR_ACK,
  oauthBearerResponse,
  oauthErrorChallenge,
  parseCramMd5Response,
  parseLoginResponse,
  parseOauthBearerResponse,
  parseOauthErrorChallenge,
  parseSaslPlain,
  parseXoauth2Response,
  saslPlainResponse,
  xoauth2Response,
} from './sasl.js';

const decoded = (b64: string) => new TextDecoder().decode(base64Decode(b64));
const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019 .-_@+=,é'), minLength: 1, maxLength: 12 });
const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~+/='), minLength: 1, maxLength: 30 });

describe('PLAIN', () => {
  it('writes authzid NUL username NUL password in base64', () => {
    expect(saslPlainResponse({ username: 'bob', password: 'secret' })).toBe('AGJvYgBzZWNyZXQ=');
    expect(decoded(saslPlainResponse({ authzid: 'admin', username: 'bob', password: 'pw' }))).toBe(
      'admin\0bob\0pw',
    );
  });

  it('refuses NUL in a field and an empty username or password', () => {
    expect(() => saslPlainResponse({ username: 'b\0ob', password: 'x' })).toThrow(TypeError);
    expect(() => saslPlainResponse({ username: '', password: 'x' })).toThrow(TypeError);
    expect(() => saslPlainResponse({ username: 'bob', password: '' })).toThrow(TypeError);
  });

  it('reads a response back, leaving out an empty authzid', () => {
    expect(parseSaslPlain('AGJvYgBzZWNyZXQ=')).toEqual({ username: 'bob', password: 'secret' });
    expect(parseSaslPlain(base64Encode('a\0b\0c'))).toEqual({ authzid: 'a', username: 'b', password: 'c' });
  });

  it.each([
    ['not base64', '!!!'],
    ['two fields', base64Encode('bob\0secret')],
    ['four fields', base64Encode('a\0b\0c\0d')],
    ['empty username', base64Encode('\0\0pw')],
    ['invalid UTF-8', base64Encode(Uint8Array.of(0, 0x62, 0, 0xff))],
    ['the empty response', '='],
  ])('refuses %s', (_name, input) => {
    expect(parseSaslPlain(input)).toBeUndefined();
  });

  it('round-trips any credentials', () => {
    fc.assert(
      fc.property(
        fc.option(printable, { nil: undefined }),
        printable,
        printable,
        (authzid, username, password) => {
          const credentials =
            authzid === undefined ? { username, password } : { authzid, username, password };
          expect(parseSaslPlain(saslPlainResponse(credentials))).toEqual(credentials);
        },
      ),
    );
  });
});

describe('LOGIN', () => {
  it('has the usual challenges', () => {
    expect(decoded(LOGIN_USERNAME_CHALLENGE)).toBe('Username:');
    expect(decoded(LOGIN_PASSWORD_CHALLENGE)).toBe('Password:');
  });

  it('recognises how servers word the prompts', () => {
    expect(loginChallengePrompt(LOGIN_USERNAME_CHALLENGE)).toBe('username');
    expect(loginChallengePrompt(base64Encode('User Name'))).toBe('username');
    expect(loginChallengePrompt(LOGIN_PASSWORD_CHALLENGE)).toBe('password');
    expect(loginChallengePrompt(base64Encode('Token:'))).toBeUndefined();
    expect(loginChallengePrompt('%%%')).toBeUndefined();
  });

  it('encodes and reads values', () => {
    expect(loginResponse('bob')).toBe('Ym9i');
    expect(parseLoginResponse('Ym9i')).toBe('bob');
    expect(parseLoginResponse(base64Encode('a\0b'))).toBeUndefined();
    expect(parseLoginResponse('Ym9')).toBeUndefined();
    expect(() => loginResponse('a\0b')).toThrow(TypeError);
  });
});

describe('CRAM-MD5', () => {
  it('builds the challenge from a nonce and host given by the caller', () => {
    expect(cramMd5Challenge('1896.697170952', 'postoffice.example.test')).toBe(
      '<1896.697170952@postoffice.example.test>',
    );
  });

  it.each([
    ['', 'host.test'],
    ['a b', 'host.test'],
    ['a<b', 'host.test'],
    ['a@b', 'host.test'],
    ['123', ''],
    ['123', 'host>x'],
  ])('refuses nonce %j with host %j', (nonce, host) => {
    expect(() => cramMd5Challenge(nonce, host)).toThrow(TypeError);
  });

  it('writes and reads `username digest` (RFC 2195 example)', () => {
    const response = cramMd5Response('tim', 'b913a602c7eda7a495b4e6e7334d3890');
    expect(decoded(response)).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
    expect(parseCramMd5Response(response)).toEqual({
      username: 'tim',
      digest: 'b913a602c7eda7a495b4e6e7334d3890',
    });
  });

  it('keeps spaces in the username: the digest is the last word', () => {
    const response = cramMd5Response('tim smith', 'b913a602c7eda7a495b4e6e7334d3890');
    expect(parseCramMd5Response(response)?.username).toBe('tim smith');
  });

  it('refuses a digest that is not 32 lower-case hex digits', () => {
    expect(() => cramMd5Response('tim', 'B913A602C7EDA7A495B4E6E7334D3890')).toThrow(TypeError);
    expect(() => cramMd5Response('tim', 'abc')).toThrow(TypeError);
    expect(() => cramMd5Response('', 'b913a602c7eda7a495b4e6e7334d3890')).toThrow(TypeError);
    expect(parseCramMd5Response(base64Encode('tim b913'))).toBeUndefined();
    expect(parseCramMd5Response(base64Encode(' b913a602c7eda7a495b4e6e7334d3890'))).toBeUndefined();
    expect(parseCramMd5Response(base64Encode('b913a602c7eda7a495b4e6e7334d3890'))).toBeUndefined();
  });
});

describe('XOAUTH2', () => {
  it('writes user=... ^A auth=Bearer ... ^A ^A', () => {
    const response = xoauth2Response(
      'someuser@example.test',
      'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg',
    );
    expect(decoded(response)).toBe(
      'user=someuser@example.test\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01',
    );
    expect(parseXoauth2Response(response)).toEqual({
      user: 'someuser@example.test',
      token: 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg',
    });
  });

  it('refuses malformed responses', () => {
    expect(parseXoauth2Response(base64Encode('user=a\x01auth=Bearer t\x01'))).toBeUndefined();
    expect(parseXoauth2Response(base64Encode('auth=Bearer t\x01\x01'))).toBeUndefined();
    expect(parseXoauth2Response(base64Encode('user=a\x01auth=Basic t\x01\x01'))).toBeUndefined();
    expect(parseXoauth2Response(base64Encode('user=a\x01user=b\x01auth=Bearer t\x01\x01'))).toBeUndefined();
    expect(() => xoauth2Response('a', 'with space')).toThrow(TypeError);
    expect(() => xoauth2Response('', 'token')).toThrow(TypeError);
    expect(() => xoauth2Response('a\x01', 'token')).toThrow(TypeError);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(printable, token, (user, t) => {
        expect(parseXoauth2Response(xoauth2Response(user, t))).toEqual({ user, token: t });
      }),
    );
  });
});

describe('OAUTHBEARER', () => {
  it('writes the RFC 7628 §4.1 example', () => {
    const response = oauthBearerResponse({
      user: 'user@example.com',
      host: 'server.example.com',
      port: 143,
      token: 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==',
    });
    expect(decoded(response)).toBe(
      'n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01',
    );
  });

  it('escapes , and = in the authorization identity (RFC 5801 saslname)', () => {
    const response = oauthBearerResponse({ user: 'a,b=c', token: 't' });
    expect(decoded(response)).toBe('n,a=a=2Cb=3Dc,\x01auth=Bearer t\x01\x01');
    expect(parseOauthBearerResponse(response)).toEqual({ user: 'a,b=c', token: 't' });
  });

  it('writes n,, without a user', () => {
    expect(decoded(oauthBearerResponse({ token: 't' }))).toBe('n,,\x01auth=Bearer t\x01\x01');
  });

  it('refuses malformed responses', () => {
    const bad = [
      'y,,\x01auth=Bearer t\x01\x01',
      'p=tls-unique,,\x01auth=Bearer t\x01\x01',
      'n,,\x01host=h\x01\x01',
      'n,a=x=41,\x01auth=Bearer t\x01\x01',
      'n,,\x01port=99999\x01auth=Bearer t\x01\x01',
      'n,,\x01port=abc\x01auth=Bearer t\x01\x01',
      'n,,auth=Bearer t\x01\x01',
    ];
    for (const text of bad)
      expect(parseOauthBearerResponse(base64Encode(text)), JSON.stringify(text)).toBeUndefined();
    expect(() => oauthBearerResponse({ token: 't', port: 0 })).toThrow(TypeError);
    expect(() => oauthBearerResponse({ token: 't', host: 'a b' })).toThrow(TypeError);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            user: printable,
            host: fc.constantFrom('mx.example.test', '192.0.2.1'),
            port: fc.integer({ min: 1, max: 65535 }),
            token,
          },
          { requiredKeys: ['token'] },
        ),
        (credentials) => {
          expect(parseOauthBearerResponse(oauthBearerResponse(credentials))).toEqual(credentials);
        },
      ),
    );
  });

  it('builds and reads the JSON error challenge; the client acknowledges with ^A', () => {
    const challenge = oauthErrorChallenge({
      status: 'invalid_token',
      scope: 'example_scope',
      openidConfiguration: 'https://example.test/.well-known/openid-configuration',
    });
    expect(JSON.parse(decoded(challenge))).toEqual({
      status: 'invalid_token',
      scope: 'example_scope',
      'openid-configuration': 'https://example.test/.well-known/openid-configuration',
    });
    expect(parseOauthErrorChallenge(challenge)).toEqual({
      status: 'invalid_token',
      scope: 'example_scope',
      openidConfiguration: 'https://example.test/.well-known/openid-configuration',
    });
    expect(parseOauthErrorChallenge(base64Encode('{"status":401}'))).toBeUndefined();
    expect(parseOauthErrorChallenge(base64Encode('[1]'))).toBeUndefined();
    expect(parseOauthErrorChallenge(base64Encode('{'))).toBeUndefined();
    expect(decoded(OAUTHBEARER_ERROR_ACK)).toBe('\x01');
  });
});

describe('parsers never throw', () => {
  it('on arbitrary base64 of arbitrary octets, or on arbitrary text', () => {
    const parsers = [
      parseSaslPlain,
      parseLoginResponse,
      parseCramMd5Response,
      parseXoauth2Response,
      parseOauthBearerResponse,
      parseOauthErrorChallenge,
      loginChallengePrompt,
    ];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }).map(base64Encode), fc.string()), (input) => {
        for (const parse of parsers) parse(input);
      }),
    );
  });
});
