import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCapabilities, KNOWN_EXTENSIONS, parseCapabilities } from './capabilities.js';
import { serializeReply } from './reply-format.js';
import { parseReply } from './reply-parser.js';

const postfix = parseReply(
  [
    '250-mx.example.test',
    '250-PIPELINING',
    '250-SIZE 10240000',
    '250-VRFY',
    '250-ETRN',
    '250-STARTTLS',
    '250-AUTH PLAIN LOGIN',
    '250-AUTH=PLAIN LOGIN',
    '250-ENHANCEDSTATUSCODES',
    '250-8BITMIME',
    '250-DSN',
    '250-SMTPUTF8',
    '250 CHUNKING',
  ].join('\r\n'),
);

describe('parseCapabilities', () => {
  it('reads a Postfix EHLO reply', () => {
    const caps = parseCapabilities(postfix);
    expect(caps).toMatchObject({
      greeting: 'mx.example.test',
      domain: 'mx.example.test',
      size: 10240000,
      auth: ['PLAIN', 'LOGIN'],
      pipelining: true,
      eightBitMime: true,
      binaryMime: false,
      chunking: true,
      smtputf8: true,
      dsn: true,
      enhancedStatusCodes: true,
      startTls: true,
      requireTls: false,
      help: false,
      malformed: [],
    });
    expect([...caps.other]).toEqual([
      ['VRFY', []],
      ['ETRN', []],
    ]);
    expect(caps.extensions.get('AUTH')).toEqual(['PLAIN', 'LOGIN']);
  });

  it('answers has() in any case', () => {
    const caps = parseCapabilities(postfix);
    expect(caps.has('etrn')).toBe(true);
    expect(caps.has('Pipelining')).toBe(true);
    expect(caps.has('BINARYMIME')).toBe(false);
  });

  it('reads the old AUTH=... form alone, in any case, merging mechanisms', () => {
    const caps = parseCapabilities(parseReply('250-mx\r\n250-auth=login plain\r\n250 AUTH CRAM-MD5 LOGIN'));
    expect(caps.auth).toEqual(['LOGIN', 'PLAIN', 'CRAM-MD5']);
    expect(caps.has('AUTH')).toBe(true);
  });

  it('reads SIZE without a number, and SIZE 0, as no declared limit', () => {
    expect(parseCapabilities(parseReply('250-mx\r\n250 SIZE')).size).toBe(0);
    expect(parseCapabilities(parseReply('250-mx\r\n250 SIZE 0')).size).toBe(0);
    expect(parseCapabilities(parseReply('250-mx\r\n250 SIZE lots')).size).toBe(0);
    expect(parseCapabilities(parseReply('250 mx')).size).toBeUndefined();
  });

  it('keeps the greeting text after the domain', () => {
    const caps = parseCapabilities(parseReply('250-mx.example.test Hello client [192.0.2.7]\r\n250 HELP'));
    expect(caps.domain).toBe('mx.example.test');
    expect(caps.greeting).toBe('mx.example.test Hello client [192.0.2.7]');
    expect(caps.help).toBe(true);
  });

  it('lists malformed lines and ignores them otherwise', () => {
    const caps = parseCapabilities(parseReply('250-mx\r\n250-\r\n250-*BAD*\r\n250 -X'));
    expect(caps.malformed).toEqual(['', '*BAD*', '-X']);
    expect(caps.extensions.size).toBe(0);
  });

  it('strips an enhanced code that a server put on its EHLO lines', () => {
    const caps = parseCapabilities(parseReply('250-2.0.0 mx.example.test\r\n250 2.0.0 PIPELINING'));
    expect(caps.domain).toBe('mx.example.test');
    expect(caps.pipelining).toBe(true);
  });

  it('reads a one-line reply as a greeting without extensions (HELO-like)', () => {
    const caps = parseCapabilities({ code: 250, lines: ['mx'] });
    expect(caps.extensions.size).toBe(0);
    expect(caps.auth).toEqual([]);
  });
});

