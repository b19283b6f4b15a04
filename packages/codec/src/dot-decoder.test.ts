import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DotDecoder, type DotDecoderOptions } from './dot-decoder.js';
import type { LineEndScanner } from './line-end-scan.js';
import {
  AWKWARD_CHUNK_SIZES,
  bytes,
  fixedChunks,
  join,
  smtpBytes,
  splitAt,
  splitInput,
  text,
} from './test-support/chunks.js';
import { modelDecode } from './test-support/reference.js';
import { SCANNERS } from './test-support/scanners.js';

/** Everything a decoder reports after reading `chunks`, in a form `toEqual` compares well. */
function decode(chunks: readonly Uint8Array[], options: DotDecoderOptions = {}, scanner?: LineEndScanner) {
  const decoder = new DotDecoder(options, scanner);
  const body: Uint8Array[] = [];
  const rest: Uint8Array[] = [];
  let done = false;
  for (const chunk of chunks) {
    const result = decoder.push(chunk);
    body.push(...result.body);
    if (result.done) {
      done = true;
      if (result.rest !== undefined) rest.push(result.rest);
    } else {
      expect(result.rest).toBeUndefined();
    }
  }
  return {
    body: text(join(body)),
    done,
    rest: done ? text(join(rest)) : undefined,
    size: decoder.size,
    oversize: decoder.oversize,
    longLine: decoder.longLine,
    lineEndingError: decoder.lineEndingError,
  };
}

function model(wire: Uint8Array, options: DotDecoderOptions = {}) {
  const strict = (options.lineEndings ?? 'strict') === 'strict';
  const result = modelDecode(wire, {
    strict,
    ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
    ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
  });
  return {
    ...result,
    body: text(result.body),
    rest: result.rest === undefined ? undefined : text(result.rest),
  };
}

const options = fc.record(
  {
    lineEndings: fc.constantFrom<'strict' | 'lenient'>('strict', 'lenient'),
    maxSize: fc.integer({ min: 0, max: 200 }),
    maxLineLength: fc.integer({ min: 3, max: 120 }),
  },
  { requiredKeys: [] },
);

