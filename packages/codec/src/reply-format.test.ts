import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeReply, formatReply, serializeReply } from './reply-format.js';
import { parseReply } from './reply-parser.js';
import { replyArb } from './test-support/arbitraries.js';

const lines = (wire: string) => wire.split('\r\n').slice(0, -1);
const octets = (line: string) => new TextEncoder().encode(line).length;

describe('formatReply', () => {
  it('writes a single line with CRLF', () => {
    expect(formatReply(250, 'Ok')).toBe('250 Ok\r\n');
  });

  it('writes the enhanced code before the text', () => {
    expect(formatReply(550, 'No such user', { enhanced: '5.1.1' })).toBe('550 5.1.1 No such user\r\n');
  });

  it('writes the bare code, or the bare enhanced code, when there is no text', () => {
    expect(formatReply(250, '')).toBe('250\r\n');
    expect(formatReply(250, '', { enhanced: '2.0.0' })).toBe('250 2.0.0\r\n');
  });

  it('writes several lines with hyphens on all but the last', () => {
    expect(formatReply(214, ['Commands:', 'HELO EHLO'])).toBe('214-Commands:\r\n214 HELO EHLO\r\n');
    expect(formatReply(250, [])).toBe('250\r\n');
  });

  it('repeats the enhanced code on every line (RFC 2034 §3)', () => {
    expect(formatReply(452, ['Too many', 'recipients'], { enhanced: '4.5.3' })).toBe(
      '452-4.5.3 Too many\r\n452 4.5.3 recipients\r\n',
    );
  });

  it('wraps long text at spaces into lines of at most maxLineLength octets', () => {
    const text = 'lorem ipsum dolor sit amet consectetur adipiscing elit';
    const wire = formatReply(250, text, { enhanced: '2.0.0', maxLineLength: 30 });
    for (const line of lines(wire)) expect(octets(line) + 2).toBeLessThanOrEqual(30);
    expect(lines(wire)).toEqual([
      '250-2.0.0 lorem ipsum dolor',
      '250-2.0.0 sit amet',
      '250-2.0.0 consectetur',
      '250 2.0.0 adipiscing elit',
    ]);
  });

  it('cuts a word longer than a line, never inside a UTF-8 character', () => {
    const wire = formatReply(550, 'ü'.repeat(20), { maxLineLength: 16 });
    for (const line of lines(wire)) expect(octets(line) + 2).toBeLessThanOrEqual(16);
    expect(parseReply(wire).lines.join('')).toBe('ü'.repeat(20));
  });

  it('keeps the default of 512 octets (RFC 5321 §4.5.3.1.5)', () => {
    const wire = formatReply(250, 'word '.repeat(300));
    expect(lines(wire).length).toBeGreaterThan(1);
    for (const line of lines(wire)) expect(octets(line) + 2).toBeLessThanOrEqual(512);
  });

  it('refuses CR, LF and NUL in the text (no reply injection)', () => {
    expect(() => formatReply(250, 'Ok\r\n250 forged')).toThrow(TypeError);
    expect(() => formatReply(250, ['a', 'b\n'])).toThrow(TypeError);
    expect(() => formatReply(250, 'a\0')).toThrow(TypeError);
  });

  it('refuses bad codes and enhanced codes', () => {
    expect(() => formatReply(199, 'x')).toThrow(RangeError);
    expect(() => formatReply(600, 'x')).toThrow(RangeError);
    expect(() => formatReply(250.5, 'x')).toThrow(RangeError);
    expect(() => formatReply(550, 'x', { enhanced: '5.1' })).toThrow(RangeError);
    expect(() => formatReply(550, 'x', { enhanced: '2.1.1' })).toThrow(/class/);
    expect(() => formatReply(250, 'x', { maxLineLength: 8 })).toThrow(RangeError);
  });

  it('encodeReply gives the UTF-8 octets', () => {
    expect(encodeReply(250, 'Grüße')).toEqual(new TextEncoder().encode('250 Grüße\r\n'));
  });

  it('wraps any text into lines that parse back to the same words', () => {
    const words = fc.array(
      fc.string({ unit: fc.constantFrom(...'abcdéü中😀'), minLength: 1, maxLength: 30 }),
      {
        minLength: 1,
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(words, fc.integer({ min: 20, max: 120 }), fc.boolean(), (list, max, withEnhanced) => {
        const options = withEnhanced ? { enhanced: '2.0.0', maxLineLength: max } : { maxLineLength: max };
        const wire = formatReply(250, list.join(' '), options);
        for (const line of lines(wire)) expect(octets(line) + 2).toBeLessThanOrEqual(max);
        const reply = parseReply(wire);
        const text = reply.lines.map((line) => (withEnhanced ? line.replace(/^2\.0\.0 ?/, '') : line));
        expect(text.join('').replace(/ /g, '')).toBe(list.join(''));
      }),
    );
  });

  it('writes one string as it writes the same text as a one-line list (short text takes a shortcut)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab .:<>@éü中😀'), maxLength: 200 });
    const enhanced = fc.option(fc.constantFrom('2.0.0', '2.1.5', '2.100.999'), { nil: undefined });
    fc.assert(
      fc.property(text, enhanced, fc.integer({ min: 20, max: 600 }), (line, code, max) => {
        const options = { enhanced: code, maxLineLength: max };
        expect(formatReply(250, line, options)).toBe(formatReply(250, [line], options));
      }),
    );
  });
});

describe('serializeReply', () => {
  it('writes lines exactly', () => {
    expect(serializeReply({ code: 250, lines: ['mx.example.test', 'SIZE 10', 'HELP'] })).toBe(
      '250-mx.example.test\r\n250-SIZE 10\r\n250 HELP\r\n',
    );
    expect(serializeReply({ code: 250, lines: ['', ''] })).toBe('250-\r\n250\r\n');
  });

  it('refuses an empty reply and line breaks', () => {
    expect(() => serializeReply({ code: 250, lines: [] })).toThrow(RangeError);
    expect(() => serializeReply({ code: 250, lines: ['a\r\n250 b'] })).toThrow(TypeError);
    expect(() => serializeReply({ code: 99, lines: ['a'] })).toThrow(RangeError);
  });

  it('round-trips through the parser', () => {
    fc.assert(
      fc.property(replyArb, (reply) => {
        expect(parseReply(serializeReply(reply))).toEqual(reply);
      }),
    );
  });
});
