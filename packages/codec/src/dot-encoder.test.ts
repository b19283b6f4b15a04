import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DotDecoder } from './dot-decoder.js';
import {
  BareLineEndingError,
  DotEncoder,
  type DotEncoderOptions,
  dotStuff,
  dotUnstuff,
} from './dot-encoder.js';
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
import { modelEncode, normalizeLineEnds } from './test-support/reference.js';
import { SCANNERS } from './test-support/scanners.js';

function encode(
  chunks: readonly Uint8Array[],
  options: DotEncoderOptions = {},
  scanner?: LineEndScanner,
): string {
  const encoder = new DotEncoder(options, scanner);
  const out: Uint8Array[] = [];
  for (const chunk of chunks) out.push(...encoder.push(chunk));
  out.push(encoder.end());
  return text(join(out));
}

function decodeWhole(wire: Uint8Array): string {
  const result = new DotDecoder().push(wire);
  expect(result.done).toBe(true);
  expect(result.rest?.length).toBe(0);
  return text(join(result.body));
}

/** Message bodies as a client holds them: lines that each end in CRLF, no bare CR or LF. */
const crlfBody = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
      fc.constantFrom('.', '..', '.\x00', '\xff.', ''),
    ),
    { maxLength: 25 },
  )
  .map((lines) => bytes(lines.map((line) => `${line}\r\n`).join('')));

