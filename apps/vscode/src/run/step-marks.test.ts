import type { Failure, LogEntry, Range, RunEvent } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { applyRunEvent, markHover, markLabel, NO_MARKS, type StepMarks } from './step-marks.js';
import { failure, lineRange } from './test-support/results.js';

const FILE = 'delivery.smtp';
const time = 1_700_000_000_000;

function stepEvent(
  type: 'step-start' | 'step-pass',
  kind: 'send' | 'expect' | 'directive',
  range: Range,
): RunEvent {
  return { type, time, file: FILE, session: 0, step: { index: 0, kind, range, line: range.start.line + 1 } };
}

function failEvent(range: Range, cause: Failure): RunEvent {
  return {
    type: 'step-fail',
    time,
    file: FILE,
    session: 0,
    step: { index: 0, kind: 'expect', range, line: range.start.line + 1 },
    failure: cause,
  };
}

function received(range: Range | undefined, lines: string[]): RunEvent {
  const entry: LogEntry = { time, session: 0, kind: 'received', lines, ...(range ? { range } : {}) };
  return { type: 'received', time, file: FILE, entry };
}

const play = (events: readonly RunEvent[], from: StepMarks = NO_MARKS) => events.reduce(applyRunEvent, from);

describe('applyRunEvent', () => {
  it('marks a step running, then passed with the reply that came', () => {
    const greeting = lineRange(1, 0, 8);
    const running = play([stepEvent('step-start', 'expect', greeting)]);
    expect(running.get(1)).toEqual({ line: 1, kind: 'expect', status: 'running' });
    const passed = play(
      [received(greeting, ['S: 220 mx.example.test ESMTP']), stepEvent('step-pass', 'expect', greeting)],
      running,
    );
    expect(passed.get(1)).toEqual({
      line: 1,
      kind: 'expect',
      status: 'passed',
      reply: ['S: 220 mx.example.test ESMTP'],
    });
    // Earlier states are not changed in place: the editor may still be drawing them.
    expect(running.get(1)?.status).toBe('running');
  });

  it('marks a failed step with the reply and the reason', () => {
    const rcpt = lineRange(9, 0, 14);
    const marks = play([
      stepEvent('step-start', 'expect', rcpt),
      received(rcpt, ['S: 550 5.1.1 no such user']),
      failEvent(rcpt, failure(9, { message: 'code 550 does not match 250' })),
    ]);
    expect(marks.get(9)).toEqual({
      line: 9,
      kind: 'expect',
      status: 'failed',
      reply: ['S: 550 5.1.1 no such user'],
      failure: 'code 550 does not match 250',
    });
  });

  it('marks send groups but not directives, and starts afresh with a new file run', () => {
    const marks = play([
      stepEvent('step-start', 'send', lineRange(2)),
      stepEvent('step-pass', 'send', lineRange(2)),
      stepEvent('step-start', 'directive', lineRange(3)),
      stepEvent('step-pass', 'directive', lineRange(3)),
      received(undefined, ['S: 421 bye']),
    ]);
    expect([...marks.keys()]).toEqual([2]);
    expect(marks.get(2)?.status).toBe('passed');
    expect(play([{ type: 'file-start', time, file: FILE }], marks).size).toBe(0);
  });
});

describe('markLabel', () => {
  it('shows the reply, the first line of a long one, a failure or the wait', () => {
    expect(markLabel({ line: 1, kind: 'expect', status: 'passed', reply: ['S: 250 2.1.0 Ok'] })).toBe(
      '✓ 250 2.1.0 Ok',
    );
    expect(
      markLabel({
        line: 3,
        kind: 'expect',
        status: 'passed',
        reply: ['S: 250-mx', 'S: 250-PIPELINING', 'S: 250 HELP'],
      }),
    ).toBe('✓ 250-mx  (+2 more lines)');
    expect(
      markLabel({ line: 4, kind: 'expect', status: 'failed', failure: 'no reply within 10 s (timeout)' }),
    ).toBe('✗ no reply within 10 s (timeout)');
    expect(markLabel({ line: 4, kind: 'expect', status: 'running' })).toBe('… waiting for the reply');
    expect(markLabel({ line: 2, kind: 'send', status: 'passed' })).toBe('✓ sent');
  });

  it('shortens very long labels', () => {
    const label = markLabel({
      line: 1,
      kind: 'expect',
      status: 'passed',
      reply: [`S: 250 ${'x'.repeat(300)}`],
    });
    expect(label).toHaveLength(100);
    expect(label.endsWith('…')).toBe(true);
  });
});

describe('markHover', () => {
  it('shows the whole reply and the reason', () => {
    const hover = markHover({
      line: 3,
      kind: 'expect',
      status: 'failed',
      reply: ['S: 250-mx', 'S: 250 HELP'],
      failure: 'line 2: text `HELP` does not match glob `SIZE *` at column 1',
    });
    expect(hover).toBe(
      'Reply:\n\n```\nS: 250-mx\nS: 250 HELP\n```\n\nline 2: text `HELP` does not match glob `SIZE *` at column 1',
    );
    expect(markHover({ line: 2, kind: 'send', status: 'passed' })).toBeUndefined();
  });
});
