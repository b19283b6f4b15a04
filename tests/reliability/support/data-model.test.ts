/**
 * The suite's own model of the data contract is the oracle of the smuggling and codec checks, so
 * it is checked here against the contract's sentences, case by case.
 */
import { describe, expect, it } from 'vitest';
import { hasBareLineEnding, modelData, normalizeLineEndings, stuffAndTerminate } from './data-model.js';

describe('modelData', () => {
  it('only <CRLF>.<CRLF> ends the data; what follows is read as commands', () => {
    expect(modelData('a\r\n.\r\nQUIT\r\n', 'strict')).toEqual({
      kind: 'message',
      body: 'a\r\n',
      rest: 'QUIT\r\n',
    });
    expect(modelData('.\r\nQUIT\r\n', 'strict')).toEqual({ kind: 'message', body: '', rest: 'QUIT\r\n' });
  });

  it('the smuggling look-alikes never end it', () => {
    for (const fake of ['\n.\n', '\r.\r', '\n.\r\n', '\r\n.\n']) {
      expect(modelData(`a${fake}MAIL FROM:<x@y.z>\r\n`, 'lenient').kind, JSON.stringify(fake)).toBe(
        'incomplete',
      );
    }
  });

  it('strict: a bare CR or LF before the end is refused; after the end it is not the data’s', () => {
    expect(modelData('a\nb\r\n.\r\n', 'strict')).toEqual({ kind: 'bare-line-ending' });
    expect(modelData('a\rb\r\n.\r\n', 'strict')).toEqual({ kind: 'bare-line-ending' });
    expect(modelData('a\r\n.\r\nb\n', 'strict').kind).toBe('message');
  });

  it('lenient: bare line ends are content, stored as sent, and a dot after them is not unstuffed', () => {
    expect(modelData('a\n.b\r\n..c\r\n.\r\n', 'lenient')).toEqual({
      kind: 'message',
      body: 'a\n.b\r\n.c\r\n',
      rest: '',
    });
  });
});

describe('helpers', () => {
  it('hasBareLineEnding finds lone CR and LF only', () => {
    expect(hasBareLineEnding('a\r\nb\r\n')).toBe(false);
    expect(hasBareLineEnding('a\nb')).toBe(true);
    expect(hasBareLineEnding('a\r')).toBe(true);
  });

  it('stuffAndTerminate round-trips through modelData', () => {
    for (const body of ['', 'x', '.\r\n', '..\r\n.x\r\n', 'a\r\n.\r\nb']) {
      const expected = body === '' || body.endsWith('\r\n') ? body : `${body}\r\n`;
      expect(modelData(stuffAndTerminate(body), 'strict')).toEqual({
        kind: 'message',
        body: expected,
        rest: '',
      });
    }
  });

  it('normalizeLineEndings makes every line end CRLF and ends the text with one', () => {
    expect(normalizeLineEndings('a\nb\rc\r\nd')).toBe('a\r\nb\r\nc\r\nd\r\n');
    expect(normalizeLineEndings('')).toBe('');
  });
});
