import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mailboxPath, NULL_PATH, type Path, postmasterPath } from './address.js';
import { type Command, CommandFormatError, CommandInjectionError } from './command.js';
import { encodeCommand, formatCommand } from './command-format.js';
import { parseCommand } from './command-parser.js';
import { commandArb, commandArbs } from './test-support/arbitraries.js';

const bob = mailboxPath('bob', 'example.test');

describe('formatCommand', () => {
  it('writes each verb', () => {
    const table: [Command, string][] = [
      [{ verb: 'EHLO', domain: 'client.example.test' }, 'EHLO client.example.test'],
      [{ verb: 'HELO', domain: '[192.0.2.1]' }, 'HELO [192.0.2.1]'],
      [{ verb: 'MAIL', from: NULL_PATH, params: {} }, 'MAIL FROM:<>'],
      [
        { verb: 'MAIL', from: mailboxPath('john doe', 'example.test'), params: { size: 10, envid: 'a=b' } },
        'MAIL FROM:<"john doe"@example.test> SIZE=10 ENVID=a+3Db',
      ],
      [{ verb: 'RCPT', to: bob, params: { notify: ['NEVER'] } }, 'RCPT TO:<bob@example.test> NOTIFY=NEVER'],
      [{ verb: 'RCPT', to: postmasterPath(), params: {} }, 'RCPT TO:<Postmaster>'],
      [
        { verb: 'RCPT', to: mailboxPath('u', 'c.test', { sourceRoute: ['a.test'] }), params: {} },
        'RCPT TO:<@a.test:u@c.test>',
      ],
      [{ verb: 'DATA' }, 'DATA'],
      [{ verb: 'BDAT', size: 42, last: false }, 'BDAT 42'],
      [{ verb: 'BDAT', size: 0, last: true }, 'BDAT 0 LAST'],
      [{ verb: 'RSET' }, 'RSET'],
      [{ verb: 'VRFY', argument: 'bob' }, 'VRFY bob'],
      [{ verb: 'EXPN', argument: 'staff' }, 'EXPN staff'],
      [{ verb: 'HELP' }, 'HELP'],
      [{ verb: 'HELP', topic: 'MAIL' }, 'HELP MAIL'],
      [{ verb: 'NOOP' }, 'NOOP'],
      [{ verb: 'NOOP', argument: 'ping' }, 'NOOP ping'],
      [{ verb: 'QUIT' }, 'QUIT'],
      [{ verb: 'STARTTLS' }, 'STARTTLS'],
      [{ verb: 'AUTH', mechanism: 'LOGIN' }, 'AUTH LOGIN'],
      [{ verb: 'AUTH', mechanism: 'EXTERNAL', initialResponse: '' }, 'AUTH EXTERNAL ='],
      [
        { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGJvYgBzZWNyZXQ=' },
        'AUTH PLAIN AGJvYgBzZWNyZXQ=',
      ],
      [{ verb: 'TURN' }, 'TURN'],
      [{ verb: 'ATRN' }, 'ATRN'],
      [{ verb: 'ATRN', domains: ['a.test', 'b.test'] }, 'ATRN a.test,b.test'],
      [{ verb: 'ETRN', argument: '@example.test' }, 'ETRN @example.test'],
      [{ verb: 'SAML', from: bob, params: {} }, 'SAML FROM:<bob@example.test>'],
      [{ verb: 'OTHER', name: 'X-EXPS', argument: 'GSSAPI' }, 'X-EXPS GSSAPI'],
      [{ verb: 'OTHER', name: 'XCLIENT', argument: '' }, 'XCLIENT'],
    ];
    for (const [command, line] of table) expect(formatCommand(command)).toBe(line);
  });

  it('encodeCommand adds CRLF and encodes UTF-8', () => {
    const command: Command = { verb: 'RCPT', to: mailboxPath('jöe', 'example.test'), params: {} };
    expect(encodeCommand(command)).toEqual(new TextEncoder().encode('RCPT TO:<jöe@example.test>\r\n'));
  });

  describe('refuses CR, LF and NUL in every value (no command injection)', () => {
    const forged: [string, Command][] = [
      ['EHLO domain', { verb: 'EHLO', domain: 'x\r\nMAIL FROM:<a@b.test>' }],
      ['HELO domain', { verb: 'HELO', domain: 'x\n' }],
      ['VRFY argument', { verb: 'VRFY', argument: 'a\rb' }],
      ['EXPN argument', { verb: 'EXPN', argument: 'a\0b' }],
      ['ETRN argument', { verb: 'ETRN', argument: 'a\nb' }],
      ['HELP topic', { verb: 'HELP', topic: 'a\r\nQUIT' }],
      ['NOOP argument', { verb: 'NOOP', argument: '\r\nDATA' }],
      ['AUTH mechanism', { verb: 'AUTH', mechanism: 'PLAIN\r\n' }],
      ['AUTH initial response', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AAAA\r\nQUIT' }],
      ['ATRN domain', { verb: 'ATRN', domains: ['a.test\r\nQUIT'] }],
      ['OTHER name', { verb: 'OTHER', name: 'X\r\nQUIT', argument: '' }],
      ['OTHER argument', { verb: 'OTHER', name: 'X-A', argument: 'a\nb' }],
      ['MAIL ENVID', { verb: 'MAIL', from: NULL_PATH, params: { envid: 'x\r\nRCPT TO:<a@b.test>' } }],
      ['MAIL other', { verb: 'MAIL', from: NULL_PATH, params: { other: [['X', 'a\r\nQUIT']] } }],
      ['RCPT ORCPT', { verb: 'RCPT', to: bob, params: { orcpt: { addrType: 'rfc822', address: 'a\nb' } } }],
      [
        'hand-built path',
        {
          verb: 'RCPT',
          to: {
            kind: 'mailbox',
            address: 'a@b.test>\r\nDATA\r\n<',
            localPart: 'a',
            domain: 'b.test',
            utf8: false,
          },
          params: {},
        },
      ],
    ];
    it.each(forged)('%s', (_name, command) => {
      expect(() => formatCommand(command)).toThrow(CommandInjectionError);
    });

    it('CommandInjectionError is a CommandFormatError and a TypeError', () => {
      const error = new CommandInjectionError('x');
      expect(error).toBeInstanceOf(CommandFormatError);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.name).toBe('CommandInjectionError');
    });
  });

  it('refuses other values it cannot write', () => {
    const invalid: Command[] = [
      { verb: 'EHLO', domain: '' },
      { verb: 'EHLO', domain: ' padded' },
      { verb: 'VRFY', argument: '' },
      { verb: 'BDAT', size: -1, last: false },
      { verb: 'BDAT', size: 1.5, last: false },
      { verb: 'AUTH', mechanism: 'plain' },
      { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '=' },
      { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'not base64!' },
      { verb: 'ATRN', domains: [] },
      { verb: 'ATRN', domains: ['a,b'] },
      { verb: 'OTHER', name: 'BAD VERB', argument: '' },
      { verb: 'OTHER', name: 'X', argument: 'trailing ' },
      { verb: 'RCPT', to: NULL_PATH as unknown as Path as never, params: {} },
      { verb: 'MAIL', from: postmasterPath() as unknown as Path as never, params: {} },
      {
        verb: 'MAIL',
        from: { kind: 'mailbox', address: 'a b@c.test', localPart: 'a b', domain: 'c.test', utf8: false },
        params: {},
      },
    ];
    for (const command of invalid) {
      expect(() => formatCommand(command), JSON.stringify(command)).toThrow(CommandFormatError);
    }
  });
});

describe('round trip', () => {
  it('parseCommand(formatCommand(c)) gives c back, for every verb', () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        expect(parseCommand(formatCommand(command))).toEqual({ ok: true, command });
      }),
      { numRuns: 500 },
    );
  });

  it('and through UTF-8 octets with CRLF', () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        expect(parseCommand(encodeCommand(command))).toEqual({ ok: true, command });
      }),
    );
  });

  it('has an arbitrary for every verb', () => {
    expect(Object.keys(commandArbs).sort()).toEqual(
      [
        'ATRN',
        'AUTH',
        'BDAT',
        'DATA',
        'EHLO',
        'ETRN',
        'EXPN',
        'HELO',
        'HELP',
        'MAIL',
        'NOOP',
        'OTHER',
        'QUIT',
        'RCPT',
        'RSET',
        'SAML',
        'SEND',
        'SOML',
        'STARTTLS',
        'TURN',
        'VRFY',
      ].sort(),
    );
  });

  it('anything parseCommand accepts, formatCommand writes, and it parses to the same command', () => {
    const pieces = fc.constantFrom(
      'MAIL FROM:',
      'RCPT TO:',
      '<a@b.test>',
      '<>',
      '<Postmaster>',
      ' SIZE=1',
      ' NOTIFY=NEVER',
      ' X-Y=z',
      ' AUTH=<>',
      'EHLO ',
      'AUTH PLAIN ',
      '=',
      'BDAT 5',
      ' LAST',
      'NOOP',
      'VRFY ',
      'X-FOO',
      ' ',
      'a',
      '"',
      '\\',
      'é',
      '\t',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 6 }).map((list) => list.join('')),
        (line) => {
          const first = parseCommand(line);
          if (!first.ok) return;
          expect(parseCommand(formatCommand(first.command))).toEqual(first);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
