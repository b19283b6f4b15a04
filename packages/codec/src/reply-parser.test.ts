import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import type { Reply } from './reply.js';
import { serializeReply } from './reply-format.js';
import {
  parseReply,
  type ReplyEvent,
  ReplyParser,
  type ReplyParserOptions,
  ReplySyntaxError,
  type ReplySyntaxReason,
} from './reply-parser.js';
import { replyArb } from './test-support/arbitraries.js';

/** Events as plain data, so errors compare by reason, message and line. */
function plain(events: readonly ReplyEvent[]) {
  return events.map((event) =>
    event.kind === 'reply'
      ? event
      : {
          kind: 'error' as const,
          reason: event.error.reason,
          message: event.error.message,
          line: event.error.line,
        },
  );
}

function parseAll(text: string | Uint8Array, options?: ReplyParserOptions) {
  const parser = new ReplyParser(options);
  const events = plain(parser.push(typeof text === 'string' ? utf8(text) : text));
  return { events, rest: parser.takeRest() };
}

function replies(text: string, options?: ReplyParserOptions): Reply[] {
  return parseAll(text, options).events.map((event) => {
    if (event.kind !== 'reply') throw new Error(`unexpected ${JSON.stringify(event)}`);
    return event.reply;
  });
}

function reasons(text: string, options?: ReplyParserOptions): (ReplySyntaxReason | number)[] {
  return parseAll(text, options).events.map((event) =>
    event.kind === 'reply' ? event.reply.code : event.reason,
  );
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, point));
    from = point;
  }
  return parts;
}

describe('ReplyParser: well-formed replies', () => {
  it('reads a single-line reply', () => {
    expect(replies('220 mx.example.test ESMTP\r\n')).toEqual([
      { code: 220, lines: ['mx.example.test ESMTP'] },
    ]);
  });

  it('reads a multi-line reply, keeping each line as sent', () => {
    expect(replies('250-mx.example.test greets you\r\n250-SIZE 1000\r\n250 HELP\r\n')).toEqual([
      { code: 250, lines: ['mx.example.test greets you', 'SIZE 1000', 'HELP'] },
    ]);
  });

  it('accepts a code without text, and a code followed by a space only', () => {
    expect(replies('250\r\n250 \r\n250-\r\n250\r\n')).toEqual([
      { code: 250, lines: [''] },
      { code: 250, lines: [''] },
      { code: 250, lines: ['', ''] },
    ]);
  });

  it('reads several replies from one chunk (pipelining)', () => {
    expect(replies('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n').map((r) => r.code)).toEqual([
      250, 250, 354,
    ]);
  });

  it('decodes UTF-8 text and replaces invalid octets', () => {
    expect(replies('550 5.1.1 Grüße\r\n')[0]?.lines).toEqual(['5.1.1 Grüße']);
    const bytes = Uint8Array.of(...utf8('550 x'), 0xff, 0x0d, 0x0a);
    expect(parseAll(bytes).events).toEqual([{ kind: 'reply', reply: { code: 550, lines: ['x\uFFFD'] } }]);
  });
});

describe('ReplyParser: enhanced status codes', () => {
  it('reads the enhanced code of the first line, leaving it in the text', () => {
    expect(replies('550 5.1.1 No such user\r\n')).toEqual([
      { code: 550, enhanced: '5.1.1', lines: ['5.1.1 No such user'] },
    ]);
  });

  it('reads an enhanced code that is the whole text', () => {
    expect(replies('250 2.0.0\r\n')[0]?.enhanced).toBe('2.0.0');
  });

  it('takes it from the first line of a multi-line reply', () => {
    const [reply] = replies('452-4.5.3 Too many recipients\r\n452 4.5.3 try later\r\n');
    expect(reply).toEqual({
      code: 452,
      enhanced: '4.5.3',
      lines: ['4.5.3 Too many recipients', '4.5.3 try later'],
    });
  });

  it.each([
    ['550 2.1.1 class does not match\r\n', 'a class other than the reply code'],
    ['250 2.1.0x text\r\n', 'something other than a space after it'],
    ['250 2.1000.0 x\r\n', 'more than three digits'],
    ['354 3.0.0 x\r\n', 'class 3, which RFC 3463 does not have'],
    ['250-text\r\n250 2.0.0 only on the last line\r\n', 'only a later line'],
  ])('ignores %j (%s)', (text) => {
    expect(replies(text)[0]?.enhanced).toBeUndefined();
  });
});

