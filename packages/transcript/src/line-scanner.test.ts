import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominantLineEnding, scanLines } from './line-scanner.js';

describe('scanLines', () => {
  it('splits at CRLF, LF and a lone CR, as VS Code does', () => {
    expect(scanLines('a\r\nb\nc\rd')).toEqual([
      { text: 'a', eol: '\r\n' },
      { text: 'b', eol: '\n' },
      { text: 'c', eol: '\r' },
      { text: 'd', eol: '' },
    ]);
    expect(scanLines('a\n')).toEqual([
      { text: 'a', eol: '\n' },
      { text: '', eol: '' },
    ]);
  });

  it('gives the text back when the lines are joined', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\r', '\n', 'é'), maxLength: 40 });
    fc.assert(
      fc.property(text, (input) => {
        const lines = scanLines(input);
        expect(lines.map((l) => l.text + l.eol).join('')).toBe(input);
        for (const line of lines) expect(line.text).not.toMatch(/[\r\n]/);
      }),
    );
  });

  it('finds the line ending most lines use', () => {
    expect(dominantLineEnding(scanLines('a\r\nb\r\nc\n'))).toBe('\r\n');
    expect(dominantLineEnding(scanLines('a\nb'))).toBe('\n');
    expect(dominantLineEnding(scanLines('one line'))).toBe('\n');
  });
});
