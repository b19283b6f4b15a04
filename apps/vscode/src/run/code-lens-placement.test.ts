import { parseTranscript } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { codeLensPlacements, type LensPlacement } from './code-lens-placement.js';

const summary = (placements: readonly LensPlacement[]) =>
  placements.map(
    (p) => `${p.line}:${p.target.kind === 'session' ? `session ${p.target.index}` : p.target.kind}`,
  );

describe('codeLensPlacements', () => {
  it('puts "Run" on the first line and "Run to here" on each reply expectation', () => {
    const file = parseTranscript(
      [
        '# a delivery',
        'S: 220 *',
        'C: EHLO x',
        'S: 250-*',
        'S: ...',
        'S: 250 *',
        'C: QUIT',
        'S: 221 *',
        '',
      ].join('\n'),
    );
    expect(summary(codeLensPlacements(file))).toEqual(['0:file', '1:to-line', '3:to-line', '7:to-line']);
  });

  it('gives "Run to here" the line of the step it stops after', () => {
    const file = parseTranscript('S: 220 *\nC: NOOP\nC: NOOP\nS: 250 *\nS: 250 *\n');
    const toLine = codeLensPlacements(file).filter((p) => p.target.kind === 'to-line');
    expect(toLine.map((p) => p.target)).toEqual([
      { kind: 'to-line', line: 0 },
      { kind: 'to-line', line: 3 },
      { kind: 'to-line', line: 4 },
    ]);
    expect(toLine[1]?.tooltip).toContain('line 4');
  });

  it('puts "Run session" at each @connect, numbered from 1', () => {
    const file = parseTranscript(
      ['@connect', 'S: 220 *', 'C: QUIT', 'S: 221 *', '@connect', 'C: NOOP', 'S: 250 *', ''].join('\n'),
    );
    const sessions = codeLensPlacements(file).filter((p) => p.target.kind === 'session');
    expect(sessions.map((p) => [p.line, p.title])).toEqual([
      [0, '$(play) Run session 1'],
      [4, '$(play) Run session 2'],
    ]);
  });

  it('gives the implicit first session its own lens only when another session follows', () => {
    const one = parseTranscript('S: 220 *\nC: QUIT\nS: 221 *\n');
    expect(codeLensPlacements(one).some((p) => p.target.kind === 'session')).toBe(false);
    const two = parseTranscript('S: 220 *\nC: QUIT\nS: 221 *\n@close\n@connect\nS: 220 *\n');
    expect(summary(codeLensPlacements(two).filter((p) => p.target.kind === 'session'))).toEqual([
      '0:session 0',
      '4:session 1',
    ]);
  });

  it('skips directives inside a session and files with nothing to run', () => {
    const file = parseTranscript('S: 220 *\n@sleep 10ms\nC: QUIT\nS: 221 *\n');
    expect(codeLensPlacements(file).map((p) => p.line)).toEqual([0, 0, 3]);
    expect(codeLensPlacements(parseTranscript('# only a comment\n'))).toEqual([]);
    expect(codeLensPlacements(parseTranscript(''))).toEqual([]);
  });

  it('returns lenses in line order', () => {
    const file = parseTranscript('@connect\nS: 220 *\nC: QUIT\nS: 221 *\n@connect\nS: 220 *\n');
    const lines = codeLensPlacements(file).map((p) => p.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});
