import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, shardItems } from './shard.js';

describe('shards', () => {
  it('puts every item in exactly one shard, in order, shards differing in size by at most one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        (items, count) => {
          const slices = Array.from({ length: count }, (_, i) => shardItems(items, { index: i + 1, count }));
          expect(slices.flat()).toEqual(items);
          const sizes = slices.map((s) => s.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('gives the same slice for the same list every time', () => {
    const items = ['a.smtp', 'b.smtp', 'c.smtp', 'd.smtp', 'e.smtp'];
    expect([1, 2, 3].map((index) => shardItems(items, { index, count: 3 }))).toEqual([
      ['a.smtp'],
      ['b.smtp', 'c.smtp'],
      ['d.smtp', 'e.smtp'],
    ]);
    expect(shardItems(items, { index: 1, count: 2 })).toEqual(['a.smtp', 'b.smtp']);
    expect(shardItems(items, { index: 2, count: 2 })).toEqual(['c.smtp', 'd.smtp', 'e.smtp']);
    expect(shardItems(items, { index: 4, count: 8 })).toEqual(['b.smtp']);
    expect(shardItems(items, { index: 1, count: 8 })).toEqual([]);
  });

  it('reads i/n and refuses anything else in one line', () => {
    expect(parseShard('2/3')).toEqual({ ok: true, shard: { index: 2, count: 3 } });
    expect(parseShard('1/1')).toEqual({ ok: true, shard: { index: 1, count: 1 } });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/2/3', ' 1/2']) {
      const parsed = parseShard(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(/^--shard /);
    }
  });
});
