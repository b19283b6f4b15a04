import { parseTranscript, plainRange } from '@smtp/transcript';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionIndexOf, sessionNodes, sessionTestId } from './test-tree.js';

describe('sessionNodes', () => {
  it('makes one child per session, labelled by the comment above it', () => {
    const file = parseTranscript(
      [
        '# STARTTLS, then AUTH PLAIN', // 0
        '@server auth=alice:secret', // 1
        '@set user alice', // 2
        'S: 220 *', // 3
        'C: QUIT', // 4
        'S: 221 *', // 5
        '@close', // 6
        '# the second connection', // 7
        '@connect 127.0.0.1:2525', // 8
        'S: 220 *', // 9
        '@connect [::1]:25', // 10
        'S: 220 *', // 11
        '',
      ].join('\n'),
    );
    const nodes = sessionNodes(file);
    expect(nodes.map((n) => [n.id, n.index, n.label, n.description])).toEqual([
      ['session-1', 0, 'STARTTLS, then AUTH PLAIN', 'default server'],
      ['session-2', 1, 'the second connection', '127.0.0.1:2525'],
      ['session-3', 2, 'Session 3', '[::1]:25'],
    ]);
    expect(plainRange(nodes[1]!.range).start).toEqual({ line: 8, character: 0 });
  });

  it('does not take a comment separated by a step or a blank line', () => {
    const file = parseTranscript('# first\nS: 220 *\nC: QUIT\n@close\n@connect\nS: 220 *\n');
    expect(sessionNodes(file).map((n) => n.label)).toEqual(['first', 'Session 2']);
    const blank = parseTranscript('# about the file\n\nS: 220 *\n');
    expect(sessionNodes(blank)[0]?.label).toBe('Session 1');
  });

  it('shortens long comments', () => {
    const file = parseTranscript(`# ${'x'.repeat(200)}\nS: 220 *\n`);
    const label = sessionNodes(file)[0]!.label;
    expect(label).toHaveLength(80);
    expect(label.endsWith('…')).toBe(true);
  });

  it('has no children for a file without sessions', () => {
    expect(sessionNodes(parseTranscript('# nothing yet\n'))).toEqual([]);
  });
});

describe('session test ids', () => {
  it('round-trip every index and refuse other ids', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), (index) => sessionIndexOf(sessionTestId(index)) === index),
    );
    for (const id of ['session-0', 'session-', 'session-01', 'file', 'session-1x'])
      expect(sessionIndexOf(id)).toBeUndefined();
  });
});
