import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest.js';

describe('closestMatch', () => {
  it('suggests near misses, including a swapped pair and case', () => {
    const names = ['connect', 'closed', 'close', 'timeout', 'tls'];
    expect(closestMatch('conect', names)).toBe('connect');
    expect(closestMatch('timeuot', names)).toBe('timeout');
    expect(closestMatch('Connect', names)).toBe('connect');
    expect(closestMatch('frobnicate', names)).toBeUndefined();
    expect(closestMatch('x', names)).toBeUndefined();
  });

  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
