import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeParameter, PARAMETER_DOCS, parametersOf } from './parameters.js';

describe('PARAMETER_DOCS', () => {
  it('covers the parameters of the brief', () => {
    const keywords = PARAMETER_DOCS.map((doc) => doc.keyword);
    for (const keyword of [
      'SIZE',
      'BODY',
      'SMTPUTF8',
      'RET',
      'ENVID',
      'NOTIFY',
      'ORCPT',
      'REQUIRETLS',
      'AUTH',
    ]) {
      expect(keywords).toContain(keyword);
    }
  });

  it('splits into MAIL and RCPT parameters with no keyword twice per verb', () => {
    const mail = parametersOf('MAIL').map((doc) => doc.keyword);
    const rcpt = parametersOf('RCPT').map((doc) => doc.keyword);
    expect(mail.length + rcpt.length).toBe(PARAMETER_DOCS.length);
    expect(new Set(mail).size).toBe(mail.length);
    expect(new Set(rcpt).size).toBe(rcpt.length);
    expect(rcpt.sort()).toEqual(['NOTIFY', 'ORCPT', 'RRVS']);
  });

  it('writes the syntax as KEY=… exactly when the parameter takes a value', () => {
    for (const doc of PARAMETER_DOCS) {
      expect(doc.syntax.startsWith(`${doc.keyword}=`)).toBe(doc.takesValue);
      if (!doc.takesValue) expect(doc.syntax).toBe(doc.keyword);
      if (doc.values) expect(doc.takesValue).toBe(true);
      expect(doc.extension).toMatch(/^[A-Z0-9-]+$/);
    }
  });

  it('lists the literal values of BODY, RET and NOTIFY', () => {
    expect(describeParameter('BODY')?.values).toEqual(['7BIT', '8BITMIME', 'BINARYMIME']);
    expect(describeParameter('ret')?.values).toEqual(['FULL', 'HDRS']);
    expect(describeParameter('Notify', 'RCPT')?.values).toEqual(['NEVER', 'SUCCESS', 'FAILURE', 'DELAY']);
  });
});

describe('describeParameter', () => {
  it('respects the verb when one is given', () => {
    expect(describeParameter('SIZE', 'MAIL')?.keyword).toBe('SIZE');
    expect(describeParameter('SIZE', 'RCPT')).toBeUndefined();
    expect(describeParameter('NOTIFY', 'MAIL')).toBeUndefined();
  });

  it('answers any string with the matching doc or nothing', () => {
    fc.assert(
      fc.property(fc.string(), (keyword) => {
        const doc = describeParameter(keyword);
        return doc === undefined || doc.keyword === keyword.toUpperCase();
      }),
    );
  });
});
