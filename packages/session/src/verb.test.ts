import { describe, expect, it } from 'vitest';
import { octets } from './test-support/driver.js';
import { describeCommandLine, readVerb } from './verb.js';

describe('readVerb', () => {
  it('reads the first word in upper case, as the parser splits it', () => {
    expect(readVerb(octets('mail FROM:<a@b>'))).toBe('MAIL');
    expect(readVerb(octets('QUIT'))).toBe('QUIT');
    expect(readVerb(octets('QUIT\t\t'))).toBe('QUIT');
    expect(readVerb(octets('X-Exps arg'))).toBe('X-EXPS');
    expect(readVerb(octets(''))).toBe('');
    expect(readVerb(octets(' NOOP'))).toBe('');
    expect(readVerb(octets('NOOP\tx'))).toBe('NOOP\tX');
    expect(readVerb(octets('A'.repeat(40)))).toBe('');
  });
});

describe('describeCommandLine', () => {
  it('keeps only the mechanism of an AUTH line, and cuts long lines', () => {
    expect(describeCommandLine(octets('AUTH PLAIN c2VjcmV0'))).toBe('AUTH PLAIN');
    expect(describeCommandLine(octets('auth login dXNlcg=='))).toBe('auth login');
    expect(describeCommandLine(octets('MAIL FROM:<a@b>'))).toBe('MAIL FROM:<a@b>');
    expect(describeCommandLine(octets(`NOOP ${'x'.repeat(1000)}`))).toHaveLength(512);
  });
});
