import type { TimeoutKind } from './errors.js';

/** Milliseconds the client waits in each phase before giving up with a {@link TimeoutError}. */
export interface Timeouts {
  /** Opening the TCP connection (and the TLS handshake, implicit or after STARTTLS). Default 30 s. */
  readonly connect: number;
  /** The server's `220` greeting. Default 5 min (RFC 5321 §4.5.3.2.1). */
  readonly greeting: number;
  /** The reply to a command. Default 5 min (RFC 5321 §4.5.3.2.2-4). */
  readonly command: number;
  /** Writing one block of the message: the socket must take more data within this. Default 3 min (§4.5.3.2.5). */
  readonly dataBlock: number;
  /** The reply after the whole message. Default 10 min (§4.5.3.2.6). */
  readonly finalReply: number;
}

/** RFC 5321's recommended timeouts (connect: 30 s). */
export const DEFAULT_TIMEOUTS: Timeouts = {
  connect: 30_000,
  greeting: 5 * 60_000,
  command: 5 * 60_000,
  dataBlock: 3 * 60_000,
  finalReply: 10 * 60_000,
};

/** The option of {@link Timeouts} for a kind of wait. */
export function timeoutFor(timeouts: Timeouts, kind: TimeoutKind): number {
  switch (kind) {
    case 'connect':
      return timeouts.connect;
    case 'greeting':
      return timeouts.greeting;
    case 'command':
      return timeouts.command;
    case 'data-block':
      return timeouts.dataBlock;
    case 'final-reply':
      return timeouts.finalReply;
  }
}

/**
 * One timer for a connection, re-armed for each wait. Arming is cheap because it happens on the
 * hot path (every reply, every message): it only notes the kind and the start time; the single
 * underlying timer is rescheduled only when it fires early (the wait was re-armed since) or when
 * a shorter wait needs it sooner. Disarming leaves the timer to fire harmlessly. The timer is
 * unref'd: the socket, not the timer, keeps a process alive.
 */
export class PhaseTimer {
  readonly #timeouts: Timeouts;
  readonly #onTimeout: (kind: TimeoutKind, milliseconds: number) => void;
  #timer: NodeJS.Timeout | undefined;
  /** When the scheduled timer fires (performance.now() time). */
  #firesAt = 0;
  #kind: TimeoutKind | undefined;
  #milliseconds = 0;
  #startedAt = 0;

  constructor(timeouts: Timeouts, onTimeout: (kind: TimeoutKind, milliseconds: number) => void) {
    this.#timeouts = timeouts;
    this.#onTimeout = onTimeout;
  }

  /** Starts (or restarts) the timer for this kind of wait. */
  arm(kind: TimeoutKind): void {
    const milliseconds = timeoutFor(this.#timeouts, kind);
    const now = performance.now();
    this.#kind = kind;
    this.#milliseconds = milliseconds;
    this.#startedAt = now;
    const due = now + milliseconds;
    if (this.#timer !== undefined && this.#firesAt <= due) return;
    this.#schedule(milliseconds, due);
  }

  /** Stops the timer (it may still fire, and then does nothing). */
  disarm(): void {
    this.#kind = undefined;
  }

  /** Stops the timer for good. */
  stop(): void {
    this.#kind = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(milliseconds: number, due: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#firesAt = due;
    this.#timer = setTimeout(() => this.#fire(), milliseconds);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const kind = this.#kind;
    if (kind === undefined) return;
    const elapsed = performance.now() - this.#startedAt;
    if (elapsed >= this.#milliseconds - 1) {
      this.#kind = undefined;
      this.#onTimeout(kind, this.#milliseconds);
      return;
    }
    const remaining = this.#milliseconds - elapsed;
    this.#schedule(remaining, performance.now() + remaining);
  }
}
