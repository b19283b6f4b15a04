import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandFormatError, CommandInjectionError } from './command.js';
import {
  formatMailParameters,
  formatRcptParameters,
  parameterExtensions,
  parseMailParameters,
  parseRcptParameters,
} from './params.js';
import { mailParametersArb, rcptParametersArb } from './test-support/arbitraries.js';

function mail(text: string) {
  const result = parseMailParameters(text);
  if (!result.ok) throw new Error(result.reason);
  return result.params;
}

function rcpt(text: string) {
  const result = parseRcptParameters(text);
  if (!result.ok) throw new Error(result.reason);
  return result.params;
}

const mailReason = (text: string) => {
  const result = parseMailParameters(text);
  return result.ok ? 'ok' : result.reason;
};
const rcptReason = (text: string) => {
  const result = parseRcptParameters(text);
  return result.ok ? 'ok' : result.reason;
};

describe('MAIL parameters', () => {
  it('reads nothing as no parameters', () => {
    expect(mail('')).toEqual({});
  });

  it('reads every typed parameter, keywords and values in any case', () => {
    expect(
      mail(
        'size=1048576 Body=8bitmime SMTPUTF8 RET=hdrs ENVID=QQ314159 AUTH=e+3Dmc2@example.test REQUIRETLS MT-PRIORITY=-4',
      ),
    ).toEqual({
      size: 1048576,
      body: '8BITMIME',
      smtputf8: true,
      ret: 'HDRS',
      envid: 'QQ314159',
      auth: 'e=mc2@example.test',
      requireTls: true,
      mtPriority: -4,
    });
  });

  it('reads AUTH=<> (identity not disclosed)', () => {
    expect(mail('AUTH=<>')).toEqual({ auth: '<>' });
  });

  it('keeps unknown parameters, upper-cased, with their raw values', () => {
    expect(mail('SIZE=10 x-foo=Bar HOLDFOR=60 NOVALUE')).toEqual({
      size: 10,
      other: [
        ['X-FOO', 'Bar'],
        ['HOLDFOR', '60'],
        ['NOVALUE', undefined],
      ],
    });
  });

  it('tolerates several spaces between parameters', () => {
    expect(mail('SIZE=1   BODY=7BIT')).toEqual({ size: 1, body: '7BIT' });
  });

  it('turns MT-PRIORITY=-0 into 0', () => {
    expect(Object.is(mail('MT-PRIORITY=-0').mtPriority, 0)).toBe(true);
    expect(mail('MT-PRIORITY=+3').mtPriority).toBe(3);
  });

  it.each([
    ['SIZE=abc', 'SIZE'],
    ['SIZE=-1', 'SIZE'],
    ['SIZE', 'SIZE'],
    ['SIZE=123456789012345678901', 'SIZE'],
    ['BODY=FOO', 'BODY'],
    ['BODY', 'BODY'],
    ['SMTPUTF8=yes', 'SMTPUTF8'],
    ['REQUIRETLS=1', 'REQUIRETLS'],
    ['RET=ALL', 'RET'],
    ['ENVID=a+2b', 'ENVID'],
    ['ENVID=', 'malformed value'],
    ['ENVID', 'ENVID'],
    ['AUTH=a+zz', 'AUTH'],
    ['MT-PRIORITY=10', 'MT-PRIORITY'],
    ['SIZE=1 SIZE=2', 'twice'],
    ['size=1 SIZE=1', 'twice'],
    ['X=1 x=2', 'twice'],
    ['-FOO=1', 'malformed parameter'],
    ['FO_O=1', 'malformed parameter'],
    ['=1', 'malformed parameter'],
    ['FOO=a=b', 'malformed value'],
    ['FOO=a\tb', 'malformed value'],
  ])('refuses %j', (text, reason) => {
    expect(mailReason(text)).toContain(reason);
  });
});

describe('RCPT parameters', () => {
  it('reads NOTIFY and ORCPT', () => {
    expect(rcpt('NOTIFY=success,FAILURE ORCPT=rfc822;bob+2Bjunk@example.test')).toEqual({
      notify: ['SUCCESS', 'FAILURE'],
      orcpt: { addrType: 'rfc822', address: 'bob+junk@example.test' },
    });
    expect(rcpt('NOTIFY=NEVER')).toEqual({ notify: ['NEVER'] });
  });

  it('reads the RFC 6533 utf-8 address forms', () => {
    expect(rcpt('ORCPT=UTF-8;\\x{E20}\\x{E1B}@example.test')).toEqual({
      orcpt: { addrType: 'utf-8', address: 'ภป@example.test' },
    });
    expect(rcpt('ORCPT=utf-8;jöe@example.test').orcpt?.address).toBe('jöe@example.test');
  });

  it('keeps SIZE and others as unknown for RCPT', () => {
    expect(rcpt('SIZE=1')).toEqual({ other: [['SIZE', '1']] });
  });

  it.each([
    ['NOTIFY=NEVER,SUCCESS', 'NEVER'],
    ['NOTIFY=SUCCESS,SUCCESS', 'twice'],
    ['NOTIFY=SOMETIMES', 'NOTIFY'],
    ['NOTIFY=', 'malformed value'],
    ['NOTIFY=SUCCESS,', 'NOTIFY'],
    ['ORCPT=bob@example.test', 'ORCPT'],
    ['ORCPT=rfc822;', 'ORCPT'],
    ['ORCPT=;bob@example.test', 'ORCPT'],
    ['ORCPT=rfc822;a+2', 'ORCPT'],
    ['ORCPT=utf-8;a+b', 'ORCPT'],
    ['ORCPT=utf-8;\\x{D800}', 'ORCPT'],
    ['ORCPT=utf-8;\\x{110000}', 'ORCPT'],
    ['ORCPT=utf-8;a\\b', 'ORCPT'],
    ['NOTIFY=NEVER NOTIFY=NEVER', 'twice'],
  ])('refuses %j', (text, reason) => {
    expect(rcptReason(text)).toContain(reason);
  });
});

