import { utf8 } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientStream, type ReplyCause } from './client-stream.js';

function show(cause: ReplyCause<number>): string {
  if (cause.kind === 'message') return `message(${cause.data.line})@${cause.origin}`;
  const chunk = cause.chunk ? ` chunk=${cause.chunk.size}${cause.chunk.last ? ' last' : ''}` : '';
  return `${cause.verb}${cause.startTls ? ' tls' : ''}${chunk}@${cause.origin}`;
}

function feed(writes: readonly string[]): string[] {
  const stream = new ClientStream<number>();
  return writes.flatMap((text, index) => stream.push(utf8(text), index).map(show));
}

describe('ClientStream', () => {
  it('expects one reply per command line', () => {
    expect(feed(['EHLO x\r\nMAIL FROM:<a>\r\n', 'RCPT TO:<b>\r\n'])).toEqual(['EHLO@0', 'MAIL@0', 'RCPT@1']);
  });

  it('takes a bare LF as the end of a command line, as most servers do', () => {
    expect(feed(['NOOP\nNOOP\r\n'])).toEqual(['NOOP@0', 'NOOP@0']);
  });

  it('holds a partial command line until its line end, reporting it where it began', () => {
    const stream = new ClientStream<number>();
    expect(stream.push(utf8('MAIL FROM:'), 0)).toEqual([]);
    expect(stream.midLine).toBe(true);
    expect(stream.partialLine).toEqual({ text: 'MAIL FROM:', origin: 0 });
    expect(stream.push(utf8('<a>\r'), 1)).toEqual([]);
    expect(stream.push(utf8('\n'), 2).map(show)).toEqual(['MAIL@0']);
    expect(stream.midLine).toBe(false);
  });

  it('gives a DATA body one reply, at its <CRLF>.<CRLF>', () => {
    expect(feed(['DATA\r\n', 'Subject: x\r\n\r\n', 'body\r\n.\r\n', 'QUIT\r\n'])).toEqual([
      'DATA@0',
      'message(DATA)@2',
      'QUIT@3',
    ]);
  });

  it('ends an empty body at once', () => {
    expect(feed(['DATA\r\n.\r\nQUIT\r\n'])).toEqual(['DATA@0', 'message(DATA)@0', 'QUIT@0']);
  });

  it('does not end DATA at smuggling look-alikes', () => {
    const stream = new ClientStream<number>();
    for (const fake of ['\n.\n', '\r.\r', '\n.\r\n', '\r\n.\n', 'x.\r\n', '\r\n..\r\n']) {
      stream.push(utf8('DATA\r\nline'), 0);
      expect(stream.push(utf8(fake), 1)).toEqual([]);
      expect(stream.mode).toBe('data');
      stream.push(utf8('\r\n.\r\n'), 2);
      expect(stream.mode).toBe('command');
    }
  });

  it('counts BDAT octets, whatever they contain, then answers the command', () => {
    expect(feed(['BDAT 5\r\nab', '\r\n.', 'BDAT 0 LAST\r\n'])).toEqual([
      'BDAT chunk=5@0',
      'BDAT chunk=0 last@2',
    ]);
  });

  it('tells how many BDAT octets are missing', () => {
    const stream = new ClientStream<number>();
    stream.push(utf8('BDAT 10 LAST\r\nabc'), 0);
    expect(stream.mode).toBe('bdat');
    expect(stream.openChunk?.missing).toBe(7);
    expect(stream.openChunk?.command.chunk).toEqual({ size: 10, last: true });
  });

  it('treats a BDAT without a valid size as an ordinary command (the server refuses it)', () => {
    expect(feed(['BDAT x\r\nNOOP\r\n'])).toEqual(['BDAT@0', 'NOOP@0']);
  });

  it('marks STARTTLS, and reads what follows it as commands', () => {
    expect(feed(['STARTTLS\r\nNOOP\r\n'])).toEqual(['STARTTLS tls@0', 'NOOP@0']);
  });

  it('returns to command mode when the runner says DATA was refused', () => {
    const stream = new ClientStream<number>();
    stream.push(utf8('DATA\r\n'), 0);
    stream.abortData();
    expect(stream.push(utf8('RSET\r\n'), 1).map(show)).toEqual(['RSET@1']);
  });

  it('gives the same causes however the bytes are split into writes', () => {
    const piece = fc.constantFrom(
      'EHLO x\r\n',
      'DATA\r\n',
      'a\r\n',
      '.\r\n',
      '..\r\n',
      '\r\n',
      'BDAT 3\r\n',
      'BDAT 0 LAST\r\n',
      'xyz',
      'STARTTLS\r\n',
      '\n',
      '\r',
      '.',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (pieces, cuts) => {
          const bytes = utf8(pieces.join(''));
          const whole = new ClientStream<number>().push(bytes, 0).map(show);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const stream = new ClientStream<number>();
          const split: string[] = [];
          let start = 0;
          for (const point of [...points, bytes.length]) {
            for (const cause of stream.push(bytes.subarray(start, point), 0)) split.push(show(cause));
            start = point;
          }
          expect(split).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });
});
