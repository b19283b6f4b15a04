import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings.js';
import { describeScope, runOptionsFor } from './run-scope.js';

describe('runOptionsFor', () => {
  it('passes the timeout and TLS settings for a whole file', () => {
    expect(
      runOptionsFor({ kind: 'file' }, { ...DEFAULT_SETTINGS, timeoutMs: 500, allowSelfSigned: true }),
    ).toEqual({
      timeoutMs: 500,
      allowSelfSigned: true,
    });
  });

  it('runs one session, or stops after a line', () => {
    expect(runOptionsFor({ kind: 'session', index: 2 }, DEFAULT_SETTINGS)).toMatchObject({
      session: { index: 2 },
    });
    expect(runOptionsFor({ kind: 'to-line', line: 7 }, DEFAULT_SETTINGS)).toMatchObject({ stopAfterLine: 7 });
  });

  it('uses the default-server setting for files without @connect host:port', () => {
    const settings = { ...DEFAULT_SETTINGS, server: { host: '127.0.0.1', port: 2525 } };
    const options = runOptionsFor({ kind: 'file' }, settings);
    expect(options.defaultServer).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(options.server).toBeUndefined();
  });

  it('lets an explicit server override everything, like smtp run --server', () => {
    const settings = { ...DEFAULT_SETTINGS, server: { host: '127.0.0.1', port: 2525 } };
    const options = runOptionsFor({ kind: 'file' }, settings, { host: '::1', port: 25 });
    expect(options.server).toEqual({ host: '::1', port: 25 });
    expect(options.defaultServer).toBeUndefined();
  });
});

describe('describeScope', () => {
  it('names the part of the file that runs', () => {
    expect(describeScope('a.smtp', { kind: 'file' })).toBe('a.smtp');
    expect(describeScope('a.smtp', { kind: 'session', index: 1 })).toBe('a.smtp, session 2');
    expect(describeScope('a.smtp', { kind: 'to-line', line: 8 })).toBe('a.smtp to line 9');
  });
});
