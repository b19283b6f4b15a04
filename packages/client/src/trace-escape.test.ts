import { describe, expect, it } from 'vitest';
import { escapeClientBytes, escapeClientText, escapeReplyText } from './trace-escape.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('escapeClientBytes', () => {
  it('keeps printable ASCII and valid UTF-8 as they are', () => {
    expect(escapeClientBytes(bytes('Subject: hello world'))).toBe('Subject: hello world');
    expect(escapeClientBytes(Buffer.from('café ✓ 😀'))).toBe('café ✓ 😀');
  });

  it('escapes backslashes, control octets and invalid UTF-8', () => {
    expect(escapeClientBytes(bytes('a\\b'))).toBe('a\\\\b');
    expect(escapeClientBytes(Uint8Array.of(0x61, 0x00, 0x09, 0x0d, 0x0a, 0x1b, 0x7f))).toBe(
      'a\\0\\t\\r\\n\\x1b\\x7f',
    );
    expect(escapeClientBytes(Uint8Array.of(0xff, 0xc3))).toBe('\\xff\\xc3');
    // An overlong encoding and a surrogate are not valid UTF-8.
    expect(escapeClientBytes(Uint8Array.of(0xc0, 0xaf))).toBe('\\xc0\\xaf');
    expect(escapeClientBytes(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\\xed\\xa0\\x80');
  });

  it('keeps {{ from being read as a variable and protects a trailing space', () => {
    expect(escapeClientBytes(bytes('x {{name}} y'))).toBe('x \\x7b{name}} y');
    expect(escapeClientBytes(bytes('ends with space '))).toBe('ends with space\\x20');
    expect(escapeClientBytes(bytes('{'))).toBe('{');
  });
});

describe('escapeClientText / escapeReplyText', () => {
  it('escape text the same way for C: lines', () => {
    expect(escapeClientText('a\\b {{x}}\t')).toBe('a\\\\b \\x7b{x}}\\t');
  });

  it('escape * and a leading / in reply globs, not in client text', () => {
    expect(escapeReplyText('2.0.0 Ok * done')).toBe('2.0.0 Ok \\x2a done');
    expect(escapeReplyText('/var/spool/ ok/')).toBe('\\x2fvar/spool/ ok/');
    expect(escapeClientText('a*b')).toBe('a*b');
  });
});
