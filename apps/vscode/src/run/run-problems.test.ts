import { describe, expect, it } from 'vitest';
import { MISMATCH_CODE, problemMessage, runProblems } from './run-problems.js';
import { failure, fileResult, lineRange, session } from './test-support/results.js';

describe('runProblems', () => {
  it('gives nothing for a passing run', () => {
    expect(runProblems(fileResult([session(0), session(1)]))).toEqual([]);
  });

  it('puts a failing expectation at its range, saying what was expected and what came', () => {
    const mismatch = failure(7, {
      range: lineRange(7, 0, 14),
      message: 'the reply to `RCPT TO:<bob@example.test>` (line 7): code 550 does not match 250',
      expected: 'S: 250 2.1.5 *',
      actual: 'S: 550 5.1.1 <bob@example.test>: no such user',
      explanation: 'code 550 does not match 250',
      reply: { code: 550, enhanced: '5.1.1', lines: ['5.1.1 <bob@example.test>: no such user'] },
    });
    const [problem, ...rest] = runProblems(fileResult([session(0, { failures: [mismatch] })]));
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      range: lineRange(7, 0, 14),
      severity: 'error',
      code: MISMATCH_CODE,
      source: 'smtp-transcript run',
      message: [
        'the reply to `RCPT TO:<bob@example.test>` (line 7): code 550 does not match 250',
        'expected: S: 250 2.1.5 *',
        'got: S: 550 5.1.1 <bob@example.test>: no such user',
      ].join('\n'),
    });
  });

  it('shows multi-line replies as indented blocks', () => {
    const message = problemMessage(
      failure(3, {
        message:
          'the reply to `EHLO x` (line 3): line 2: text `PIPELINING` does not match glob `SIZE *` at column 1',
        expected: 'S: 250-*\nS: 250 SIZE *',
        actual: 'S: 250-mx.example.test\nS: 250-PIPELINING\nS: 250 HELP',
      }),
    );
    expect(message.split('\n')).toEqual([
      'the reply to `EHLO x` (line 3): line 2: text `PIPELINING` does not match glob `SIZE *` at column 1',
      'expected:',
      '  S: 250-*',
      '  S: 250 SIZE *',
      'got:',
      '  S: 250-mx.example.test',
      '  S: 250-PIPELINING',
      '  S: 250 HELP',
    ]);
  });

  it('reports failures that are not replies with their own message and kind', () => {
    const timeout = failure(4, { kind: 'timeout', severity: 'error', message: 'no reply within 10 s' });
    const unreachable = failure(0, {
      kind: 'unreachable',
      severity: 'error',
      message: 'cannot connect to 127.0.0.1:2526: connection refused',
    });
    const problems = runProblems(
      fileResult([session(0, { failures: [timeout], status: 'error' })], { failures: [unreachable] }),
    );
    expect(problems.map((p) => [p.range.start.line, p.code, p.message])).toEqual([
      [0, 'unreachable', 'cannot connect to 127.0.0.1:2526: connection refused'],
      [4, 'timeout', 'no reply within 10 s'],
    ]);
  });

  it('leaves out parse errors (shown as you type) and failures --update rewrote', () => {
    const parse = failure(2, { kind: 'parse', severity: 'error', message: 'unknown directive @conect' });
    const updated = failure(5, { updated: true });
    const open = failure(9);
    const problems = runProblems(
      fileResult([session(0, { failures: [updated, open] })], { failures: [parse] }),
    );
    expect(problems.map((p) => p.range.start.line)).toEqual([9]);
  });

  it('marks where a cancelled run stopped as information, not an error', () => {
    const cancelled = failure(6, { kind: 'cancelled', severity: 'error', message: 'the run was cancelled' });
    expect(runProblems(fileResult([session(0, { failures: [cancelled] })]))[0]?.severity).toBe('info');
  });

  it('orders problems by position across sessions', () => {
    const problems = runProblems(
      fileResult([
        session(0, { failures: [failure(12)] }),
        session(1, { failures: [failure(3), failure(8)] }),
      ]),
    );
    expect(problems.map((p) => p.range.start.line)).toEqual([3, 8, 12]);
  });
});