describe('ReplyParser: errors', () => {
  it('missing code: an empty line', () => {
    expect(reasons('\r\n')).toEqual(['missing-code']);
  });

  it('missing code: text where the code should be', () => {
    expect(reasons('hello\r\n25\r\n')).toEqual(['missing-code', 'missing-code']);
  });

  it('a byte-order mark before the code is not skipped, wherever the chunk starts', () => {
    const bytes = utf8('250 a\r\n\uFEFF250 b\r\n');
    expect(parseAll(bytes).events.map((e) => (e.kind === 'reply' ? e.reply.code : e.reason))).toEqual([
      250,
      'missing-code',
    ]);
    const parser = new ReplyParser();
    parser.push(bytes.subarray(0, 7));
    expect(plain(parser.push(bytes.subarray(7))).map((e) => e.kind)).toEqual(['error']);
  });

  it('bad code: digits mixed with letters', () => {
    expect(reasons('2x0 Ok\r\n')).toEqual(['bad-code']);
  });

  it('code out of range: 1xx (SMTP has none), 0xx and 6xx and above', () => {
    expect(reasons('150 Opening\r\n099 x\r\n600 x\r\n999\r\n')).toEqual([
      'code-out-of-range',
      'code-out-of-range',
      'code-out-of-range',
      'code-out-of-range',
    ]);
  });

  it('bad separator: neither space nor hyphen after the code', () => {
    expect(reasons('250_Ok\r\n2500 Ok\r\n')).toEqual(['bad-separator', 'bad-separator']);
  });

  it('mixed codes inside one reply', () => {
    const { events } = parseAll('250-first\r\n251 second\r\n');
    expect(events).toEqual([
      {
        kind: 'error',
        reason: 'mixed-codes',
        message: 'reply line with code 251 inside a 250 reply: "251 second"',
        line: '251 second',
      },
    ]);
  });

  it('line too long, whole in one chunk', () => {
    expect(reasons(`250 ${'x'.repeat(100)}\r\n250 ok\r\n`, { maxLineLength: 50 })).toEqual([
      'line-too-long',
      250,
    ]);
  });

  it('line too long, arriving byte by byte, holds no more than the limit', () => {
    const parser = new ReplyParser({ maxLineLength: 50 });
    const events: ReplyEvent[] = [];
    for (const byte of utf8(`250 ${'x'.repeat(100)}`)) {
      events.push(...parser.push(Uint8Array.of(byte)));
      expect(parser.buffered).toBeLessThan(50);
    }
    events.push(...parser.push(utf8('\r\n250 ok\r\n')));
    expect(plain(events).map((e) => (e.kind === 'reply' ? e.reply.code : e.reason))).toEqual([
      'line-too-long',
      250,
    ]);
  });

  it('counts the line end in maxLineLength', () => {
    expect(reasons('250 abc\r\n', { maxLineLength: 9 })).toEqual([250]);
    expect(reasons('250 abcd\r\n', { maxLineLength: 9 })).toEqual(['line-too-long']);
  });

  it('too many lines', () => {
    const text = `${'250-x\r\n'.repeat(3)}250 end\r\n250 next\r\n`;
    expect(reasons(text, { maxLines: 3 })).toEqual(['too-many-lines', 250]);
    expect(reasons(text, { maxLines: 4 })).toEqual([250, 250]);
  });

  it('bare LF is an error in strict mode', () => {
    expect(reasons('250 Ok\n', { lineEndings: 'strict' })).toEqual(['bare-lf']);
  });

  it('bare LF ends a line in lenient mode (the default)', () => {
    expect(replies('250-a\n250 b\n')).toEqual([{ code: 250, lines: ['a', 'b'] }]);
  });

  it('a CR inside a line is an error in both modes', () => {
    expect(reasons('250 a\rb\r\n')).toEqual(['bare-cr']);
    expect(reasons('250 a\rb\r\n', { lineEndings: 'strict' })).toEqual(['bare-cr']);
  });

  it('errors carry a readable message and the offending line', () => {
    const [event] = new ReplyParser().push(utf8('250*Ok\r\n'));
    expect(event?.kind).toBe('error');
    if (event?.kind !== 'error') return;
    expect(event.error).toBeInstanceOf(ReplySyntaxError);
    expect(event.error.message).toBe('reply code is followed by neither a space nor "-": "250*Ok"');
    expect(event.error.line).toBe('250*Ok');
  });

  it('after an error on a continuation line, drops the rest of that reply and stays in step', () => {
    expect(reasons('250-a\r\n250*b\r\n250-c\r\n250 d\r\n221 bye\r\n')).toEqual(['bad-separator', 221]);
    expect(reasons('700-a\r\n700 b\r\n250 ok\r\n')).toEqual(['code-out-of-range', 250]);
  });

  it('after an error on a last line, goes on with the next line', () => {
    expect(reasons('250-a\r\n251 b\r\n250 c\r\n')).toEqual(['mixed-codes', 250]);
  });

  it('refuses silly limits', () => {
    expect(() => new ReplyParser({ maxLineLength: 3 })).toThrow(RangeError);
    expect(() => new ReplyParser({ maxLines: 0 })).toThrow(RangeError);
    expect(() => new ReplyParser({ maxLines: 1.5 })).toThrow(RangeError);
    expect(() => new ReplyParser({ lineEndings: 'loose' as 'strict' })).toThrow(RangeError);
  });
});

