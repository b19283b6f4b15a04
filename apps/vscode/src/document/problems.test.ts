import { parseTranscript, plainRange } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { syntaxProblems } from './problems.js';

describe('syntaxProblems', () => {
  it('gives nothing for a clean transcript', () => {
    expect(syntaxProblems(parseTranscript('S: 220 *\nC: QUIT\nS: 221 *\n'))).toEqual([]);
  });

  it('puts each parser error at its own range with its message', () => {
    const text = ['S: 220 *', 'EHLO client.example.test', 'S: 2y0 *', '@conect 127.0.0.1:25', ''].join('\n');
    const problems = syntaxProblems(parseTranscript(text));
    const at = (line: number, code: string) =>
      problems.find((p) => p.range.start.line === line && p.code === code);

    const missingPrefix = at(1, 'unknown-line');
    expect(missingPrefix).toMatchObject({
      severity: 'error',
      code: 'unknown-line',
      source: 'smtp-transcript',
    });
    expect(missingPrefix?.message).toMatch(/C:/);

    const badCode = at(2, 'bad-reply-code');
    expect(badCode?.severity).toBe('error');
    // The squiggle covers the code, not the whole line.
    expect(plainRange(badCode!.range)).toEqual({
      start: { line: 2, character: 3 },
      end: { line: 2, character: 6 },
    });

    const directive = at(3, 'unknown-directive');
    expect(directive?.severity).toBe('error');
    expect(directive?.message).toContain('@connect');
  });

  it('keeps warnings and infos with their severity', () => {
    const problems = syntaxProblems(
      parseTranscript('S: 220 *\nC: NOOP\nC: NOOP\nS: 250 *\nS: 250 *\nS: 250 *\n'),
    );
    expect(problems.map((p) => p.severity)).toContain('info');
    const trailing = syntaxProblems(parseTranscript('S: 220 x \n'));
    expect(trailing[0]).toMatchObject({ severity: 'warning', code: 'trailing-space' });
  });

  it('maps every diagnostic one to one, in order', () => {
    const text = 'c: EHLO x\nS: 9xx\n@timeout 5\nC:\\q\n';
    const file = parseTranscript(text);
    const problems = syntaxProblems(file);
    expect(problems).toHaveLength(file.diagnostics.length);
    problems.forEach((problem, index) => {
      const diagnostic = file.diagnostics[index]!;
      expect(problem.range).toBe(diagnostic.range);
      expect(problem.message).toBe(diagnostic.message);
      expect(problem.code).toBe(diagnostic.code);
    });
  });
});