describe('writing parameters', () => {
  it('writes typed parameters in a fixed order, then unknown ones', () => {
    expect(
      formatMailParameters({ other: [['X-A', '1']], envid: 'a b', size: 5, auth: '<>', body: 'BINARYMIME' }),
    ).toBe('SIZE=5 BODY=BINARYMIME ENVID=a+20b AUTH=<> X-A=1');
    expect(formatMailParameters({})).toBe('');
    expect(
      formatRcptParameters({ orcpt: { addrType: 'utf-8', address: 'ภ+=\\@x' }, notify: ['DELAY'] }),
    ).toBe('NOTIFY=DELAY ORCPT=utf-8;\\x{E20}\\x{2B}\\x{3D}\\x{5C}@x');
  });

  it('refuses values that cannot be written', () => {
    expect(() => formatMailParameters({ size: -1 })).toThrow(CommandFormatError);
    expect(() => formatMailParameters({ size: 1.5 })).toThrow(CommandFormatError);
    expect(() => formatMailParameters({ envid: '' })).toThrow(CommandFormatError);
    expect(() => formatMailParameters({ mtPriority: 10 })).toThrow(CommandFormatError);
    expect(() => formatMailParameters({ other: [['SIZE', '1']] })).toThrow(/own field/);
    expect(() =>
      formatMailParameters({
        other: [
          ['X', '1'],
          ['x', '2'],
        ],
      }),
    ).toThrow(/twice/);
    expect(() => formatMailParameters({ other: [['X', 'a b']] })).toThrow(CommandFormatError);
    expect(() => formatMailParameters({ other: [['X Y', undefined]] })).toThrow(CommandFormatError);
    expect(() => formatRcptParameters({ notify: ['NEVER', 'DELAY'] })).toThrow(CommandFormatError);
    expect(() => formatRcptParameters({ notify: [] })).toThrow(CommandFormatError);
    expect(() => formatRcptParameters({ orcpt: { addrType: 'RFC822', address: 'a' } })).toThrow(
      CommandFormatError,
    );
  });

  it('refuses CR, LF and NUL anywhere with CommandInjectionError', () => {
    expect(() => formatMailParameters({ envid: 'a\r\nRCPT TO:<x@y>' })).toThrow(CommandInjectionError);
    expect(() => formatMailParameters({ auth: 'a\n' })).toThrow(CommandInjectionError);
    expect(() => formatMailParameters({ other: [['X', 'a\rb']] })).toThrow(CommandInjectionError);
    expect(() => formatMailParameters({ other: [['X\n', undefined]] })).toThrow(CommandInjectionError);
    expect(() => formatRcptParameters({ orcpt: { addrType: 'rfc822', address: 'a\0' } })).toThrow(
      CommandInjectionError,
    );
  });

  it('round-trips MAIL and RCPT parameters', () => {
    fc.assert(
      fc.property(mailParametersArb, rcptParametersArb, (mailParams, rcptParams) => {
        expect(parseMailParameters(formatMailParameters(mailParams))).toEqual({
          ok: true,
          params: mailParams,
        });
        expect(parseRcptParameters(formatRcptParameters(rcptParams))).toEqual({
          ok: true,
          params: rcptParams,
        });
      }),
    );
  });
});

describe('parameterExtensions', () => {
  it('names the extensions the typed parameters belong to', () => {
    expect(parameterExtensions(mail('SIZE=1 BODY=8BITMIME RET=FULL X-Y=1')).sort()).toEqual([
      '8BITMIME',
      'DSN',
      'SIZE',
    ]);
    expect(parameterExtensions(mail('BODY=BINARYMIME SMTPUTF8 REQUIRETLS AUTH=<>')).sort()).toEqual([
      'AUTH',
      'BINARYMIME',
      'REQUIRETLS',
      'SMTPUTF8',
    ]);
    expect(parameterExtensions(rcpt('NOTIFY=NEVER'))).toEqual(['DSN']);
    expect(parameterExtensions({})).toEqual([]);
  });
});
