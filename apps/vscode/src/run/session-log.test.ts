import type { LogEntry } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { type Clock, localClock, logEntryLines, resultLines, runHeader, warningLine } from './session-log.js';
import { failure, fileResult, session } from './test-support/results.js';

/** A clock that shows milliseconds since a fixed start, so tests do not depend on the time zone. */
const start = 1_700_000_000_000;
const clock: Clock = (time) => `+${time - start}ms`;

function entry(kind: LogEntry['kind'], lines: string[], offset: number, sessionIndex = 0): LogEntry {
  return { time: start + offset, session: sessionIndex, kind, lines };
}

describe('session log lines', () => {
  it('prefix each entry with its time and session, aligning further lines', () => {
    expect(logEntryLines(entry('sent', ['C: EHLO client.example.test'], 5), clock)).toEqual([
      '+5ms [session 1] C: EHLO client.example.test',
    ]);
    expect(logEntryLines(entry('received', ['S: 250-mx', 'S: 250 HELP'], 12, 1), clock)).toEqual([
      '+12ms [session 2] S: 250-mx',
      '                  S: 250 HELP',
    ]);
  });

  it('write connection events as comments, so the log reads like a transcript', () => {
    expect(logEntryLines(entry('connect', ['connected to 127.0.0.1:2525'], 0), clock)).toEqual([
      '+0ms [session 1] # connected to 127.0.0.1:2525',
    ]);
    expect(logEntryLines(entry('tls', ['TLS 1.3 established'], 30), clock)[0]).toBe(
      '+30ms [session 1] # TLS 1.3 established',
    );
  });

  it('head each file run with its name', () => {
    expect(runHeader('delivery.smtp', start + 1, clock)).toBe('+1ms ── delivery.smtp');
  });

  it('show the local time of day with milliseconds by default', () => {
    const time = new Date(2026, 10, 23, 9, 5, 7, 42).getTime();
    expect(localClock(time)).toBe('09:05:07.042');
  });

  it('name warnings with their line when they have one', () => {
    expect(warningLine({ message: '@server options are ignored', line: 2 })).toBe(
      'warning (line 2): @server options are ignored',
    );
    expect(warningLine({ message: 'x' })).toBe('warning: x');
  });
});

describe('resultLines', () => {
  it('sum up a passing file', () => {
    expect(resultLines(fileResult([session(0), session(1)]))).toEqual([
      'delivery.smtp: passed (2 sessions: 2 passed) in 40 ms',
    ]);
  });

  it('list each failure with its line, expectation and reply', () => {
    const mismatch = failure(8, {
      message: 'the reply to `RCPT TO:<bob@example.test>` (line 8): code 550 does not match 250',
      expected: 'S: 250 *',
      actual: 'S: 550 5.1.1 no such user',
    });
    expect(
      resultLines(fileResult([session(0, { failures: [mismatch] }), session(1, { status: 'skipped' })])),
    ).toEqual([
      'delivery.smtp: failed (2 sessions: 1 failed, 1 skipped) in 40 ms',
      '  delivery.smtp:9: the reply to `RCPT TO:<bob@example.test>` (line 8): code 550 does not match 250',
      '    expected S: 250 *',
      '    got      S: 550 5.1.1 no such user',
    ]);
  });

  it('name the errors of a file that could not start', () => {
    const parse = failure(2, { kind: 'parse', severity: 'error', message: 'unknown directive @conect' });
    expect(resultLines(fileResult([], { status: 'error', failures: [parse] }))).toEqual([
      'delivery.smtp: error in 40 ms',
      '  delivery.smtp:3: unknown directive @conect',
    ]);
  });
});
