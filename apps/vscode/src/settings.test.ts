import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseDuration, parseServerAddress, readSettings } from './settings.js';

describe('parseDuration', () => {
  it('reads milliseconds, seconds and minutes', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration(' 3s ')).toBe(3000);
  });

  it('refuses anything else', () => {
    for (const text of ['', '10', 's', '1.5s', '-1s', '10 s', '1h', '10sec'])
      expect(parseDuration(text)).toBeUndefined();
  });

  it('turns any whole number and unit into the right count of milliseconds', () => {
    const units = { ms: 1, s: 1000, m: 60_000 } as const;
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom('ms', 's', 'm'), (n, unit) => {
        return parseDuration(`${n}${unit}`) === n * units[unit as keyof typeof units];
      }),
    );
  });
});

describe('parseServerAddress', () => {
  it('reads host:port, IPv4 and bracketed IPv6', () => {
    expect(parseServerAddress('mail.example.test:25')).toEqual({ host: 'mail.example.test', port: 25 });
    expect(parseServerAddress('127.0.0.1:2525')).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(parseServerAddress('[::1]:2525')).toEqual({ host: '::1', port: 2525 });
  });

  it('refuses missing or impossible ports and unbracketed IPv6', () => {
    for (const text of [
      'mail.example.test',
      'host:',
      ':25',
      'host:0',
      'host:65536',
      '::1:25',
      'a b:25',
      '[::1]',
    ]) {
      expect(parseServerAddress(text)).toBeUndefined();
    }
  });
});

describe('readSettings', () => {
  const from = (values: Record<string, unknown>) => (key: string) => values[key];

  it('uses the defaults when nothing is set', () => {
    expect(readSettings(from({}))).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
    expect(
      readSettings(
        from({
          server: '',
          timeout: '10s',
          'tls.allowSelfSigned': false,
          cliPath: '',
          'embeddedServer.port': 2525,
        }),
      ).settings,
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('converts valid values', () => {
    const { settings, problems } = readSettings(
      from({
        server: '[::1]:2525',
        timeout: '250ms',
        'tls.allowSelfSigned': true,
        cliPath: ' /usr/local/bin/smtp ',
        'embeddedServer.port': 0,
      }),
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      server: { host: '::1', port: 2525 },
      timeoutMs: 250,
      allowSelfSigned: true,
      cliPath: '/usr/local/bin/smtp',
      serverPort: 0,
    });
  });

  it('reports each unusable value by its full key and falls back to the default', () => {
    const { settings, problems } = readSettings(
      from({
        server: 'localhost',
        timeout: '0s',
        'tls.allowSelfSigned': 'yes',
        'embeddedServer.port': 70000,
      }),
    );
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems.map((p) => p.key)).toEqual([
      'smtpTranscript.server',
      'smtpTranscript.timeout',
      'smtpTranscript.embeddedServer.port',
    ]);
    expect(problems[0]?.message).toContain('"localhost" is not host:port');
    expect(problems[1]?.message).toContain('"0s" is not a duration');
    expect(problems[2]?.message).toContain('"70000" is not a port number');
    expect(readSettings(from({ 'embeddedServer.port': 25.5 })).problems).toHaveLength(1);
  });
});
