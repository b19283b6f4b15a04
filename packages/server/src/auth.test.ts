import { describe, expect, it } from 'vitest';
import { cramMd5Digest, passwordLookup, verifyPassword } from './auth.js';

describe('cramMd5Digest', () => {
  it('matches the example of RFC 2195', () => {
    const challenge = '<1896.697170952@postoffice.reston.mci.net>';
    expect(cramMd5Digest('tanstaaftanstaaf', challenge)).toBe('b913a602c7eda7a495b4e6e7334d3890');
  });
});

describe('passwordLookup', () => {
  it('reads maps, records and functions alike', async () => {
    const sources = [
      new Map([['bob', 'pw']]),
      { bob: 'pw' },
      (u: string) => (u === 'bob' ? 'pw' : undefined),
    ];
    for (const source of sources) {
      const lookup = passwordLookup(source);
      expect(await lookup('bob')).toBe('pw');
      expect(await lookup('alice')).toBeUndefined();
    }
  });

  it('does not treat inherited properties of a record as users', async () => {
    expect(await passwordLookup({ bob: 'pw' })('constructor')).toBeUndefined();
    expect(await passwordLookup({ bob: 'pw' })('__proto__')).toBeUndefined();
  });
});

describe('verifyPassword', () => {
  const lookup = passwordLookup({ bob: 'secret' });

  it('accepts the right password and refuses a wrong one or an unknown user', async () => {
    expect(await verifyPassword({ mechanism: 'PLAIN', username: 'bob', password: 'secret' }, lookup)).toBe(
      true,
    );
    expect(await verifyPassword({ mechanism: 'LOGIN', username: 'bob', password: 'secret' }, lookup)).toBe(
      true,
    );
    expect(await verifyPassword({ mechanism: 'PLAIN', username: 'bob', password: 'secreT' }, lookup)).toBe(
      false,
    );
    expect(await verifyPassword({ mechanism: 'PLAIN', username: 'bob', password: '' }, lookup)).toBe(false);
    expect(await verifyPassword({ mechanism: 'PLAIN', username: 'eve', password: 'secret' }, lookup)).toBe(
      false,
    );
  });

  it('refuses acting as another identity', async () => {
    const attempt = { mechanism: 'PLAIN' as const, username: 'bob', password: 'secret' };
    expect(await verifyPassword({ ...attempt, authzid: 'bob' }, lookup)).toBe(true);
    expect(await verifyPassword({ ...attempt, authzid: 'alice' }, lookup)).toBe(false);
  });

  it('checks a CRAM-MD5 digest against the challenge that was sent', async () => {
    const challenge = '<12345@mx.example.test>';
    const response = cramMd5Digest('secret', challenge);
    expect(
      await verifyPassword({ mechanism: 'CRAM-MD5', username: 'bob', challenge, response }, lookup),
    ).toBe(true);
    expect(
      await verifyPassword(
        { mechanism: 'CRAM-MD5', username: 'bob', challenge, response: response.toUpperCase() },
        lookup,
      ),
    ).toBe(true);
    expect(
      await verifyPassword(
        { mechanism: 'CRAM-MD5', username: 'bob', challenge: '<other@x>', response },
        lookup,
      ),
    ).toBe(false);
    expect(await verifyPassword({ mechanism: 'CRAM-MD5', username: 'bob', challenge }, lookup)).toBe(false);
  });
});
