import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPath,
  isDotString,
  isValidAddressLiteral,
  isValidDomain,
  mailboxPath,
  NULL_PATH,
  parseMailbox,
  parsePath,
  postmasterPath,
  quoteLocalPart,
  readPath,
} from './address.js';
import { forwardPathArb, reversePathArb } from './test-support/arbitraries.js';

function mailbox(text: string) {
  const result = parsePath(text, 'reverse');
  if (!result.ok) throw new Error(result.reason);
  return result.path;
}

function problem(text: string, role: 'reverse' | 'forward' = 'reverse', smtputf8?: boolean) {
  const options = smtputf8 === undefined ? {} : { smtputf8 };
  const result = role === 'reverse' ? parsePath(text, role, options) : parsePath(text, role, options);
  return result.ok ? 'ok' : result.problem;
}

describe('parsePath', () => {
  it('reads a plain mailbox', () => {
    expect(mailbox('<alice@example.test>')).toEqual({
      kind: 'mailbox',
      address: 'alice@example.test',
      localPart: 'alice',
      domain: 'example.test',
      utf8: false,
    });
  });

  it('reads the null path for MAIL only', () => {
    expect(parsePath('<>', 'reverse')).toEqual({ ok: true, path: NULL_PATH, end: 2 });
    expect(problem('<>', 'forward')).toBe('syntax');
  });

  it('reads <Postmaster> without a domain for RCPT only, in any case', () => {
    expect(parsePath('<postMaster>', 'forward')).toEqual({
      ok: true,
      path: { kind: 'postmaster', address: 'postMaster', utf8: false },
      end: 12,
    });
    expect(problem('<Postmaster>', 'reverse')).toBe('syntax');
    expect(problem('<"Postmaster">', 'forward')).toBe('syntax');
    expect(problem('<alice>', 'forward')).toBe('syntax');
  });

  it('undoes quoting of the local part and quotes again only when needed', () => {
    const path = mailbox('<"john \\"jd\\" doe"@example.test>');
    expect(path).toMatchObject({ localPart: 'john "jd" doe', address: '"john \\"jd\\" doe"@example.test' });
    expect(mailbox('<"john"@example.test>')).toMatchObject({
      localPart: 'john',
      address: 'john@example.test',
    });
    expect(mailbox('<""@example.test>')).toMatchObject({ localPart: '', address: '""@example.test' });
  });

  it('reads address literals', () => {
    expect(mailbox('<a@[192.0.2.1]>')).toMatchObject({ domain: '[192.0.2.1]' });
    expect(mailbox('<a@[IPv6:2001:db8::1]>')).toMatchObject({ domain: '[IPv6:2001:db8::1]' });
    expect(mailbox('<a@[IPv6:::ffff:192.0.2.1]>')).toMatchObject({ domain: '[IPv6:::ffff:192.0.2.1]' });
    expect(mailbox('<a@[x-tag:any.thing]>')).toMatchObject({ domain: '[x-tag:any.thing]' });
  });

  it('accepts and keeps a source route (RFC 5321 §4.1.2, appendix C)', () => {
    const path = mailbox('<@hosta.test,@hostb.test:user@hostc.test>');
    expect(path).toMatchObject({ address: 'user@hostc.test', sourceRoute: ['hosta.test', 'hostb.test'] });
    expect(formatPath(path)).toBe('<@hosta.test,@hostb.test:user@hostc.test>');
  });

  it('marks non-ASCII addresses (SMTPUTF8, RFC 6531)', () => {
    expect(mailbox('<用户@例子.test>')).toMatchObject({ localPart: '用户', domain: '例子.test', utf8: true });
    expect(mailbox('<"jö e"@example.test>')).toMatchObject({ utf8: true });
  });

  it('refuses non-ASCII addresses when SMTPUTF8 is off', () => {
    expect(problem('<jöe@example.test>', 'reverse', false)).toBe('non-ascii');
    expect(problem('<joe@exämple.test>', 'forward', false)).toBe('non-ascii');
    expect(problem('<joe@example.test>', 'forward', false)).toBe('ok');
  });

  it.each([
    ['alice@example.test', 'no brackets'],
    ['<alice@example.test', 'no closing bracket'],
    ['<alice>', 'no domain'],
    ['<@example.test>', 'no local part'],
    ['<.alice@example.test>', 'leading dot'],
    ['<al..ice@example.test>', 'double dot'],
    ['<alice.@example.test>', 'trailing dot'],
    ['<al ice@example.test>', 'space in local part'],
    ['<al(ice@example.test>', 'special in local part'],
    ['<"alice@example.test>', 'unterminated quote'],
    ['<"a\tb"@example.test>', 'control character in quotes'],
    ['<alice@-example.test>', 'label starting with a hyphen'],
    ['<alice@example-.test>', 'label ending with a hyphen'],
    ['<alice@example..test>', 'empty label'],
    ['<alice@example.test.>', 'trailing dot in domain'],
    ['<alice@exa_mple.test>', 'underscore in domain'],
    ['<alice@[192.0.2.256]>', 'IPv4 octet over 255'],
    ['<alice@[192.0.2]>', 'IPv4 with three parts'],
    ['<alice@[IPv6:2001:db8::1::2]>', 'two :: in IPv6'],
    ['<alice@[IPv6:1:2:3:4:5:6:7]>', 'seven IPv6 groups'],
    ['<alice@[IPv6:12345::1]>', 'IPv6 group of five digits'],
    ['<alice@[tag:]>', 'empty general literal'],
    ['<alice@[192.0.2.1>', 'unterminated literal'],
    ['<@a.test:@b.test:u@c.test>', 'malformed source route'],
    ['<@a.test,b.test:u@c.test>', 'route host without @'],
    ['<a@b.test>x', 'text after the path'],
  ])('refuses %j (%s)', (text) => {
    expect(problem(text)).toBe('syntax');
  });

  it('enforces the RFC 5321 §4.5.3.1 lengths', () => {
    expect(problem(`<${'a'.repeat(64)}@example.test>`)).toBe('ok');
    expect(problem(`<${'a'.repeat(65)}@example.test>`)).toBe('too-long');
    expect(problem(`<"${'a'.repeat(63)}"@example.test>`)).toBe('too-long');
    const label = 'a'.repeat(63);
    const longest = `${label}.${label}.${label}.${'b'.repeat(58)}.test`;
    expect(longest.length).toBe(255);
    expect(isValidDomain(longest)).toBe(true);
    expect(isValidDomain(`x${longest}`)).toBe(false);
    // A path is at most 256 octets with its brackets, so `<a@domain>` leaves 252 for the domain.
    const fits = longest.slice(3);
    expect(problem(`<a@${fits}>`)).toBe('ok');
    expect(problem(`<ab@${fits}>`)).toBe('too-long');
    expect(problem(`<@r.test:a@${fits}>`)).toBe('too-long');
    expect(isValidDomain(`${'a'.repeat(64)}.test`)).toBe(false);
    expect(problem(`<${'é'.repeat(33)}@example.test>`)).toBe('too-long');
  });

  it('readPath reports where the path ended', () => {
    const result = readPath('FROM:<a@b.test> SIZE=10', 5, 'reverse');
    expect(result.ok && result.end).toBe(15);
  });

  it('never throws, on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'<>@"\\.,:[]aé- ') }), fc.string(), (shaped, any) => {
        for (const text of [shaped, any, `<${shaped}>`]) {
          parsePath(text, 'reverse');
          parsePath(text, 'forward');
        }
      }),
    );
  });
});

