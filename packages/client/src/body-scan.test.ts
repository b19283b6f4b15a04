import { describe, expect, it } from 'vitest';
import { BodyScanner, bodyTypeCovers, bodyTypeOf } from './body-scan.js';

describe('body scanning', () => {
  it('tells 7-bit, 8-bit and binary (NUL) bodies apart', () => {
    expect(bodyTypeOf(Buffer.from('plain\r\n'))).toBe('7BIT');
    expect(bodyTypeOf(Buffer.from('café\r\n'))).toBe('8BITMIME');
    expect(bodyTypeOf(Uint8Array.of(0x41, 0x00))).toBe('BINARYMIME');
    expect(bodyTypeOf(Uint8Array.of(0xff, 0x00))).toBe('BINARYMIME');
  });

  it('remembers the strongest need across chunks', () => {
    const scanner = new BodyScanner();
    expect(scanner.scan(Buffer.from('a'))).toBe('7BIT');
    expect(scanner.scan(Buffer.from('é'))).toBe('8BITMIME');
    expect(scanner.scan(Buffer.from('b'))).toBe('8BITMIME');
    expect(scanner.scan(Uint8Array.of(0))).toBe('BINARYMIME');
    expect(scanner.type).toBe('BINARYMIME');
  });

  it('orders the body types', () => {
    expect(bodyTypeCovers('8BITMIME', '7BIT')).toBe(true);
    expect(bodyTypeCovers('7BIT', '8BITMIME')).toBe(false);
    expect(bodyTypeCovers('8BITMIME', 'BINARYMIME')).toBe(false);
    expect(bodyTypeCovers('BINARYMIME', 'BINARYMIME')).toBe(true);
  });
});
