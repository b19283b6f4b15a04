import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineEndScanner } from './line-end-scan.js';
import { type LineEvent, LineFramer, type LineFramerOptions } from './line-framer.js';
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
import { modelFrame } from './test-support/reference.js';
import { SCANNERS } from './test-support/scanners.js';

/** A readable form of an event (lines as latin1 text). */
function show(event: LineEvent): unknown {
  return event.kind === 'line' ? { kind: 'line', line: text(event.line) } : event;
}

/** Pushes each chunk and drains the framer after each; returns the events and what is left. */
function frame(chunks: readonly Uint8Array[], options: LineFramerOptions = {}, scanner?: LineEndScanner) {
  const framer = new LineFramer(options, scanner);
  const events: unknown[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let event = framer.next(); event; event = framer.next()) events.push(show(event));
  }
  return { events, buffered: framer.buffered };
}

const options = fc.record(
  {
    lineEndings: fc.constantFrom<'strict' | 'lenient'>('strict', 'lenient'),
    maxLineLength: fc.integer({ min: 3, max: 80 }),
  },
  { requiredKeys: [] },
);

describe.each(SCANNERS)('LineFramer (%s scanner)', (_name, scanner) => {
  const events = (input: string, opts: LineFramerOptions = {}, size?: number) => {
    const data = bytes(input);
    return frame(size === undefined ? [data] : fixedChunks(data, size), opts, scanner).events;
  };

  describe('the basics', () => {
    it('returns CRLF-ended lines without their line end', () => {
      expect(events('EHLO a\r\nMAIL FROM:<>\r\n\r\n')).toEqual([
        { kind: 'line', line: 'EHLO a' },
        { kind: 'line', line: 'MAIL FROM:<>' },
        { kind: 'line', line: '' },
      ]);
    });

    it('waits for the line end', () => {
      const framer = new LineFramer({}, scanner);
      framer.push(bytes('NOOP'));
      expect(framer.next()).toBeUndefined();
      expect(framer.buffered).toBe(4);
      framer.push(bytes('\r'));
      expect(framer.next()).toBeUndefined();
      framer.push(bytes('\n'));
      expect(show(framer.next() as LineEvent)).toEqual({ kind: 'line', line: 'NOOP' });
      expect(framer.next()).toBeUndefined();
      expect(framer.buffered).toBe(0);
    });

    it('returns a view into the input for a line inside one chunk, a copy otherwise', () => {
      const framer = new LineFramer({}, scanner);
      const chunk = bytes('RSET\r\nQU');
      framer.push(chunk);
      const first = framer.next();
      expect(first?.kind === 'line' && first.line.buffer).toBe(chunk.buffer);
      framer.push(bytes('IT\r\n'));
      const second = framer.next();
      expect(second?.kind === 'line' && text(second.line)).toBe('QUIT');
      expect(second?.kind === 'line' && second.line.buffer).not.toBe(chunk.buffer);
    });

    it('keeps NUL and 8-bit octets in lines', () => {
      expect(events('A\x00\xff\r\n')).toEqual([{ kind: 'line', line: 'A\x00\xff' }]);
    });

    it('rejects a maxLineLength too small for a line end, and unknown policies', () => {
      expect(() => new LineFramer({ maxLineLength: 2 })).toThrow(RangeError);
      expect(() => new LineFramer({ maxLineLength: 100.5 })).toThrow(/maxLineLength/);
      expect(() => new LineFramer({ lineEndings: 'loose' as 'lenient' })).toThrow(/lineEndings/);
    });
  });

  describe('handing over to another reader', () => {
    it('takeRest returns the unread bytes after the last line read, across chunks', () => {
      const framer = new LineFramer({}, scanner);
      framer.push(bytes('DATA\r\nSubj'));
      framer.push(bytes('ect: x\r\n'));
      expect(show(framer.next() as LineEvent)).toEqual({ kind: 'line', line: 'DATA' });
      expect(text(framer.takeRest())).toBe('Subject: x\r\n');
      expect(framer.buffered).toBe(0);
      expect(framer.next()).toBeUndefined();
      expect(framer.takeRest().length).toBe(0);
    });

    it('takeRest includes a kept unfinished line, and the framer starts afresh', () => {
      const framer = new LineFramer({}, scanner);
      framer.push(bytes('STARTTLS\r\nEH'));
      framer.next();
      expect(framer.next()).toBeUndefined();
      framer.push(bytes('LO x'));
      expect(framer.next()).toBeUndefined();
      expect(text(framer.takeRest())).toBe('EHLO x');
      framer.push(bytes('\nQUIT\r\n'));
      expect(show(framer.next() as LineEvent)).toEqual({ kind: 'bare-lf' });
    });

    it('takeRest after a chunk ending in CR forgets the CR', () => {
      const framer = new LineFramer({}, scanner);
      framer.push(bytes('A\r'));
      framer.next();
      expect(text(framer.takeRest())).toBe('A\r');
      framer.push(bytes('\nB\r\n'));
      expect(show(framer.next() as LineEvent)).toEqual({ kind: 'bare-lf' });
    });
  });

  describe('line ends', () => {
    it('strict: reports a line ended by LF alone and drops it', () => {
      expect(events('EHLO a\nNOOP\r\n')).toEqual([{ kind: 'bare-lf' }, { kind: 'line', line: 'NOOP' }]);
    });
    it('strict: reports a line holding a bare CR when it ends', () => {
      expect(events('NO\rOP\r\nQUIT\r\n')).toEqual([{ kind: 'bare-cr' }, { kind: 'line', line: 'QUIT' }]);
    });
    it('strict: a bare CR at a chunk edge is found too', () => {
      for (const size of AWKWARD_CHUNK_SIZES) {
        expect(events('AB\rCD\r\nQUIT\r\n', {}, size)).toEqual([
          { kind: 'bare-cr' },
          { kind: 'line', line: 'QUIT' },
        ]);
      }
    });
    it('strict: a line ended by a bare LF that also holds a bare CR is reported as bare-lf', () => {
      expect(events('A\rB\n')).toEqual([{ kind: 'bare-lf' }]);
    });
    it('lenient: a bare LF ends a line; a CR before LF is never content', () => {
      expect(events('EHLO a\nNOOP\r\n\n', { lineEndings: 'lenient' })).toEqual([
        { kind: 'line', line: 'EHLO a' },
        { kind: 'line', line: 'NOOP' },
        { kind: 'line', line: '' },
      ]);
    });
    it('lenient: a CR not followed by LF stays in the line', () => {
      expect(events('NO\rOP\r\n\r\r\n', { lineEndings: 'lenient' })).toEqual([
        { kind: 'line', line: 'NO\rOP' },
        { kind: 'line', line: '\r' },
      ]);
    });
  });

  describe('over-long lines', () => {
    it('accepts a line of exactly maxLineLength octets and reports one longer, once', () => {
      const ok = `${'a'.repeat(510)}\r\n`;
      const long = `${'b'.repeat(511)}\r\n`;
      for (const size of [undefined, 1, 7, 100]) {
        expect(events(`${ok}${long}NOOP\r\n`, {}, size)).toEqual([
          { kind: 'line', line: 'a'.repeat(510) },
          { kind: 'too-long', length: 513 },
          { kind: 'line', line: 'NOOP' },
        ]);
      }
    });

    it('counts a bare LF as one octet of line end in lenient mode', () => {
      expect(
        events(`${'a'.repeat(9)}\n${'b'.repeat(10)}\n`, { lineEndings: 'lenient', maxLineLength: 10 }),
      ).toEqual([
        { kind: 'line', line: 'a'.repeat(9) },
        { kind: 'too-long', length: 11 },
      ]);
    });

    it('strict: a line-ending fault outranks the length', () => {
      expect(events(`${'a'.repeat(600)}\n`)).toEqual([{ kind: 'bare-lf' }]);
      expect(events(`${'a'.repeat(600)}\r${'a'.repeat(600)}\r\n`)).toEqual([{ kind: 'bare-cr' }]);
    });

    it('does not buffer a 10 MB line: buffered stays within the limit while it streams in', () => {
      const framer = new LineFramer({}, scanner);
      const piece = new Uint8Array(64 * 1024).fill(0x41);
      let most = 0;
      for (let sent = 0; sent < 10 * 1024 * 1024; sent += piece.length) {
        framer.push(piece);
        expect(framer.next()).toBeUndefined();
        most = Math.max(most, framer.buffered);
      }
      expect(most).toBeLessThan(512);
      framer.push(bytes('\r\nQUIT\r\n'));
      expect(framer.next()).toEqual({ kind: 'too-long', length: 10 * 1024 * 1024 + 2 });
      expect(show(framer.next() as LineEvent)).toEqual({ kind: 'line', line: 'QUIT' });
      expect(framer.next()).toBeUndefined();
    });

    it('keeps at most maxLineLength - 1 octets of an unfinished line', () => {
      const framer = new LineFramer({ maxLineLength: 20 }, scanner);
      for (let i = 0; i < 100; i++) {
        framer.push(bytes('x'));
        framer.next();
        expect(framer.buffered).toBeLessThanOrEqual(19);
      }
    });
  });

  describe('chunk-split invariance', () => {
    it.each(AWKWARD_CHUNK_SIZES)(
      'a pipelined command stream in %i-byte chunks gives the same events',
      (size) => {
        const input = bytes(
          'EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n\r\nA\rB\r\nC\nDATA\r\n.\r\n\r\r\n',
        );
        for (const lineEndings of ['strict', 'lenient'] as const) {
          expect(frame(fixedChunks(input, size), { lineEndings }, scanner)).toEqual(
            frame([input], { lineEndings }, scanner),
          );
        }
      },
    );

    it('any split, and byte by byte, gives the model events', () => {
      fc.assert(
        fc.property(splitInput(smtpBytes({ longRun: 120 })), options, ({ data, cuts }, opts) => {
          const strict = (opts.lineEndings ?? 'strict') === 'strict';
          const want = modelFrame(data, { strict, maxLineLength: opts.maxLineLength ?? 512 }).map(show);
          expect(frame([data], opts, scanner).events).toEqual(want);
          expect(frame(splitAt(data, cuts), opts, scanner).events).toEqual(want);
          expect(frame(fixedChunks(data, 1), opts, scanner).events).toEqual(want);
        }),
        { numRuns: 300 },
      );
    });

    it('round trip: framing joined lines gives the lines back', () => {
      const line = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ''));
      fc.assert(
        fc.property(
          fc.array(line, { maxLength: 30 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          (lines, cuts) => {
            const data = bytes(lines.map((l) => `${l}\r\n`).join(''));
            const want = lines.map((l) => ({ kind: 'line', line: l }));
            const latin1 = want.map((w) => ({ ...w, line: text(bytes(w.line)) }));
            expect(frame(splitAt(data, cuts), { maxLineLength: 1000 }, scanner).events).toEqual(latin1);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('frames a large stream pushed whole and in 64 KB chunks alike', () => {
      const parts: string[] = [];
      for (let i = 0; i < 20_000; i++) parts.push(`RCPT TO:<user${i}@example.org>\r\n`);
      const data = bytes(parts.join(''));
      const whole = frame([data], {}, scanner);
      expect(whole.events).toHaveLength(20_000);
      expect(frame(fixedChunks(data, 65_536), {}, scanner)).toEqual(whole);
      expect(join([])).toHaveLength(0);
    });
  });
});
