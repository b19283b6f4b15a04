import { describe, expect, it } from 'vitest';
import { ConnectionLimiter } from './connection-limiter.js';

describe('ConnectionLimiter', () => {
  it('admits up to the overall limit and again after a release', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 2, maxConnectionsPerAddress: 0 });
    expect([limiter.admit(), limiter.admit(), limiter.admit()]).toEqual([
      'accepted',
      'accepted',
      'server-full',
    ]);
    limiter.release();
    expect(limiter.admit()).toBe('accepted');
    expect(limiter.open).toBe(2);
  });

  it('limits each address on its own', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerAddress: 1 });
    expect(limiter.admitAddress('192.0.2.1')).toBe('accepted');
    expect(limiter.admitAddress('192.0.2.1')).toBe('address-full');
    expect(limiter.admitAddress('192.0.2.2')).toBe('accepted');
    limiter.releaseAddress('192.0.2.1');
    expect(limiter.openFrom('192.0.2.1')).toBe(0);
    expect(limiter.admitAddress('192.0.2.1')).toBe('accepted');
  });

  it('treats 0 as no limit', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerAddress: 0 });
    for (let i = 0; i < 1000; i++) {
      expect(limiter.admit()).toBe('accepted');
      expect(limiter.admitAddress('::1')).toBe('accepted');
    }
  });
});
