import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import type { Command } from './command.js';
import { parseCommand } from './command-parser.js';
import { SmtpError } from './errors.js';

function parsed(line: string | Uint8Array, options?: { smtputf8?: boolean }): Command {
  const result = parseCommand(line, options);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.enhanced} ${result.error.message}`);
  return result.command;
}

/** The reply a refused line gets, as `code enhanced`. */
function refusal(line: string | Uint8Array, options?: { smtputf8?: boolean }): string {
  const result = parseCommand(line, options);
  if (result.ok) return `accepted as ${JSON.stringify(result.command)}`;
  expect(result.error).toBeInstanceOf(SmtpError);
  expect(result.error.message).not.toMatch(/\n/);
  return `${result.error.code} ${result.error.enhanced}`;
}

describe('refusals (each carries the reply of server-behaviour.md)', () => {
  it('NUL anywhere in the line: 501 5.5.2, checked before anything else', () => {
    expect(refusal('MAIL FROM:<a\0@b.test>')).toBe('501 5.5.2');
    expect(refusal(Uint8Array.of(0x4e, 0x4f, 0x4f, 0x50, 0x00))).toBe('501 5.5.2');
    expect(refusal('\0')).toBe('501 5.5.2');
    expect(refusal(Uint8Array.of(0x58, 0xff, 0x00))).toBe('501 5.5.2');
  });

  it('EHLO without argument: 501 5.5.4', () => {
    expect(refusal('EHLO')).toBe('501 5.5.4');
    expect(refusal('EHLO   ')).toBe('501 5.5.4');
  });

  it('HELO without argument: 501 5.5.4', () => {
    expect(refusal('HELO')).toBe('501 5.5.4');
  });

  it('MAIL without <...>: 501 5.1.7', () => {
    expect(refusal('MAIL FROM:alice@example.test')).toBe('501 5.1.7');
    expect(refusal('MAIL FROM:')).toBe('501 5.1.7');
  });

  it('MAIL with a bad address: 501 5.1.7', () => {
    expect(refusal('MAIL FROM:<alice@>')).toBe('501 5.1.7');
    expect(refusal('MAIL FROM:<alice>')).toBe('501 5.1.7');
    expect(refusal('MAIL FROM:<a..b@example.test>')).toBe('501 5.1.7');
    expect(refusal(`MAIL FROM:<${'a'.repeat(65)}@example.test>`)).toBe('501 5.1.7');
  });

  it('MAIL without FROM:: 501 5.5.4', () => {
    expect(refusal('MAIL')).toBe('501 5.5.4');
    expect(refusal('MAIL TO:<a@b.test>')).toBe('501 5.5.4');
    expect(refusal('MAIL FROM <a@b.test>')).toBe('501 5.5.4');
  });

  it('RCPT without <...> or with a bad address: 501 5.1.3', () => {
    expect(refusal('RCPT TO:bob@example.test')).toBe('501 5.1.3');
    expect(refusal('RCPT TO:<bob@exa mple.test>')).toBe('501 5.1.3');
    expect(refusal('RCPT TO:<>')).toBe('501 5.1.3');
  });

  it('RCPT without TO:: 501 5.5.4', () => {
    expect(refusal('RCPT')).toBe('501 5.5.4');
    expect(refusal('RCPT FROM:<a@b.test>')).toBe('501 5.5.4');
  });

  it('bad syntax of a known parameter: 501 5.5.4', () => {
    expect(refusal('MAIL FROM:<a@b.test> SIZE=abc')).toBe('501 5.5.4');
    expect(refusal('MAIL FROM:<a@b.test> BODY=FOO')).toBe('501 5.5.4');
    expect(refusal('RCPT TO:<a@b.test> NOTIFY=NEVER,SUCCESS')).toBe('501 5.5.4');
    expect(refusal('MAIL FROM:<a@b.test> ENVID=a+2')).toBe('501 5.5.4');
    expect(refusal('RCPT TO:<a@b.test> ORCPT=rfc822;a+zz')).toBe('501 5.5.4');
  });

  it('a parameter given twice: 501 5.5.4', () => {
    expect(refusal('MAIL FROM:<a@b.test> SIZE=1 size=1')).toBe('501 5.5.4');
  });

  it('parameters glued to the address: 501 5.5.4', () => {
    expect(refusal('MAIL FROM:<a@b.test>SIZE=1')).toBe('501 5.5.4');
  });

  it('an argument where the verb takes none: 501 5.5.4', () => {
    for (const line of ['DATA x', 'QUIT x', 'RSET x', 'STARTTLS x', 'TURN x'])
      expect(refusal(line), line).toBe('501 5.5.4');
  });

  it('BDAT without a valid size: 501 5.5.4', () => {
    for (const line of [
      'BDAT',
      'BDAT x',
      'BDAT -1',
      'BDAT 1.5',
      'BDAT 10 FIRST',
      'BDAT 10 LAST x',
      'BDAT 99999999999999999',
    ]) {
      expect(refusal(line), line).toBe('501 5.5.4');
    }
  });

  it('VRFY and EXPN without argument: 501 5.5.4', () => {
    expect(refusal('VRFY')).toBe('501 5.5.4');
    expect(refusal('EXPN')).toBe('501 5.5.4');
    expect(refusal('ETRN')).toBe('501 5.5.4');
  });

  it('AUTH without mechanism, or a malformed one: 501 5.5.4', () => {
    expect(refusal('AUTH')).toBe('501 5.5.4');
    expect(refusal('AUTH PL*IN')).toBe('501 5.5.4');
    expect(refusal('AUTH PLAIN abc def')).toBe('501 5.5.4');
    expect(refusal(`AUTH ${'X'.repeat(21)}`)).toBe('501 5.5.4');
  });

  it('an AUTH initial response that is not strict base64: 501 5.5.2', () => {
    expect(refusal('AUTH PLAIN abc')).toBe('501 5.5.2');
    expect(refusal('AUTH PLAIN *')).toBe('501 5.5.2');
    expect(refusal('AUTH PLAIN AGJvYgBzZWNyZXQ')).toBe('501 5.5.2');
  });

  it('a non-ASCII address when SMTPUTF8 is off: 553 5.6.7', () => {
    expect(refusal('MAIL FROM:<jöe@example.test>', { smtputf8: false })).toBe('553 5.6.7');
    expect(refusal('RCPT TO:<joe@exämple.test>', { smtputf8: false })).toBe('553 5.6.7');
  });

  it('CR or LF inside the line, or invalid UTF-8: 501 5.5.2', () => {
    expect(refusal('NOOP a\rb')).toBe('501 5.5.2');
    expect(refusal('RSET\r\nDATA')).toBe('501 5.5.2');
    expect(refusal(Uint8Array.of(0x4e, 0x4f, 0x4f, 0x50, 0x20, 0xc3))).toBe('501 5.5.2');
  });

  it('an empty line or a malformed verb: 500 5.5.2', () => {
    expect(refusal('')).toBe('500 5.5.2');
    expect(refusal(' MAIL FROM:<a@b.test>')).toBe('500 5.5.2');
    expect(refusal('MAIL:FROM:<a@b.test>')).toBe('500 5.5.2');
    expect(refusal('\u00e9HLO x')).toBe('500 5.5.2');
    expect(refusal(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('NOOP')))).toBe('500 5.5.2');
  });

  it('writes one-line, actionable messages', () => {
    const result = parseCommand('MAIL FROM:alice@example.test');
    expect(!result.ok && result.error.message).toBe(
      'Bad sender address syntax: the address must be enclosed in <...>',
    );
    const reply = !result.ok && result.error.toReply();
    expect(reply).toEqual({
      code: 501,
      enhanced: '5.1.7',
      lines: ['5.1.7 Bad sender address syntax: the address must be enclosed in <...>'],
    });
  });
});

describe('what is accepted', () => {
  it('verbs and FROM:/TO: in any case', () => {
    expect(parsed('mail from:<a@b.test>')).toMatchObject({ verb: 'MAIL' });
    expect(parsed('Rcpt To:<a@b.test>')).toMatchObject({ verb: 'RCPT' });
    expect(parsed('qUiT')).toEqual({ verb: 'QUIT' });
  });

  it('spaces after FROM: and TO: (real clients send them)', () => {
    expect(parsed('MAIL FROM: <a@b.test>')).toMatchObject({ from: { address: 'a@b.test' } });
    expect(parsed('RCPT TO:   <a@b.test>')).toMatchObject({ to: { address: 'a@b.test' } });
  });

  it('a trailing CRLF, LF or trailing spaces', () => {
    expect(parsed('DATA\r\n')).toEqual({ verb: 'DATA' });
    expect(parsed('QUIT\n')).toEqual({ verb: 'QUIT' });
    expect(parsed('RSET  ')).toEqual({ verb: 'RSET' });
    expect(parsed(utf8('NOOP\r\n'))).toEqual({ verb: 'NOOP' });
  });

  it('every verb', () => {
    const table: [string, Command][] = [
      ['HELO client.example.test', { verb: 'HELO', domain: 'client.example.test' }],
      ['EHLO [192.0.2.1]', { verb: 'EHLO', domain: '[192.0.2.1]' }],
      ['DATA', { verb: 'DATA' }],
      ['BDAT 0 LAST', { verb: 'BDAT', size: 0, last: true }],
      ['BDAT 1000', { verb: 'BDAT', size: 1000, last: false }],
      ['BDAT 9007199254740991 last', { verb: 'BDAT', size: 9007199254740991, last: true }],
      ['RSET', { verb: 'RSET' }],
      ['VRFY <bob@example.test>', { verb: 'VRFY', argument: '<bob@example.test>' }],
      ['EXPN staff list', { verb: 'EXPN', argument: 'staff list' }],
      ['HELP', { verb: 'HELP' }],
      ['HELP MAIL', { verb: 'HELP', topic: 'MAIL' }],
      ['NOOP', { verb: 'NOOP' }],
      ['NOOP anything at all', { verb: 'NOOP', argument: 'anything at all' }],
      ['QUIT', { verb: 'QUIT' }],
      ['STARTTLS', { verb: 'STARTTLS' }],
      ['AUTH LOGIN', { verb: 'AUTH', mechanism: 'LOGIN' }],
      [
        'auth plain AGJvYgBzZWNyZXQ=',
        { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGJvYgBzZWNyZXQ=' },
      ],
      ['AUTH EXTERNAL =', { verb: 'AUTH', mechanism: 'EXTERNAL', initialResponse: '' }],
      ['TURN', { verb: 'TURN' }],
      ['ATRN', { verb: 'ATRN' }],
      ['ATRN a.example.test,b.example.test', { verb: 'ATRN', domains: ['a.example.test', 'b.example.test'] }],
      ['ETRN @example.test', { verb: 'ETRN', argument: '@example.test' }],
      ['X-EXPS GSSAPI', { verb: 'OTHER', name: 'X-EXPS', argument: 'GSSAPI' }],
      ['X-DELIVERY-TIME 2030-01-01', { verb: 'OTHER', name: 'X-DELIVERY-TIME', argument: '2030-01-01' }],
      ['lhlo client', { verb: 'OTHER', name: 'LHLO', argument: 'client' }],
      ['GET / HTTP/1.1', { verb: 'OTHER', name: 'GET', argument: '/ HTTP/1.1' }],
    ];
    for (const [line, command] of table) expect(parsed(line), line).toEqual(command);
  });

  it('SEND, SOML and SAML like MAIL', () => {
    for (const verb of ['SEND', 'SOML', 'SAML'] as const) {
      expect(parsed(`${verb} FROM:<a@b.test>`)).toMatchObject({
        verb,
        from: { address: 'a@b.test' },
        params: {},
      });
    }
  });

  it('non-ASCII addresses, marked utf8, from octets and from text', () => {
    expect(parsed(utf8('MAIL FROM:<jöe@exämple.test> SMTPUTF8'))).toMatchObject({
      from: { utf8: true, localPart: 'jöe' },
      params: { smtputf8: true },
    });
    expect(parsed('RCPT TO:<用户@例子.test>')).toMatchObject({ to: { utf8: true } });
  });
});

describe('real-world command lines', () => {
  const lines: [source: string, line: string, expected: Partial<Record<string, unknown>>][] = [
    ['swaks', 'EHLO myhost.example.test', { verb: 'EHLO', domain: 'myhost.example.test' }],
    ['swaks', 'MAIL FROM:<user@myhost.example.test>', { verb: 'MAIL', params: {} }],
    [
      'swaks --auth',
      'AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=',
      { verb: 'AUTH', initialResponse: 'AHVzZXIAcGFzc3dvcmQ=' },
    ],
    [
      'Postfix smtp',
      'MAIL FROM:<sender@example.test> SIZE=4096 BODY=8BITMIME',
      { params: { size: 4096, body: '8BITMIME' } },
    ],
    [
      'Postfix smtp, DSN',
      'MAIL FROM:<sender@example.test> SIZE=512 RET=HDRS ENVID=5D3C72B0A8',
      { params: { size: 512, ret: 'HDRS', envid: '5D3C72B0A8' } },
    ],
    [
      'Postfix smtp, DSN',
      'RCPT TO:<rcpt@example.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;rcpt@example.test',
      {
        params: { notify: ['FAILURE', 'DELAY'], orcpt: { addrType: 'rfc822', address: 'rcpt@example.test' } },
      },
    ],
    ['Postfix smtp', 'BDAT 81920 LAST', { verb: 'BDAT', size: 81920, last: true }],
    [
      'Postfix XFORWARD',
      'XFORWARD NAME=spike.example.test ADDR=192.0.2.5',
      { verb: 'OTHER', name: 'XFORWARD' },
    ],
    ['Outlook', 'MAIL FROM: <sender@example.test> SIZE=2712', { params: { size: 2712 } }],
    ['Outlook', 'RCPT TO: <rcpt@example.test>', { verb: 'RCPT' }],
    ['Exchange', 'MAIL FROM:<sender@example.test> SIZE=8000 AUTH=<>', { params: { size: 8000, auth: '<>' } }],
    ['Exchange', 'X-ANONYMOUSTLS', { verb: 'OTHER', name: 'X-ANONYMOUSTLS', argument: '' }],
    ['Exchange', 'XEXCH50 2012 2', { verb: 'OTHER', name: 'XEXCH50', argument: '2012 2' }],
    ['sendmail', 'MAIL From:<sender@example.test> SIZE=1234', { params: { size: 1234 } }],
    ['sendmail', 'RCPT To:<rcpt@example.test>', { verb: 'RCPT' }],
    ['Python smtplib', 'ehlo [127.0.1.1]', { verb: 'EHLO', domain: '[127.0.1.1]' }],
    ['Python smtplib', 'mail FROM:<sender@example.test> size=77', { params: { size: 77 } }],
    ['Python smtplib', 'rcpt TO:<rcpt@example.test>', { verb: 'RCPT' }],
    ['Python smtplib', 'data', { verb: 'DATA' }],
    [
      'nodemailer',
      'MAIL FROM:<sender@example.test> BODY=8BITMIME SMTPUTF8',
      { params: { body: '8BITMIME', smtputf8: true } },
    ],
    ['smtp-source', 'HELO localhost', { verb: 'HELO', domain: 'localhost' }],
    ['curl', 'MAIL FROM:<sender@example.test> SIZE=1045', { params: { size: 1045 } }],
    [
      'bounce',
      'MAIL FROM:<> SIZE=100',
      { from: { kind: 'null', address: '', utf8: false }, params: { size: 100 } },
    ],
    [
      'RFC 5321 §4.5.1',
      'RCPT TO:<Postmaster>',
      { to: { kind: 'postmaster', address: 'Postmaster', utf8: false } },
    ],
  ];
  it.each(lines)('%s: %s', (_source, line, expected) => {
    expect(parsed(line)).toMatchObject(expected);
  });
});

describe('parseCommand properties', () => {
  it('never throws on arbitrary octets or text, and always returns a result with a reply', () => {
    const shaped = fc
      .tuple(
        fc.constantFrom('MAIL FROM:', 'RCPT TO:', 'EHLO ', 'BDAT ', 'AUTH ', 'DATA', 'X-', ''),
        fc.string({ unit: fc.constantFrom(...'<>@"\\.,:[]=+ aZ09é\0\r\n\t-;{}'), maxLength: 30 }),
      )
      .map(([head, tail]) => head + tail);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), shaped),
        (line) => {
          const result = parseCommand(line);
          if (!result.ok) {
            expect(result.error).toBeInstanceOf(SmtpError);
            expect(result.error.code).toBeGreaterThanOrEqual(500);
          }
        },
      ),
    );
  });

  it('gives the same result for a line as text and as UTF-8 octets', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constantFrom('MAIL FROM:<', 'RCPT TO:<', 'VRFY '),
        (tail, head) => {
          const line = head + tail;
          expect(parseCommand(utf8(line))).toEqual(parseCommand(line));
        },
      ),
    );
  });
});
