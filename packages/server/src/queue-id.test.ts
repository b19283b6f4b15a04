import { describe, expect, it } from 'vitest';
import { createQueueIdGenerator } from './queue-id.js';

describe('createQueueIdGenerator', () => {
  it('makes short ids from a fixed alphabet', () => {
    const next = createQueueIdGenerator();
    for (let i = 0; i < 100; i++) expect(next()).toMatch(/^[0-9B-DF-HJ-NP-TV-Z]{10,16}$/);
  });

  it('makes different ids within one millisecond', () => {
    const next = createQueueIdGenerator(() => 1_700_000_000_000);
    const ids = new Set(Array.from({ length: 5000 }, () => next()));
    expect(ids.size).toBe(5000);
  });

  it('starts with the time so ids sort by arrival', () => {
    let clock = 1_700_000_000_000;
    const next = createQueueIdGenerator(() => clock);
    const first = next();
    clock += 1000;
    const second = next();
    expect(first.slice(0, -6) < second.slice(0, -6)).toBe(true);
  });
});