describe('ReplyParser: what is left over', () => {
  it('takeRest returns what follows the last complete reply (nothing may follow 220 to STARTTLS)', () => {
    const parser = new ReplyParser();
    const events = parser.push(utf8('220 2.0.0 Ready to start TLS\r\n250 injected'));
    expect(events).toHaveLength(1);
    expect(parser.buffered).toBe(12);
    expect(new TextDecoder().decode(parser.takeRest())).toBe('250 injected');
    expect(parser.buffered).toBe(0);
  });

  it('includes the first lines of an unfinished multi-line reply', () => {
    const parser = new ReplyParser();
    parser.push(utf8('250-a\r\n250-b'));
    expect(parser.buffered).toBe(12);
    expect(new TextDecoder().decode(parser.takeRest())).toBe('250-a\r\n250-b');
  });

  it('starts afresh after takeRest', () => {
    const parser = new ReplyParser();
    parser.push(utf8('250-a\r\n'));
    parser.takeRest();
    expect(plain(parser.push(utf8('220 ready\r\n')))).toEqual([
      { kind: 'reply', reply: { code: 220, lines: ['ready'] } },
    ]);
  });

  it('is empty after a complete reply', () => {
    const parser = new ReplyParser();
    parser.push(utf8('250 ok\r\n'));
    expect(parser.takeRest()).toEqual(new Uint8Array(0));
  });
});

describe('ReplyParser properties', () => {
  it('reads back any serialized replies', () => {
    fc.assert(
      fc.property(fc.array(replyArb, { minLength: 1, maxLength: 5 }), (list) => {
        expect(replies(list.map(serializeReply).join(''))).toEqual(list);
      }),
    );
  });

  it('gives the same events and leftovers however the input is split', () => {
    const lineish = fc.oneof(
      replyArb.map(serializeReply),
      fc.constantFrom(
        '250-x\r\n',
        '251 y\r\n',
        '250\n',
        '250 a\rb\r\n',
        '\r\n',
        '2x0 z\r\n',
        `250 ${'y'.repeat(40)}\r\n`,
      ),
      fc.string({ maxLength: 12 }),
    );
    // Octets that are not UTF-8 (stray continuation bytes, cut sequences) next to line ends.
    const broken = fc.oneof(
      fc.uint8Array({ maxLength: 8 }),
      fc.constantFrom(
        Uint8Array.of(0x32, 0x35, 0x30, 0x20, 0xe2, 0x82, 0x0d, 0x0a),
        Uint8Array.of(0x80, 0x0a),
      ),
    );
    const piece = fc.oneof(lineish.map(utf8), broken);
    const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map(concat),
        fc.array(fc.nat(200), { maxLength: 10 }),
        fc.constantFrom<ReplyParserOptions>(
          {},
          { lineEndings: 'strict' },
          { maxLineLength: 24, maxLines: 2 },
        ),
        (bytes, cuts, options) => {
          const whole = parseAll(bytes, options);
          const parser = new ReplyParser(options);
          const events = splitAt(bytes, cuts).flatMap((part) => plain(parser.push(part)));
          expect(events).toEqual(whole.events);
          expect(parser.takeRest()).toEqual(whole.rest);
        },
      ),
    );
  });

  it('never throws and never holds more than one line beyond a reply in progress, on arbitrary octets', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
        const parser = new ReplyParser({ maxLineLength: 30, maxLines: 3 });
        for (const chunk of chunks) {
          parser.push(chunk);
          expect(parser.buffered).toBeLessThanOrEqual(30 * 3);
        }
      }),
    );
  });
});

describe('parseReply', () => {
  it('parses one reply, with or without the last line end, CRLF or LF', () => {
    expect(parseReply('250 ok')).toEqual({ code: 250, lines: ['ok'] });
    expect(parseReply('250-a\n250 b\n')).toEqual({ code: 250, lines: ['a', 'b'] });
  });

  it('throws ReplySyntaxError for malformed text', () => {
    expect(() => parseReply('hello')).toThrow(ReplySyntaxError);
    expect(() => parseReply('250-a\r\n')).toThrow(/ends before its last line/);
    expect(() => parseReply('250 a\r\n250 b\r\n')).toThrow(/continues after the end/);
    expect(() => parseReply('250 a\r\n250-b')).toThrow(/continues after the end/);
  });
});
