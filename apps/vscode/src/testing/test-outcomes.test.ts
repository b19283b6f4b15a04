import { describe, expect, it } from 'vitest';
import { failure, fileResult, lineRange, session } from '../run/test-support/results.js';
import { testOutcomes } from './test-outcomes.js';

describe('testOutcomes', () => {
  it('passes a file and each of its sessions', () => {
    const outcomes = testOutcomes(fileResult([session(0), session(1)]));
    expect(outcomes.file).toEqual({ status: 'passed', durationMs: 40, messages: [] });
    expect([...outcomes.sessions]).toEqual([
      ['session-1', { status: 'passed', durationMs: 12, messages: [] }],
      ['session-2', { status: 'passed', durationMs: 12, messages: [] }],
    ]);
  });

  it('fails the session with a message at the failing expectation, with expected and actual', () => {
    const mismatch = failure(6, {
      range: lineRange(6, 0, 14),
      message: 'the reply to `RCPT TO:<bob@example.test>` (line 6): code 550 does not match 250',
      expected: 'S: 250 *',
      actual: 'S: 550 5.1.1 no',
    });
    const outcomes = testOutcomes(fileResult([session(0), session(1, { failures: [mismatch] })]));
    expect(outcomes.file.status).toBe('failed');
    expect(outcomes.sessions.get('session-2')).toEqual({
      status: 'failed',
      durationMs: 12,
      messages: [
        {
          text: 'the reply to `RCPT TO:<bob@example.test>` (line 6): code 550 does not match 250',
          range: lineRange(6, 0, 14),
          expected: 'S: 250 *',
          actual: 'S: 550 5.1.1 no',
        },
      ],
    });
  });

  it('marks errors and skipped sessions as the runner does', () => {
    const unreachable = failure(0, {
      kind: 'unreachable',
      severity: 'error',
      message: 'cannot connect to 127.0.0.1:9',
    });
    const outcomes = testOutcomes(
      fileResult(
        [
          session(0, { status: 'error', failures: [unreachable] }),
          session(1, { status: 'skipped', skipReason: 'not selected' }),
        ],
        { status: 'error' },
      ),
    );
    expect(outcomes.file.status).toBe('errored');
    expect(outcomes.sessions.get('session-1')?.status).toBe('errored');
    expect(outcomes.sessions.get('session-1')?.messages[0]?.text).toBe('cannot connect to 127.0.0.1:9');
    expect(outcomes.sessions.get('session-2')?.status).toBe('skipped');
  });

  it('puts the failures of a file that could not start on the file item', () => {
    const parse = failure(3, {
      kind: 'parse',
      severity: 'error',
      message: 'unknown directive @conect (did you mean @connect?)',
    });
    const outcomes = testOutcomes(fileResult([], { status: 'error', failures: [parse] }));
    expect(outcomes.file).toEqual({
      status: 'errored',
      durationMs: 40,
      messages: [{ text: 'unknown directive @conect (did you mean @connect?)', range: parse.range }],
    });
    expect(outcomes.sessions.size).toBe(0);
  });

  it('leaves out failures --update rewrote, and calls a file whose sessions were all skipped skipped', () => {
    const rewritten = failure(4, { updated: true });
    expect(
      testOutcomes(fileResult([session(0, { failures: [rewritten], status: 'passed' })])).sessions.get(
        'session-1',
      )?.messages,
    ).toEqual([]);
    expect(testOutcomes(fileResult([session(0, { status: 'skipped' })])).file.status).toBe('skipped');
  });
});
