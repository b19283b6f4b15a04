import { parseTranscript } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { ParseCache, type TranscriptParser, type VersionedDocument } from './parse-cache.js';

function countingParser(): { parse: TranscriptParser; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    parse: (text, uri) => {
      calls.push(text);
      return parseTranscript(text, { uri });
    },
  };
}

function document(key: string, version: number, text: string): VersionedDocument {
  return { key, version, getText: () => text };
}

describe('ParseCache', () => {
  it('parses each version of a document once, however many features ask', () => {
    const { parse, calls } = countingParser();
    const cache = new ParseCache(parse);
    const v1 = document('file:///a.smtp', 1, 'S: 220 *\n');
    const first = cache.get(v1);
    expect(cache.get(v1)).toBe(first);
    expect(cache.get(v1)).toBe(first);
    expect(calls).toHaveLength(1);
  });

  it('parses again when the version changes, and returns the new tree', () => {
    const { parse, calls } = countingParser();
    const cache = new ParseCache(parse);
    cache.get(document('file:///a.smtp', 1, 'S: 220 *\n'));
    const second = cache.get(document('file:///a.smtp', 2, 'S: 220 *\nC: QUIT\n'));
    expect(calls).toHaveLength(2);
    expect(second.lines[1]?.kind).toBe('send');
  });

  it('does not read the text of a version it already has', () => {
    const cache = new ParseCache();
    cache.get(document('file:///a.smtp', 3, 'S: 220 *\n'));
    const unreadable: VersionedDocument = {
      key: 'file:///a.smtp',
      version: 3,
      getText: () => {
        throw new Error('the text was read again');
      },
    };
    expect(() => cache.get(unreadable)).not.toThrow();
  });

  it('keeps documents apart and forgets the ones that close', () => {
    const { parse, calls } = countingParser();
    const cache = new ParseCache(parse);
    const a = cache.get(document('file:///a.smtp', 1, 'C: NOOP\n'));
    const b = cache.get(document('file:///b.smtp', 1, 'C: RSET\n'));
    expect(a).not.toBe(b);
    expect(cache.size).toBe(2);
    cache.forget('file:///a.smtp');
    expect(cache.size).toBe(1);
    cache.get(document('file:///a.smtp', 1, 'C: NOOP\n'));
    expect(calls).toHaveLength(3);
  });

  it('passes the key to the parser as the URI', () => {
    const cache = new ParseCache();
    expect(cache.get(document('file:///x.smtp', 1, '')).uri).toBe('file:///x.smtp');
  });
});
