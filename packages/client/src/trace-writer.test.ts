import { describe, expect, it } from 'vitest';
import { TraceWriter } from './trace-writer.js';

function writer(): { lines: string[]; trace: TraceWriter } {
  const lines: string[] = [];
  return { lines, trace: new TraceWriter((line) => lines.push(line)) };
}

describe('TraceWriter', () => {
  it('writes commands, comments and directives', () => {
    const { lines, trace } = writer();
    trace.comment('first\r\nsecond');
    trace.directive('connect 127.0.0.1:25');
    trace.command('MAIL FROM:<a@example.test>');
    trace.command('');
    trace.commandTemplate('AUTH PLAIN {{base64:x}}');
    expect(lines).toEqual([
      '# first second',
      '@connect 127.0.0.1:25',
      'C: MAIL FROM:<a@example.test>',
      'C:',
      'C: AUTH PLAIN {{base64:x}}',
    ]);
  });

  it('splits a DATA body into lines however it arrives, CRLF split across pieces included', () => {
    const { lines, trace } = writer();
    for (const piece of ['Subject: x\r', '\n\r\n..dot\r\nlast\r\n', '.\r', '\n'])
      trace.body(Buffer.from(piece));
    trace.endBody();
    expect(lines).toEqual(['C: Subject: x', 'C:', 'C: ..dot', 'C: last', 'C: .']);
  });

  it('writes what is left of an unterminated body as a C! line', () => {
    const { lines, trace } = writer();
    trace.body(Buffer.from('tail'));
    trace.endBody();
    expect(lines).toEqual(['C! tail']);
  });

  it('writes a BDAT chunk as its command, C: lines and a C! line for an unfinished last line', () => {
    const { lines, trace } = writer();
    trace.bdatChunk('BDAT 12', Buffer.from('ab\r\ncd\re\nfg'));
    expect(lines).toEqual(['C: BDAT 12', 'C: ab', 'C! cd\\re\\nfg']);
  });

  it('writes replies exactly, volatile, or EHLO-style', () => {
    const { lines, trace } = writer();
    trace.reply({ code: 250, enhanced: '2.1.0', lines: ['2.1.0 Ok *'] }, 'exact');
    trace.reply({ code: 250, enhanced: '2.0.0', lines: ['2.0.0 queued as X1'] }, 'volatile');
    trace.reply({ code: 220, lines: ['mx ESMTP', 'second line'] }, 'volatile');
    trace.reply({ code: 250, lines: ['mx greets 127.0.0.1', 'PIPELINING', 'SIZE 1000'] }, 'hello');
    trace.reply({ code: 250, lines: ['mx'] }, 'hello');
    trace.reply({ code: 250, lines: [''] }, 'exact');
    trace.reply({ code: 250, lines: ['a', ''] }, 'exact');
    expect(lines).toEqual([
      'S: 250 2.1.0 Ok \\x2a',
      'S: 250 2.0.0 *',
      'S: 220 *',
      'S: 250-*',
      'S: 250-PIPELINING',
      'S: 250 SIZE 1000',
      'S: 250 *',
      'S: 250',
      'S: 250-a',
      'S: 250',
    ]);
  });
});