describe('formatCapabilities', () => {
  it('writes the server-behaviour.md default list in order', () => {
    const reply = formatCapabilities({
      greeting: 'mx.example.test ESMTP',
      pipelining: true,
      size: 10485760,
      eightBitMime: true,
      enhancedStatusCodes: true,
      chunking: true,
      binaryMime: true,
      smtputf8: true,
      dsn: true,
      startTls: true,
      auth: ['PLAIN', 'LOGIN'],
      help: true,
    });
    expect(serializeReply(reply)).toBe(
      [
        '250-mx.example.test ESMTP',
        '250-PIPELINING',
        '250-SIZE 10485760',
        '250-8BITMIME',
        '250-ENHANCEDSTATUSCODES',
        '250-CHUNKING',
        '250-BINARYMIME',
        '250-SMTPUTF8',
        '250-DSN',
        '250-STARTTLS',
        '250-AUTH PLAIN LOGIN',
        '250 HELP',
        '',
      ].join('\r\n'),
    );
  });

  it('writes other keywords after the typed ones', () => {
    const reply = formatCapabilities({
      greeting: 'mx',
      other: [
        ['XCLIENT', ['ADDR', 'NAME']],
        ['ETRN', []],
      ],
    });
    expect(reply.lines).toEqual(['mx', 'XCLIENT ADDR NAME', 'ETRN']);
  });

  it('refuses what would make a broken reply', () => {
    expect(() => formatCapabilities({ greeting: '' })).toThrow(TypeError);
    expect(() => formatCapabilities({ greeting: 'mx\r\n250 forged' })).toThrow(TypeError);
    expect(() => formatCapabilities({ greeting: 'mx', size: -1 })).toThrow(TypeError);
    expect(() => formatCapabilities({ greeting: 'mx', auth: ['PLAIN LOGIN'] })).toThrow(TypeError);
    expect(() => formatCapabilities({ greeting: 'mx', other: [['SIZE', ['1']]] })).toThrow(/own field/);
    expect(() =>
      formatCapabilities({
        greeting: 'mx',
        other: [
          ['X-A', []],
          ['x-a', []],
        ],
      }),
    ).toThrow(/twice/);
    expect(() => formatCapabilities({ greeting: 'mx', other: [['BAD KEY', []]] })).toThrow(TypeError);
    expect(() => formatCapabilities({ greeting: 'mx', other: [['X', ['a\nb']]] })).toThrow(TypeError);
  });

  it('round-trips through parseCapabilities', () => {
    const flag = fc.option(fc.constant(true), { nil: undefined });
    const init = fc.record(
      {
        greeting: fc.constantFrom('mx.example.test', 'mx.example.test ESMTP ready'),
        size: fc.nat(),
        auth: fc.uniqueArray(fc.constantFrom('PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'), {
          minLength: 1,
        }),
        pipelining: flag,
        eightBitMime: flag,
        binaryMime: flag,
        chunking: flag,
        smtputf8: flag,
        dsn: flag,
        enhancedStatusCodes: flag,
        startTls: flag,
        requireTls: flag,
        help: flag,
        other: fc.uniqueArray(
          fc.tuple(
            fc.constantFrom('ETRN', 'VRFY', 'XCLIENT', 'X-EXPS', 'LIMITS'),
            fc.array(fc.constantFrom('A', 'B=1')),
          ),
          { selector: ([keyword]) => keyword },
        ),
      },
      { requiredKeys: ['greeting'] },
    );
    fc.assert(
      fc.property(init, (given) => {
        const caps = parseCapabilities(parseReply(serializeReply(formatCapabilities(given))));
        expect(caps.greeting).toBe(given.greeting);
        expect(caps.size).toBe(given.size);
        expect(caps.auth).toEqual(given.auth ?? []);
        for (const field of [
          'pipelining',
          'eightBitMime',
          'binaryMime',
          'chunking',
          'smtputf8',
          'dsn',
        ] as const) {
          expect(caps[field]).toBe(given[field] === true);
        }
        expect(caps.enhancedStatusCodes).toBe(given.enhancedStatusCodes === true);
        expect(caps.startTls).toBe(given.startTls === true);
        expect(caps.requireTls).toBe(given.requireTls === true);
        expect(caps.help).toBe(given.help === true);
        expect([...caps.other]).toEqual(given.other ?? []);
      }),
    );
  });
});

describe('KNOWN_EXTENSIONS', () => {
  it('lists each keyword once, with a source and a one-line summary', () => {
    const keywords = KNOWN_EXTENSIONS.map((extension) => extension.keyword);
    expect(new Set(keywords).size).toBe(keywords.length);
    for (const extension of KNOWN_EXTENSIONS) {
      expect(extension.keyword).toMatch(/^[A-Z0-9][A-Z0-9-]*$/);
      expect(extension.source).toMatch(/^(RFC \d+|Postfix)$/);
      expect(extension.summary).not.toMatch(/\n/);
    }
  });

  it('covers every extension the server advertises and every typed field', () => {
    const keywords = new Set(KNOWN_EXTENSIONS.map((extension) => extension.keyword));
    for (const keyword of [
      'PIPELINING',
      'SIZE',
      '8BITMIME',
      'ENHANCEDSTATUSCODES',
      'CHUNKING',
      'BINARYMIME',
      'SMTPUTF8',
      'DSN',
      'STARTTLS',
      'AUTH',
      'HELP',
      'REQUIRETLS',
    ]) {
      expect(keywords.has(keyword), keyword).toBe(true);
    }
  });
});
