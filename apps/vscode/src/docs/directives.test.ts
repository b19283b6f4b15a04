import { describe, expect, it } from 'vitest';
import { DIRECTIVE_DOCS, describeDirective } from './directives.js';

describe('DIRECTIVE_DOCS', () => {
  it('documents every directive of the format once', () => {
    const names = DIRECTIVE_DOCS.map((doc) => doc.name).sort();
    expect(names).toEqual(['close', 'closed', 'connect', 'server', 'set', 'sleep', 'timeout', 'tls']);
  });

  it('writes each syntax with its @name first', () => {
    for (const doc of DIRECTIVE_DOCS) {
      expect(doc.syntax === `@${doc.name}` || doc.syntax.startsWith(`@${doc.name} `)).toBe(true);
      expect(doc.summary.length).toBeGreaterThan(10);
      expect(doc.details.length).toBeGreaterThan(10);
    }
  });
});

describe('describeDirective', () => {
  it('finds a directive with or without its @', () => {
    expect(describeDirective('connect')?.name).toBe('connect');
    expect(describeDirective('@closed')?.name).toBe('closed');
  });

  it('knows nothing of other names', () => {
    expect(describeDirective('@expect')).toBeUndefined();
    expect(describeDirective('')).toBeUndefined();
    expect(describeDirective('@')).toBeUndefined();
    expect(describeDirective('CONNECT')).toBeUndefined();
  });
});
