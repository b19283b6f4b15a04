import { describe, expect, it } from 'vitest';
import { describeEnhancedCode, enhancedCodes } from './enhanced-codes.js';

/** Every enhanced code /work/shared/spec/server-behaviour.md makes the server send. */
const SERVER_CODES = [
  '5.5.4',
  '5.5.1',
  '2.1.0',
  '5.1.7',
  '5.1.3',
  '5.3.4',
  '5.6.7',
  '2.1.5',
  '4.5.3',
  '2.0.0',
  '5.5.2',
  '5.5.6',
  '4.7.0',
  '4.4.2',
  '4.3.2',
  '2.5.0',
  '5.1.1',
  '5.1.4',
  '2.7.0',
  '5.7.8',
  '5.7.11',
];

describe('describeEnhancedCode', () => {
  it('knows every enhanced code the server sends', () => {
    for (const code of SERVER_CODES) expect(describeEnhancedCode(code)?.registered, code).toBe(true);
  });

  it('describes a registered code', () => {
    expect(describeEnhancedCode('5.1.1')).toEqual({
      code: '5.1.1',
      class: 'permanent',
      subject: 'Addressing',
      detail: 1,
      title: 'Bad destination mailbox address',
      description: expect.any(String),
      registered: true,
      rfc: 'RFC 3463',
    });
  });

  it('knows codes registered after RFC 3463', () => {
    expect(describeEnhancedCode('5.7.8')?.rfc).toBe('RFC 4954');
    expect(describeEnhancedCode('5.6.7')?.rfc).toBe('RFC 6531');
    expect(describeEnhancedCode('5.7.30')?.rfc).toBe('RFC 8689');
    expect(describeEnhancedCode('5.1.10')?.rfc).toBe('RFC 7505');
    expect(describeEnhancedCode('4.7.15')?.rfc).toBe('RFC 6710');
    expect(describeEnhancedCode('5.7.23')?.rfc).toBe('RFC 7372');
  });

  it('builds a description from class and subject for unregistered details', () => {
    const info = describeEnhancedCode('4.2.99');
    expect(info).toMatchObject({
      code: '4.2.99',
      class: 'transient',
      subject: 'Mailbox',
      detail: 99,
      registered: false,
    });
    expect(info?.title).toBe('Persistent transient failure: mailbox status');
    expect(info?.rfc).toBeUndefined();
    expect(describeEnhancedCode('5.9.1')?.subject).toBe('Unassigned subject');
  });

  it.each(['5.1', '3.1.1', '5.1.1.1', 'x.1.1', '5.1000.1', '', ' 5.1.1'])('refuses %j', (text) => {
    expect(describeEnhancedCode(text)).toBeUndefined();
  });

  it('lists each registered detail in all three classes', () => {
    for (const [code, info] of enhancedCodes) {
      expect(info.code).toBe(code);
      expect(info.registered).toBe(true);
      const rest = code.slice(1);
      for (const klass of ['2', '4', '5']) expect(enhancedCodes.has(`${klass}${rest}`)).toBe(true);
    }
    expect(enhancedCodes.size % 3).toBe(0);
  });
});
