import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimeoutKind } from './errors.js';
import { DEFAULT_TIMEOUTS, PhaseTimer } from './timeouts.js';

const TIMEOUTS = { ...DEFAULT_TIMEOUTS, command: 1000, finalReply: 5000, greeting: 300 };

describe('PhaseTimer', () => {
  let fired: [TimeoutKind, number][];
  let timer: PhaseTimer;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    fired = [];
    timer = new PhaseTimer(TIMEOUTS, (kind, ms) => fired.push([kind, ms]));
  });
  afterEach(() => {
    timer.stop();
    vi.useRealTimers();
  });

  it('fires once the wait has lasted its timeout', () => {
    timer.arm('command');
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([['command', 1000]]);
  });

  it('counts from the last arm: re-arming restarts the wait', () => {
    timer.arm('command');
    vi.advanceTimersByTime(800);
    timer.arm('command');
    vi.advanceTimersByTime(800);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual([['command', 1000]]);
  });

  it('switches to a shorter or longer wait', () => {
    timer.arm('final-reply');
    timer.arm('greeting');
    vi.advanceTimersByTime(300);
    expect(fired).toEqual([['greeting', 300]]);
    timer.arm('command');
    timer.arm('final-reply');
    vi.advanceTimersByTime(4999);
    expect(fired).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([
      ['greeting', 300],
      ['final-reply', 5000],
    ]);
  });

  it('does nothing once disarmed or stopped', () => {
    timer.arm('command');
    timer.disarm();
    vi.advanceTimersByTime(5000);
    timer.arm('command');
    timer.stop();
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
  });
});
