import { describe, expect, it } from 'vitest';
import { integerFlag, parseHostPort } from './args.js';
import { UsageError } from './errors.js';

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:2525', '127.0.0.1', 2525],
    ['localhost:25', 'localhost', 25],
    ['[::1]:2525', '::1', 2525],
    ['mail.example.test:587', 'mail.example.test', 587],
  ])('%s', (text, host, port) => {
    expect(parseHostPort('send', 'server', text)).toEqual({ host, port });
  });

  it.each(['127.0.0.1', ':25', 'host:0', 'host:65536', '::1:25', 'host:port', ''])('refuses %j', (text) => {
    expect(() => parseHostPort('send', 'server', text)).toThrow(UsageError);
    expect(() => parseHostPort('send', 'server', text)).toThrow(/--server needs HOST:PORT/);
  });
});

describe('integerFlag', () => {
  it('parses within bounds and passes undefined through', () => {
    expect(integerFlag('serve', 'port', '2525', { max: 65535 })).toBe(2525);
    expect(integerFlag('serve', 'port', undefined)).toBeUndefined();
  });

  it.each(['-1', '1.5', 'abc', '70000', ''])('refuses %j', (text) => {
    expect(() => integerFlag('serve', 'port', text, { max: 65535 })).toThrow(
      `serve: --port needs a whole number from 0 to 65535, got '${text}'`,
    );
  });
});
