import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from './idle-timer.js';

describe('IdleTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = (ms: number) => {
    const onExpire = vi.fn();
    const timer = new IdleTimer(ms, onExpire, () => Date.now());
    return { timer, onExpire };
  };

  it('fires once after the allowed silence', () => {
    const { timer, onExpire } = make(1000);
    timer.count();
    vi.advanceTimersByTime(999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(timer.state).toBe('expired');
    vi.advanceTimersByTime(5000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('counts from the last byte received', () => {
    const { timer, onExpire } = make(1000);
    timer.count();
    vi.advanceTimersByTime(800);
    timer.touch();
    vi.advanceTimersByTime(800);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('does not count while suspended and restarts the full period afterwards', () => {
    const { timer, onExpire } = make(1000);
    timer.count();
    vi.advanceTimersByTime(900);
    timer.suspend();
    vi.advanceTimersByTime(10_000);
    expect(onExpire).not.toHaveBeenCalled();
    timer.count();
    vi.advanceTimersByTime(999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('never fires when disabled with 0 or stopped', () => {
    const disabled = make(0);
    disabled.timer.count();
    const stopped = make(1000);
    stopped.timer.count();
    stopped.timer.stop();
    vi.advanceTimersByTime(60_000);
    expect(disabled.onExpire).not.toHaveBeenCalled();
    expect(stopped.onExpire).not.toHaveBeenCalled();
  });

  it('switches to another period and counts it from now', () => {
    const { timer, onExpire } = make(1000);
    timer.count();
    vi.advanceTimersByTime(500);
    timer.setTimeout(3000);
    vi.advanceTimersByTime(2999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
