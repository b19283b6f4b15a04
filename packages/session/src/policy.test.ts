import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MESSAGE_SIZE, isResolvedPolicy, resolvePolicy, type SessionPolicy } from './policy.js';
import { ServerSession } from './session.js';

describe('resolvePolicy', () => {
  it('fills in the defaults of the specification', () => {
    const policy = resolvePolicy({ hostname: 'mx.example.test' });
    expect(policy).toMatchObject({
      product: 'smtp-workbench',
      maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
      maxRecipients: 100,
      maxErrors: 10,
      maxAuthFailures: 3,
      maxCommandLineLength: 512,
      maxTextLineLength: undefined,
      lineEndings: 'strict',
      tls: { available: false, active: false },
      auth: { mechanisms: [], allowInsecure: false, required: false },
      vrfy: false,
      expn: false,
      lmtp: false,
    });
    expect(Object.values(policy.extensions).every((on) => on)).toBe(true);
    expect([1, 2, 3, 6, 9].map(policy.authFailureDelayMs)).toEqual([1000, 2000, 3000, 5000, 5000]);
  });

  it('keeps explicit values, undefined meaning the default', () => {
    const policy = resolvePolicy({
      hostname: 'mx',
      maxMessageSize: 0,
      maxErrors: undefined,
      extensions: { dsn: false },
      auth: { mechanisms: ['PLAIN', 'PLAIN', 'LOGIN'] },
    });
    expect(policy.maxMessageSize).toBe(0);
    expect(policy.maxErrors).toBe(10);
    expect(policy.extensions.dsn).toBe(false);
    expect(policy.extensions.size).toBe(true);
    expect(policy.auth.mechanisms).toEqual(['PLAIN', 'LOGIN']);
  });

  it('refuses what the session cannot honour', () => {
    const bad: SessionPolicy[] = [
      { hostname: '' },
      { hostname: 'has space' },
      { hostname: 'line\r\nbreak' },
      { hostname: 'mx', product: 'bad\nproduct' },
      { hostname: 'mx', maxRecipients: 0 },
      { hostname: 'mx', maxMessageSize: -1 },
      { hostname: 'mx', maxErrors: 1.5 },
      { hostname: 'mx', maxCommandLineLength: 10 },
      { hostname: 'mx', maxTextLineLength: 2 },
      { hostname: 'mx', lineEndings: 'loose' as never },
      { hostname: 'mx', auth: { mechanisms: ['GSSAPI' as never] } },
    ];
    for (const policy of bad) expect(() => resolvePolicy(policy), JSON.stringify(policy)).toThrow();
  });

  it('returns a frozen policy that sessions share as is', () => {
    const given: SessionPolicy = { hostname: 'mx.example.test' };
    const resolved = resolvePolicy(given);
    expect(
      Object.isFrozen(resolved) && Object.isFrozen(resolved.extensions) && Object.isFrozen(resolved.auth),
    ).toBe(true);
    expect(isResolvedPolicy(resolved)).toBe(true);
    expect(isResolvedPolicy(given)).toBe(false);
    expect(resolvePolicy(resolved)).toBe(resolved);
    expect(new ServerSession(resolved).policy).toBe(resolved);
    expect(new ServerSession(given).policy).not.toBe(resolved);
  });
});
