import { describeEnhancedCode, describeReplyCode } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enhancedCodeMarkdown, replyCodeMarkdown } from './codes.js';

describe('replyCodeMarkdown', () => {
  it('describes a concrete code with the codec title, its RFC and its class', () => {
    const text = replyCodeMarkdown('550')!;
    const info = describeReplyCode(550);
    expect(text.startsWith(`**550** ${info.title} · ${info.rfcs.join(', ')}\n\n`)).toBe(true);
    expect(text).toContain(info.description);
    expect(text).toContain('Class: permanent failure');
    expect(replyCodeMarkdown('354')).toContain('Class: positive intermediate');
  });

  it('describes a wildcard by the range it covers and the known codes in it', () => {
    const text = replyCodeMarkdown('25x')!;
    expect(text.startsWith('**25x** matches reply codes 250–259, positive completion')).toBe(true);
    expect(text).toContain('`250`');
    expect(text).not.toContain('`220`');
    expect(replyCodeMarkdown('4xx')).toContain('reply codes 400–499, transient failure');
    expect(replyCodeMarkdown('2x0')).toContain('reply codes of the shape 2x0, positive completion');
    expect(replyCodeMarkdown('xxx')).toContain('of any class');
  });

  it('refuses what is not a three-character code pattern in range', () => {
    for (const text of ['25', '2500', 'abc', '25X', '099', '600', '', ' 250'])
      expect(replyCodeMarkdown(text)).toBeUndefined();
  });

  it('answers every three-digit code from 100 to 599 without throwing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), (code) =>
        replyCodeMarkdown(String(code))?.startsWith(`**${code}**`),
      ),
    );
  });
});

describe('enhancedCodeMarkdown', () => {
  it('describes a registered code with its class and subject', () => {
    const text = enhancedCodeMarkdown('5.1.1')!;
    const info = describeEnhancedCode('5.1.1')!;
    expect(text.startsWith(`**5.1.1** ${info.title}`)).toBe(true);
    expect(text).toContain(`Class: permanent failure · subject: ${info.subject}.`);
    expect(text).not.toContain('Not a registered code');
    expect(enhancedCodeMarkdown('4.7.0')).toContain('persistent transient failure');
  });

  it('says when a code is not registered', () => {
    expect(enhancedCodeMarkdown('2.7.999')).toContain('Not a registered code');
  });

  it('refuses text that is not an enhanced code', () => {
    for (const text of ['3.1.1', '5.1', 'x.1.1', '5.1.1.1', ''])
      expect(enhancedCodeMarkdown(text)).toBeUndefined();
  });
});
