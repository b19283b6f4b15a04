import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from './base64.js';

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

describe('base64Encode', () => {
  it('matches the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base64Encode(plain)).toBe(encoded);
      expect(text(base64Decode(encoded))).toBe(plain);
    }
  });

  it('encodes strings as UTF-8', () => {
    expect(base64Encode('é')).toBe('w6k=');
  });

  it('agrees with the platform encoder on any octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });
});

describe('base64Decode', () => {
  it('reads = and the empty string as no octets (RFC 4954 empty initial response)', () => {
    expect(base64Decode('=')).toEqual(new Uint8Array(0));
    expect(base64Decode('')).toEqual(new Uint8Array(0));
  });

  it.each([
    ['Zg', 'missing padding'],
    ['Zg=', 'short padding'],
    ['Zm9v\r\n', 'a line break'],
    ['Zm 9v', 'a space'],
    ['Zm9v====', 'padding only'],
    ['Z===', 'three pad characters'],
    ['Zh==', 'non-zero pad bits (one octet)'],
    ['Zm9=', 'non-zero pad bits (two octets)'],
    ['Zg==Zg==', 'padding in the middle'],
    ['Zm9-', 'the URL-safe alphabet'],
    ['Zm9é', 'non-ASCII'],
    ['==', 'two pad characters alone'],
  ])('refuses %j (%s)', (input) => {
    expect(base64Decode(input)).toBeUndefined();
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
      }),
    );
  });

  it('accepts only the canonical spelling of each value', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ABCDEFGHabcdefgh0189+/='), maxLength: 12 }),
        (input) => {
          const decoded = base64Decode(input);
          if (decoded !== undefined && input !== '=') expect(base64Encode(decoded)).toBe(input);
        },
      ),
    );
  });
});
