import { KNOWN_VERBS } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeVerb, PRIVATE_VERB_DOC, VERB_DOCS } from './verbs.js';

/** Any mix of upper and lower case of `word`. */
const anyCaseOf = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

describe('VERB_DOCS', () => {
  it('documents every verb the codec parses, each exactly once', () => {
    const verbs = VERB_DOCS.map((doc) => doc.verb);
    for (const verb of KNOWN_VERBS) expect(verbs).toContain(verb);
    expect(new Set(verbs).size).toBe(verbs.length);
  });

  it('gives every verb a syntax that starts with it, and non-empty prose', () => {
    for (const doc of VERB_DOCS) {
      expect(doc.syntax.startsWith(doc.verb)).toBe(true);
      expect(doc.summary).toMatch(/^[A-Z"].*\.$/);
      expect(doc.details.length).toBeGreaterThan(20);
      expect(doc.reference).toMatch(/^RFC \d+/);
    }
  });

  it('names the EHLO keyword of verbs that need one, and only of extension verbs', () => {
    for (const doc of VERB_DOCS) if (doc.extension) expect(doc.status).toBe('extension');
    expect(describeVerb('BDAT')?.extension).toBe('CHUNKING');
    expect(describeVerb('STARTTLS')?.extension).toBe('STARTTLS');
    expect(describeVerb('TURN')?.status).toBe('obsolete');
  });
});

describe('describeVerb', () => {
  it('finds every verb whatever its case', () => {
    for (const doc of VERB_DOCS) {
      fc.assert(fc.property(anyCaseOf(doc.verb), (written) => describeVerb(written) === doc));
    }
  });

  it('gives X verbs the private-extension documentation', () => {
    expect(describeVerb('XCLIENT')).toBe(PRIVATE_VERB_DOC);
    expect(describeVerb('x-exps')).toBe(PRIVATE_VERB_DOC);
  });

  it('knows nothing of words that are not verbs', () => {
    expect(describeVerb('HELLO')).toBeUndefined();
    expect(describeVerb('')).toBeUndefined();
    expect(describeVerb('MAIL FROM')).toBeUndefined();
  });

  it('answers any string with a matching doc or nothing, never throwing', () => {
    fc.assert(
      fc.property(fc.string(), (word) => {
        const doc = describeVerb(word);
        return doc === undefined || doc === PRIVATE_VERB_DOC || doc.verb === word.toUpperCase();
      }),
    );
  });
});
