import { describe, expect, it } from 'vitest';
import { describeDirective } from './directives.js';
import { directiveMarkdown, parameterMarkdown, verbMarkdown } from './markdown.js';
import { describeParameter } from './parameters.js';
import { describeVerb, type VerbDoc } from './verbs.js';

describe('verbMarkdown', () => {
  it('shows the verb, its reference, its syntax as code and its prose', () => {
    const doc = describeVerb('MAIL')!;
    const text = verbMarkdown(doc);
    expect(text.startsWith('**MAIL** · RFC 5321 §4.1.1.2\n\n')).toBe(true);
    expect(text).toContain('`MAIL FROM:<reverse-path> [SP mail-parameters]`');
    expect(text).toContain(doc.summary);
    expect(text).toContain(doc.details);
    expect(text).not.toContain('advertises');
  });

  it('says which extension a verb needs and when it is obsolete', () => {
    expect(verbMarkdown(describeVerb('BDAT')!)).toContain('advertises `CHUNKING`');
    expect(verbMarkdown(describeVerb('SOML')!)).toContain('Obsolete');
  });

  it('keeps a syntax holding a backtick inside one code span', () => {
    const doc: VerbDoc = { ...describeVerb('NOOP')!, syntax: 'NOOP `x`' };
    expect(verbMarkdown(doc)).toContain('`` NOOP `x` ``');
  });
});

describe('directiveMarkdown and parameterMarkdown', () => {
  it('shows a directive with its @', () => {
    const text = directiveMarkdown(describeDirective('timeout')!);
    expect(text.startsWith('**@timeout**\n\n`@timeout DURATION`')).toBe(true);
  });

  it('shows a parameter with its command and extension', () => {
    const text = parameterMarkdown(describeParameter('NOTIFY')!);
    expect(text.startsWith('**NOTIFY** (RCPT parameter) · RFC 3461')).toBe(true);
    expect(text).toContain('advertises `DSN`');
  });
});
