import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseHostPort } from './arguments.js';

describe('parseDuration', () => {
  it('reads ms, s and m', () => {
    expect(parseDuration('200ms')).toEqual({ ok: true, value: 200 });
    expect(parseDuration('5s')).toEqual({ ok: true, value: 5000 });
    expect(parseDuration('2m')).toEqual({ ok: true, value: 120_000 });
    expect(parseDuration('0ms')).toEqual({ ok: true, value: 0 });
  });

  it('refuses anything else', () => {
    for (const text of ['5', '5 s', '1.5s', '5h', '-1s', 's', '']) expect(parseDuration(text).ok).toBe(false);
  });

  it('formats back the way a transcript writes it', () => {
    expect([10_000, 120_000, 250, 0].map(formatDuration)).toEqual(['10s', '2m', '250ms', '0ms']);
  });
});

describe('parseHostPort', () => {
  it('reads names, IPv4 and bracketed IPv6, with offsets of each part', () => {
    expect(parseHostPort('mx.example.test:25')).toEqual({
      ok: true,
      value: { host: 'mx.example.test', hostStart: 0, hostEnd: 15, port: 25, portStart: 16 },
    });
    expect(parseHostPort('127.0.0.1:2525')).toMatchObject({
      ok: true,
      value: { host: '127.0.0.1', port: 2525 },
    });
    expect(parseHostPort('[::1]:2525')).toEqual({
      ok: true,
      value: { host: '::1', hostStart: 1, hostEnd: 4, port: 2525, portStart: 6 },
    });
  });

  it('says what is wrong', () => {
    const reason = (text: string) => {
      const parsed = parseHostPort(text);
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(reason('[::1]')).toBe(
      '`[::1]` needs a port after the brackets (like 127.0.0.1:2525 or [::1]:2525)',
    );
    expect(reason('[::1:25')).toBe('`[::1:25` has no closing `]` (like 127.0.0.1:2525 or [::1]:2525)');
    expect(reason('[mx]:25')).toBe('`mx` is not an IPv6 address');
    expect(reason('bad_host:25')).toBe(
      '`bad_host` is not a host name or IPv4 address (like 127.0.0.1:2525 or [::1]:2525)',
    );
    expect(reason('mx:0')).toBe('port 0 is out of range (1-65535)');
    expect(reason('mx:port')).toBe('`port` is not a port number (1-65535)');
  });
});
