// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1:…}` is VS Code snippet syntax, not a template.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompletionList,
  completionsAt,
  DIRECTIVE_COMPLETIONS,
  EXTENSION_COMPLETIONS,
  enhancedCodeCompletions,
  parameterCompletions,
  REPLY_CODE_COMPLETIONS,
  VERB_COMPLETIONS,
} from './completion-items.js';
import { DIRECTIVE_DOCS } from './docs/directives.js';
import { VERB_DOCS } from './docs/verbs.js';

const labels = (list: CompletionList) => list.items.map((item) => item.label);

/** True when every `${` of a snippet is closed and no `$` is left dangling. */
function wellFormedSnippet(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') depth++;
    else if (text[i] === '}' && depth > 0) depth--;
  }
  return depth === 0;
}

describe('completion lists', () => {
  it('offer every documented verb and directive', () => {
    expect(VERB_COMPLETIONS.map((item) => item.label)).toEqual(VERB_DOCS.map((doc) => doc.verb));
    expect(DIRECTIVE_COMPLETIONS.map((item) => item.label)).toEqual(DIRECTIVE_DOCS.map((doc) => doc.name));
  });

  it('insert well-formed snippets that start with the label', () => {
    const all = [
      ...VERB_COMPLETIONS,
      ...DIRECTIVE_COMPLETIONS,
      ...parameterCompletions('MAIL'),
      ...parameterCompletions('RCPT'),
    ];
    for (const item of all) {
      expect(item.insertText.startsWith(item.label)).toBe(true);
      expect(wellFormedSnippet(item.insertText)).toBe(true);
      expect(item.documentation.length).toBeGreaterThan(0);
    }
  });

  it('complete MAIL with a path placeholder and BODY with its values', () => {
    expect(VERB_COMPLETIONS.find((item) => item.label === 'MAIL')?.insertText).toBe(
      'MAIL FROM:<${1:alice@example.test}>',
    );
    expect(parameterCompletions('MAIL').find((item) => item.label === 'BODY')?.insertText).toBe(
      'BODY=${1|7BIT,8BITMIME,BINARYMIME|}',
    );
    expect(parameterCompletions('MAIL').find((item) => item.label === 'SMTPUTF8')?.insertText).toBe(
      'SMTPUTF8',
    );
  });
});

describe('completionsAt', () => {
  it('offers verbs right after C: or C!, replacing the partial word', () => {
    expect(completionsAt('C: ')).toEqual({ items: VERB_COMPLETIONS, replaceFrom: 3 });
    expect(completionsAt('C: ma')).toEqual({ items: VERB_COMPLETIONS, replaceFrom: 3 });
    expect(completionsAt('C! STARTT')).toEqual({ items: VERB_COMPLETIONS, replaceFrom: 3 });
  });

  it('offers directives right after @', () => {
    expect(completionsAt('@')).toEqual({ items: DIRECTIVE_COMPLETIONS, replaceFrom: 1 });
    expect(completionsAt('@con')).toEqual({ items: DIRECTIVE_COMPLETIONS, replaceFrom: 1 });
    expect(labels(completionsAt('@connect '))).toEqual([]);
  });

  it('offers the parameters of the command once its path is closed', () => {
    expect(labels(completionsAt('C: MAIL FROM:<a@example.test> '))).toEqual(
      labels({ items: parameterCompletions('MAIL'), replaceFrom: 0 }),
    );
    const rcpt = completionsAt('C: rcpt to:<b@example.test> NOTIFY=NEVER OR');
    expect(labels(rcpt)).toEqual(['NOTIFY', 'ORCPT', 'RRVS']);
    expect(rcpt.replaceFrom).toBe('C: rcpt to:<b@example.test> NOTIFY=NEVER '.length);
    expect(labels(completionsAt('C: MAIL FROM:<a@exam'))).toEqual([]);
    expect(labels(completionsAt('C: MAIL FROM:'))).toEqual([]);
  });

  it('offers the values of a parameter after KEY= and after each comma of NOTIFY', () => {
    expect(labels(completionsAt('C: MAIL FROM:<a@example.test> BODY='))).toEqual([
      '7BIT',
      '8BITMIME',
      'BINARYMIME',
    ]);
    const notify = completionsAt('C: RCPT TO:<b@example.test> NOTIFY=SUCCESS,FA');
    expect(labels(notify)).toEqual(['NEVER', 'SUCCESS', 'FAILURE', 'DELAY']);
    expect(notify.replaceFrom).toBe('C: RCPT TO:<b@example.test> NOTIFY=SUCCESS,'.length);
    expect(labels(completionsAt('C: MAIL FROM:<a@example.test> SIZE='))).toEqual([]);
  });

  it('offers the {{…}} forms, closing them only when the editor has not', () => {
    const open = completionsAt('C: AUTH PLAIN {{ba');
    expect(labels(open)).toEqual(['env:', 'base64:']);
    expect(open.replaceFrom).toBe('C: AUTH PLAIN {{'.length);
    expect(open.items[1]?.insertText).toBe('base64:${1:text}}}');
    expect(completionsAt('S: 250 {{', '}} ok').items[0]?.insertText).toBe('env:${1:NAME}');
  });

  it('offers reply codes after S:, EHLO keywords after 250- and enhanced codes of the reply class', () => {
    expect(completionsAt('S: ')).toEqual({ items: REPLY_CODE_COMPLETIONS, replaceFrom: 3 });
    expect(completionsAt('S: 25').replaceFrom).toBe(3);
    expect(labels(completionsAt('S: '))).toEqual(expect.arrayContaining(['220', '250', '354', '550']));
    const keyword = completionsAt('S: 250-PIPE');
    expect(keyword.items).toBe(EXTENSION_COMPLETIONS);
    expect(keyword.replaceFrom).toBe('S: 250-'.length);
    expect(labels(keyword)).toEqual(expect.arrayContaining(['PIPELINING', 'STARTTLS', 'SIZE']));
    const enhanced = completionsAt('S: 550 5.1');
    expect(enhanced.replaceFrom).toBe('S: 550 '.length);
    expect(labels(enhanced)).toContain('5.1.1');
    expect(labels(enhanced).every((label) => label.startsWith('5.'))).toBe(true);
    expect(labels(completionsAt('S: 4xx ')).every((label) => label.startsWith('4.'))).toBe(true);
    expect(enhancedCodeCompletions('2').every((item) => item.label.startsWith('2.'))).toBe(true);
  });

  it('offers nothing in message text, after the text of a reply or in comments', () => {
    expect(labels(completionsAt('C: ', '', { messageText: true }))).toEqual([]);
    expect(labels(completionsAt('S: 250 2.1.0 '))).toEqual([]);
    expect(labels(completionsAt('S: 354 *'))).toEqual([]);
    expect(labels(completionsAt('# C: '))).toEqual([]);
    expect(labels(completionsAt('C: EHLO '))).toEqual([]);
  });

  it('never replaces from beyond the cursor, whatever the line', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const { replaceFrom } = completionsAt(before, after);
        return replaceFrom >= 0 && replaceFrom <= before.length;
      }),
    );
  });
});