describe('building and writing paths', () => {
  it('mailboxPath quotes the local part when needed', () => {
    expect(mailboxPath('john doe', 'example.test').address).toBe('"john doe"@example.test');
    expect(mailboxPath('a\\b', 'example.test').address).toBe('"a\\\\b"@example.test');
    expect(mailboxPath('jöe', 'example.test').utf8).toBe(true);
  });

  it('mailboxPath refuses what it cannot write', () => {
    expect(() => mailboxPath('a\r\nb', 'example.test')).toThrow(TypeError);
    expect(() => mailboxPath('a', 'bad domain')).toThrow(TypeError);
    expect(() => mailboxPath('a', 'example.test', { sourceRoute: ['bad host'] })).toThrow(TypeError);
    expect(() => mailboxPath('a'.repeat(65), 'example.test')).toThrow(/64 octets/);
    expect(() => postmasterPath('admin')).toThrow(TypeError);
  });

  it('formatPath writes brackets', () => {
    expect(formatPath(NULL_PATH)).toBe('<>');
    expect(formatPath(postmasterPath())).toBe('<Postmaster>');
    expect(formatPath(mailboxPath('a', 'b.test'))).toBe('<a@b.test>');
  });

  it('parseMailbox reads a bare address', () => {
    expect(parseMailbox('a@b.test')).toMatchObject({ ok: true, path: { localPart: 'a', domain: 'b.test' } });
    expect(parseMailbox('<a@b.test>').ok).toBe(false);
    expect(parseMailbox('').ok).toBe(false);
    expect(parseMailbox('@r.test:a@b.test').ok).toBe(false);
  });

  it('round-trips any path', () => {
    fc.assert(
      fc.property(reversePathArb, forwardPathArb, (reverse, forward) => {
        expect(parsePath(formatPath(reverse), 'reverse')).toEqual({
          ok: true,
          path: reverse,
          end: formatPath(reverse).length,
        });
        expect(parsePath(formatPath(forward), 'forward')).toEqual({
          ok: true,
          path: forward,
          end: formatPath(forward).length,
        });
      }),
    );
  });
});

describe('helpers', () => {
  it('isDotString', () => {
    expect(isDotString("a.b!#$%&'*+-/=?^_`{|}~")).toBe(true);
    expect(isDotString('a..b')).toBe(false);
    expect(isDotString('')).toBe(false);
  });

  it('quoteLocalPart', () => {
    expect(quoteLocalPart('a.b')).toBe('a.b');
    expect(quoteLocalPart('a b"c')).toBe('"a b\\"c"');
  });

  it('isValidDomain', () => {
    expect(isValidDomain('localhost')).toBe(true);
    expect(isValidDomain('123.example')).toBe(true);
    expect(isValidDomain('例子.test')).toBe(true);
    expect(isValidDomain('例子.test', { smtputf8: false })).toBe(false);
    expect(isValidDomain('')).toBe(false);
  });

  it('isValidAddressLiteral', () => {
    expect(isValidAddressLiteral('[IPv6:::]')).toBe(true);
    expect(isValidAddressLiteral('[ipv6:1:2:3:4:5:6:7:8]')).toBe(true);
    expect(isValidAddressLiteral('[IPv6:1:2:3:4:5:6:1.2.3.4]')).toBe(true);
    expect(isValidAddressLiteral('[IPv6:1:2:3:4:5:6:7:1.2.3.4]')).toBe(false);
    expect(isValidAddressLiteral('192.0.2.1')).toBe(false);
    expect(isValidAddressLiteral('[tag-:x]')).toBe(false);
  });
});
