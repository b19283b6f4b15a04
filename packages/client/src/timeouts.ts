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
 * One timer for a connection, re-armed for each wait. Refreshing an armed timer of the same
 * length reuses it (cheap on the hot path: every reply re-arms).
 */
export class PhaseTimer {
  readonly #timeouts: Timeouts;
  readonly #onTimeout: (kind: TimeoutKind, milliseconds: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #kind: TimeoutKind | undefined;
  #milliseconds = 0;

  constructor(timeouts: Timeouts, onTimeout: (kind: TimeoutKind, milliseconds: number) => void) {
    this.#timeouts = timeouts;
    this.#onTimeout = onTimeout;
  }

  /** Starts (or restarts) the timer for this kind of wait. */
  arm(kind: TimeoutKind): void {
    const milliseconds = timeoutFor(this.#timeouts, kind);
    if (this.#timer !== undefined && this.#milliseconds === milliseconds) {
      this.#kind = kind;
      this.#timer.refresh();
      return;
    }
    this.disarm();
    this.#kind = kind;
    this.#milliseconds = milliseconds;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onTimeout(this.#kind ?? kind, milliseconds);
    }, milliseconds);
  }

  /** Stops the timer. */
  disarm(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#kind = undefined;
  }
}
