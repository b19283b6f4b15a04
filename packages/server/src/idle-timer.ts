/** Whether an {@link IdleTimer} is counting the peer's silence. */
export type IdleTimerState = 'counting' | 'suspended' | 'expired' | 'stopped';

/**
 * Fires once when the peer has sent nothing for `timeoutMs` while the timer was counting.
 *
 * `touch()` runs for every chunk received, so it only records the time; the one underlying timer
 * is re-armed lazily when it fires early. Counting is suspended while the server itself is busy
 * (waiting on a hook, the store or a deliberate reply delay): the peer is not idle then, we are.
 */
export class IdleTimer {
  #state: IdleTimerState = 'suspended';
  #timeoutMs: number;
  #lastActivity = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onExpire: () => void;
  readonly #now: () => number;

  /** @param timeoutMs silence allowed, in milliseconds; 0 disables the timer. */
  constructor(timeoutMs: number, onExpire: () => void, now: () => number = () => performance.now()) {
    this.#timeoutMs = timeoutMs;
    this.#onExpire = onExpire;
    this.#now = now;
  }

  /** The timer's state. */
  get state(): IdleTimerState {
    return this.#state;
  }

  /** Records that the peer sent something. */
  touch(): void {
    this.#lastActivity = this.#now();
  }

  /** Starts (or restarts) counting from now. */
  count(): void {
    if (this.#state === 'expired' || this.#state === 'stopped') return;
    this.#lastActivity = this.#now();
    this.#state = 'counting';
    this.#arm(this.#timeoutMs);
  }

  /** Stops counting until {@link count} is called again. */
  suspend(): void {
    if (this.#state !== 'counting') return;
    this.#state = 'suspended';
    this.#disarm();
  }

  /** Changes the allowed silence (e.g. a longer one inside DATA); counting restarts from now. */
  setTimeout(timeoutMs: number): void {
    if (timeoutMs === this.#timeoutMs) return;
    this.#timeoutMs = timeoutMs;
    if (this.#state === 'counting') this.count();
  }

  /** Stops the timer for good. */
  stop(): void {
    this.#state = 'stopped';
    this.#disarm();
  }

  #arm(delay: number): void {
    this.#disarm();
    if (this.#timeoutMs <= 0) return;
    this.#timer = setTimeout(() => this.#fire(), delay);
    this.#timer.unref?.();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#state !== 'counting') return;
    const silent = this.#now() - this.#lastActivity;
    if (silent < this.#timeoutMs) {
      this.#arm(this.#timeoutMs - silent);
      return;
    }
    this.#state = 'expired';
    this.#onExpire();
  }
}