describe.each(SCANNERS)('DotDecoder (%s scanner)', (_name, scanner) => {
  const run = (wire: string | Uint8Array, opts: DotDecoderOptions = {}, size?: number) => {
    const data = typeof wire === 'string' ? bytes(wire) : wire;
    return decode(size === undefined ? [data] : fixedChunks(data, size), opts, scanner);
  };

  describe('the basics', () => {
    it('gives an empty body for an immediate terminator', () => {
      expect(run('.\r\n')).toMatchObject({ body: '', done: true, rest: '', size: 0 });
    });

    it('keeps every CRLF, the one before the terminator included', () => {
      expect(run('a\r\n\r\nb\r\n.\r\n')).toMatchObject({ body: 'a\r\n\r\nb\r\n', done: true, rest: '' });
    });

    it('removes the first dot of a dot-led line, and only that one', () => {
      expect(run('..\r\n...x\r\n.y\r\nz.\r\n.\r\n').body).toBe('.\r\n..x\r\ny\r\nz.\r\n');
    });

    it('returns the bytes after the terminator as rest (pipelined commands)', () => {
      expect(run('hi\r\n.\r\nMAIL FROM:<a@b>\r\nRCPT')).toMatchObject({
        body: 'hi\r\n',
        done: true,
        rest: 'MAIL FROM:<a@b>\r\nRCPT',
      });
    });

    it('keeps NUL and 8-bit octets as content', () => {
      expect(run('\x00\xff\xe9\x80\r\n.\r\n').body).toBe('\x00\xff\xe9\x80\r\n');
    });

    it('is not done without a terminator, and holds nothing back but a dot line start', () => {
      expect(run('abc\r\n')).toMatchObject({ body: 'abc\r\n', done: false, rest: undefined });
      expect(run('abc\r\n.')).toMatchObject({ body: 'abc\r\n', done: false });
      expect(run('abc\r\n.\r')).toMatchObject({ body: 'abc\r\n', done: false });
    });

    it('hands back whole later chunks as rest once done', () => {
      const decoder = new DotDecoder({}, scanner);
      expect(decoder.push(bytes('.\r\n')).done).toBe(true);
      const later = decoder.push(bytes('QUIT\r\n'));
      expect(later).toEqual({ body: [], done: true, rest: bytes('QUIT\r\n') });
      expect(decoder.done).toBe(true);
    });

    it('emits views into the input rather than copies', () => {
      const wire = bytes('Subject: x\r\n\r\n..hello\r\n.\r\n');
      const { body } = new DotDecoder({}, scanner).push(wire);
      for (const piece of body) expect(piece.buffer).toBe(wire.buffer);
    });

    it('refuses options that make no sense, naming the option', () => {
      expect(() => new DotDecoder({ maxSize: -1 })).toThrow(/maxSize/);
      expect(() => new DotDecoder({ maxSize: Number.NaN })).toThrow(RangeError);
      expect(() => new DotDecoder({ maxLineLength: 0 })).toThrow(/maxLineLength/);
      expect(() => new DotDecoder({ maxLineLength: 2.5 })).toThrow(RangeError);
      // A misspelt policy must not quietly weaken the checks.
      expect(() => new DotDecoder({ lineEndings: 'Strict' as 'strict' })).toThrow(/lineEndings/);
      expect(() => new DotDecoder({ maxSize: Number.POSITIVE_INFINITY, maxLineLength: 1000 })).not.toThrow();
    });

    it('ignores empty chunks', () => {
      const decoder = new DotDecoder({}, scanner);
      expect(decoder.push(new Uint8Array(0))).toEqual({ body: [], done: false, rest: undefined });
    });
  });

  describe('SMTP smuggling (CVE-2023-51764/51765/51766): only <CRLF>.<CRLF> ends DATA', () => {
    const vectors = [
      ['<LF>.<LF>', '\n.\n'],
      ['<CR>.<CR>', '\r.\r'],
      ['<LF>.<CR><LF>', '\n.\r\n'],
      ['<CR><LF>.<LF>', '\r\n.\n'],
      ['<CR>.<CR><LF>', '\r.\r\n'],
      ['<CR><LF>.<CR>', '\r\n.\rX'],
    ] as const;
    const smuggled = 'MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n';

    it.each(vectors)('strict: %s does not end DATA and is a line-ending error', (_name, vector) => {
      const wire = `Subject: hi\r\n\r\nbody${vector}${smuggled}`;
      for (const size of [undefined, ...AWKWARD_CHUNK_SIZES]) {
        const result = run(wire, {}, size);
        expect(result.done).toBe(false);
        expect(result.lineEndingError).toBeDefined();
        expect(result.body).toContain('MAIL FROM:<evil@example.org>');
      }
    });

    it.each(vectors)('lenient: %s does not end DATA; what follows stays in the body', (_name, vector) => {
      const wire = `Subject: hi\r\n\r\nbody${vector}${smuggled}\r\n.\r\n`;
      for (const size of [undefined, ...AWKWARD_CHUNK_SIZES]) {
        const result = run(wire, { lineEndings: 'lenient' }, size);
        expect(result.done).toBe(true);
        expect(result.lineEndingError).toBeUndefined();
        expect(result.rest).toBe('');
        expect(result.body).toContain(smuggled);
      }
    });

    it('lenient: a dot after a bare LF is content, not unstuffed', () => {
      expect(run('a\n..b\r\n.\r\n', { lineEndings: 'lenient' }).body).toBe('a\n..b\r\n');
    });

    it('lenient: bare CR and bare LF stay in the body as they came', () => {
      expect(run('a\rb\nc\r\n.\r\n', { lineEndings: 'lenient' })).toMatchObject({
        body: 'a\rb\nc\r\n',
        done: true,
        lineEndingError: undefined,
      });
    });
  });

  describe('line-ending errors (strict)', () => {
    it('reports a bare LF', () => {
      expect(run('a\nb\r\n.\r\n').lineEndingError).toBe('bare-lf');
    });
    it('reports a bare CR', () => {
      expect(run('a\rb\r\n.\r\n').lineEndingError).toBe('bare-cr');
    });
    it('reports the first one when there are several', () => {
      expect(run('a\rb\nc\r\n.\r\n').lineEndingError).toBe('bare-cr');
      expect(run('a\nb\rc\r\n.\r\n').lineEndingError).toBe('bare-lf');
    });
    it('reports a bare CR after a stuffing dot, split at every point', () => {
      for (const size of AWKWARD_CHUNK_SIZES) {
        expect(run('x\r\n.\rY\r\n.\r\n', {}, size)).toMatchObject({
          body: 'x\r\n\rY\r\n',
          lineEndingError: 'bare-cr',
          done: true,
        });
      }
    });
    it('reports a bare LF at the very start of the data', () => {
      expect(run('\n.\r\n').lineEndingError).toBe('bare-lf');
    });
    it('still reads to the terminator after an error', () => {
      expect(run('a\nb\r\n.\r\nQUIT\r\n')).toMatchObject({ done: true, rest: 'QUIT\r\n' });
    });
  });

  describe('limits', () => {
    it('stops emitting at maxSize but keeps counting and reading to the end', () => {
      const result = run('0123456789\r\n..abc\r\n.\r\nNOOP\r\n', { maxSize: 8 }, 3);
      expect(result).toMatchObject({
        body: '01234567',
        size: 18,
        oversize: true,
        done: true,
        rest: 'NOOP\r\n',
      });
    });
    it('is not oversize at exactly maxSize', () => {
      expect(run('abc\r\n.\r\n', { maxSize: 5 })).toMatchObject({ body: 'abc\r\n', oversize: false });
    });
    it('flags a long line by its length on the wire, line end and stuffing dot included', () => {
      expect(run('12345678\r\n.\r\n', { maxLineLength: 10 }).longLine).toBe(false);
      expect(run('123456789\r\n.\r\n', { maxLineLength: 10 }).longLine).toBe(true);
      expect(run('..345678\r\n.\r\n', { maxLineLength: 10 }).longLine).toBe(false);
      expect(run('..3456789\r\n.\r\n', { maxLineLength: 10 })).toMatchObject({ longLine: true, done: true });
    });
    it('measures a long line across chunks', () => {
      const wire = `${'x'.repeat(2000)}\r\nshort\r\n.\r\n`;
      for (const size of [1, 7, 100, 999]) {
        expect(run(wire, { maxLineLength: 1000 }, size).longLine).toBe(true);
        expect(run(wire, { maxLineLength: 2002 }, size).longLine).toBe(false);
      }
    });
  });

  describe('chunk-split invariance', () => {
    const edgeCases = [
      '.',
      '..',
      '.\r',
      '.\r\n',
      '..\r\n',
      '\r',
      '\n',
      '\r\r\n',
      '\r\n\r\n',
      '',
      'a.\r\n',
      '\r\n.',
    ];

    it.each(AWKWARD_CHUNK_SIZES)('edge cases in %i-byte chunks match the single-chunk run', (size) => {
      for (const a of edgeCases) {
        for (const b of edgeCases) {
          const wire = bytes(`${a}x\r\n${b}\r\n.\r\nQUIT\r\n`);
          for (const lineEndings of ['strict', 'lenient'] as const) {
            expect(decode(fixedChunks(wire, size), { lineEndings }, scanner)).toEqual(
              decode([wire], { lineEndings }, scanner),
            );
          }
        }
      }
    });

    it('any split, and byte by byte, gives the model result (terminated inputs)', () => {
      fc.assert(
        fc.property(splitInput(smtpBytes()), options, ({ data, cuts }, opts) => {
          const wire = join([data, bytes('\r\n.\r\nNEXT')]);
          const want = model(wire, opts);
          expect(decode([wire], opts, scanner)).toEqual(want);
          expect(decode(splitAt(wire, cuts), opts, scanner)).toEqual(want);
          expect(decode(fixedChunks(wire, 1), opts, scanner)).toEqual(want);
        }),
        { numRuns: 300 },
      );
    });

    it('any split gives the single-chunk result (unterminated inputs too)', () => {
      fc.assert(
        fc.property(splitInput(smtpBytes()), options, ({ data, cuts }, opts) => {
          const whole = decode([data], opts, scanner);
          expect(decode(splitAt(data, cuts), opts, scanner)).toEqual(whole);
          expect(decode(fixedChunks(data, 1), opts, scanner)).toEqual(whole);
        }),
        { numRuns: 300 },
      );
    });

    it('reads a large message in 64 KB chunks, in odd chunks and whole, like the model', () => {
      const lines: string[] = [];
      for (let i = 0; i < 6000; i++)
        lines.push(`${i % 20 === 0 ? '..' : ''}line ${i} ${'y'.repeat(i % 97)}\r\n`);
      const wire = bytes(`${lines.join('')}.\r\nQUIT\r\n`);
      const want = model(wire);
      expect(want.done).toBe(true);
      expect(decode([wire], {}, scanner)).toEqual(want);
      expect(decode(fixedChunks(wire, 65_536), {}, scanner)).toEqual(want);
      expect(decode(fixedChunks(wire, 4_099), {}, scanner)).toEqual(want);
    });
  });
});
