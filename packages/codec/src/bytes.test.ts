import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';

const reference = new TextEncoder();

describe('utf8', () => {
  it('encodes ASCII, non-ASCII and the empty string as TextEncoder does', () => {
    for (const text of ['', 'a', '250 2.0.0 Ok\r\n', 'jöe', '中文', '😀', 'ok é']) {
      expect(utf8(text)).toEqual(reference.encode(text));
    }
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    expect(utf8('a\ud800b')).toEqual(reference.encode('a\ud800b'));
    expect(utf8('\udc00')).toEqual(Uint8Array.of(0xef, 0xbf, 0xbd));
  });

  it('gives the same octets as TextEncoder for any string, short or long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (text) => {
        expect(utf8(text)).toEqual(reference.encode(text));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 300 }), (text) => {
        expect(utf8(text)).toEqual(reference.encode(text));
      }),
    );
  });
});
