import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xtextDecode, xtextDecodeBytes, xtextEncode } from './xtext.js';

describe('xtextEncode', () => {
  it('leaves printable ASCII other than + and = alone', () => {
    expect(xtextEncode('bob@example.test')).toBe('bob@example.test');
    expect(xtextEncode('<>')).toBe('<>');
  });

  it('escapes +, = and space with upper-case hex', () => {
    expect(xtextEncode('e=mc2')).toBe('e+3Dmc2');
    expect(xtextEncode('a+b c')).toBe('a+2Bb+20c');
  });

  it('escapes control characters and the UTF-8 octets of non-ASCII text', () => {
    expect(xtextEncode('\t')).toBe('+09');
    expect(xtextEncode('é')).toBe('+C3+A9');
  });
});

describe('xtextDecode', () => {
  it('undoes the escapes', () => {
    expect(xtextDecode('e+3Dmc2@example.test')).toBe('e=mc2@example.test');
    expect(xtextDecode('+C3+A9')).toBe('é');
    expect(xtextDecode('')).toBe('');
  });

  it.each([
    ['a+2b', 'lower-case hex'],
    ['a+2', 'one hex digit'],
    ['a+', 'nothing after +'],
    ['a+GG', 'non-hex digits'],
    ['a=b', 'a raw ='],
    ['a b', 'a space'],
    ['a\tb', 'a control character'],
    ['é', 'raw non-ASCII'],
    ['+FF', 'octets that are not UTF-8'],
  ])('refuses %j (%s)', (text) => {
    expect(xtextDecode(text)).toBeUndefined();
  });

  it('gives the raw octets of escapes that are not UTF-8 through xtextDecodeBytes', () => {
    expect(xtextDecodeBytes('a+FF')).toEqual(Uint8Array.of(0x61, 0xff));
    expect(xtextDecodeBytes('a+ff')).toBeUndefined();
  });
});

describe('xtext properties', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(xtextDecode(xtextEncode(text))).toBe(text);
      }),
    );
  });

  it('only ever writes xchars and +HH', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(xtextEncode(text)).toMatch(/^(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*$/);
      }),
    );
  });

  it('never throws on arbitrary text, and what it accepts survives a round trip', () => {
    const xtextish = fc.string({ unit: fc.constantFrom(...'+=ab09AFf~! \t'), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(xtextish, fc.string({ unit: 'binary' })), (text) => {
        const decoded = xtextDecode(text);
        if (decoded !== undefined) expect(xtextDecode(xtextEncode(decoded))).toBe(decoded);
      }),
    );
  });
});