describe.each(SCANNERS)('DotEncoder (%s scanner)', (_name, scanner) => {
  const run = (body: string, options: DotEncoderOptions = {}, size?: number) => {
    const data = bytes(body);
    return encode(size === undefined ? [data] : fixedChunks(data, size), options, scanner);
  };

  it('doubles a dot that starts a line, the first line included', () => {
    expect(run('.a\r\nb.\r\n..c\r\n.\r\n')).toBe('..a\r\nb.\r\n...c\r\n..\r\n.\r\n');
  });

  it('ends an empty body with the terminator alone', () => {
    expect(run('')).toBe('.\r\n');
  });

  it('adds a CRLF when the body does not end with one', () => {
    expect(run('abc')).toBe('abc\r\n.\r\n');
    expect(run('abc\r\n')).toBe('abc\r\n.\r\n');
  });

  it('normalizes bare LF and bare CR to CRLF, and stuffs the dot after them', () => {
    expect(run('a\nb\rc\r\r\nd\n.e\r.f\r')).toBe('a\r\nb\r\nc\r\n\r\nd\r\n..e\r\n..f\r\n.\r\n');
  });

  it('keeps NUL and 8-bit octets', () => {
    expect(run('\x00\xff\r\n')).toBe('\x00\xff\r\n.\r\n');
  });

  it.each(AWKWARD_CHUNK_SIZES)('gives the same bytes in %i-byte chunks', (size) => {
    const body = '.a\r\n\r\n..\r\nb\nc\r.d\r\n\r.\n.\r\r\n.';
    expect(run(body, {}, size)).toBe(run(body));
  });

  it('reject: throws BareLineEndingError at the first bare LF, with its offset', () => {
    const encoder = new DotEncoder({ bareLineEndings: 'reject' }, scanner);
    expect(encoder.push(bytes('ok\r\n'))).toHaveLength(1);
    let caught: unknown;
    try {
      encoder.push(bytes('bad\nline'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BareLineEndingError);
    expect(caught).toMatchObject({ kind: 'bare-lf', offset: 7 });
    expect((caught as Error).message).toMatch(/LF without CR at octet 7/);
  });

  it('reject: throws at a bare CR, also one split from its successor or at the end', () => {
    expect(() => run('a\rb', { bareLineEndings: 'reject' })).toThrow(BareLineEndingError);
    expect(() => run('a\rb', { bareLineEndings: 'reject' }, 2)).toThrow(/CR without LF at octet 1/);
    const encoder = new DotEncoder({ bareLineEndings: 'reject' }, scanner);
    encoder.push(bytes('a\r'));
    expect(() => encoder.end()).toThrow(BareLineEndingError);
  });

  it('reject: accepts CRLF bodies unchanged apart from stuffing', () => {
    expect(run('.a\r\nb\r\n', { bareLineEndings: 'reject' })).toBe('..a\r\nb\r\n.\r\n');
  });

  it('refuses an unknown bareLineEndings value', () => {
    expect(() => new DotEncoder({ bareLineEndings: 'strip' as 'reject' })).toThrow(/bareLineEndings/);
    expect(() => dotUnstuff(bytes('.\r\n'), { lineEndings: 'none' as 'strict' })).toThrow(/lineEndings/);
  });

  it('refuses use after end()', () => {
    const encoder = new DotEncoder({}, scanner);
    encoder.end();
    expect(() => encoder.push(bytes('x'))).toThrow(/after end/);
    expect(() => encoder.end()).toThrow(/twice/);
  });

  it('returns views into the input for the body itself', () => {
    const body = bytes('hello\r\nworld\r\n');
    const pieces = new DotEncoder({}, scanner).push(body);
    expect(pieces.every((piece) => piece.buffer === body.buffer)).toBe(true);
  });

  it('matches the model for any body and any split (normalizing)', () => {
    fc.assert(
      fc.property(splitInput(smtpBytes()), ({ data, cuts }) => {
        const want = text(modelEncode(data));
        expect(encode([data], {}, scanner)).toBe(want);
        expect(encode(splitAt(data, cuts), {}, scanner)).toBe(want);
        expect(encode(fixedChunks(data, 1), {}, scanner)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it('output never holds a bare CR or LF, and no line-leading single dot before the end', () => {
    fc.assert(
      fc.property(smtpBytes(), (data) => {
        const wire = bytes(encode([data], {}, scanner));
        const decoder = new DotDecoder();
        const decoded = decoder.push(wire);
        expect(decoder.lineEndingError).toBeUndefined();
        expect(decoded.done).toBe(true);
        expect(decoded.rest?.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('round trip: decode(encode(body)) = body for CRLF bodies, in any chunks', () => {
    fc.assert(
      fc.property(crlfBody, fc.array(fc.nat(), { maxLength: 8 }), (body, cuts) => {
        expect(decodeWhole(bytes(encode(splitAt(body, cuts), {}, scanner)))).toBe(text(body));
      }),
      { numRuns: 300 },
    );
  });

  it('round trip: decode(encode(body)) = the normalized body, with a final CRLF added when missing', () => {
    fc.assert(
      fc.property(smtpBytes(), (data) => {
        const normal = normalizeLineEnds(data);
        const endsWithCrlf = normal.length === 0 || text(normal).endsWith('\r\n');
        const want = endsWithCrlf ? text(normal) : `${text(normal)}\r\n`;
        expect(decodeWhole(bytes(encode([data], {}, scanner)))).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('dotStuff / dotUnstuff', () => {
  it('dotStuff gives the whole wire form, terminator included', () => {
    expect(text(dotStuff(bytes('.hi\nthere')))).toBe('..hi\r\nthere\r\n.\r\n');
    expect(() => dotStuff(bytes('a\nb'), { bareLineEndings: 'reject' })).toThrow(BareLineEndingError);
  });

  it('dotUnstuff returns the body and the bytes after the terminator', () => {
    const result = dotUnstuff(bytes('..hi\r\n.\r\nQUIT\r\n'));
    expect(result && text(result.body)).toBe('.hi\r\n');
    expect(result && text(result.rest)).toBe('QUIT\r\n');
    expect(dotUnstuff(bytes('.\r\n'))?.body).toHaveLength(0);
  });

  it('dotUnstuff returns undefined without a terminator', () => {
    expect(dotUnstuff(bytes('no end\r\n'))).toBeUndefined();
  });

  it('dotUnstuff throws on bare line ends unless lenient', () => {
    expect(() => dotUnstuff(bytes('a\nb\r\n.\r\n'))).toThrow(BareLineEndingError);
    expect(text(dotUnstuff(bytes('a\nb\r\n.\r\n'), { lineEndings: 'lenient' })?.body ?? bytes(''))).toBe(
      'a\nb\r\n',
    );
  });

  it('round trip over the helpers', () => {
    fc.assert(
      fc.property(crlfBody, (body) => {
        expect(text(dotUnstuff(dotStuff(body))?.body ?? bytes('missing'))).toBe(text(body));
      }),
    );
  });
});
