import type { Decision, DecisionEvent, SessionAction, ShutdownMode } from '@smtp/session';

/**
 * The members of `@smtp/session`'s `ServerSession` the adapter drives. The adapter depends on
 * this shape only, so its socket mechanics can also be tested against a small scripted fake.
 */
export interface SessionPort {
  receive(bytes: Uint8Array): void;
  next(): SessionAction | undefined;
  readonly pending: DecisionEvent | undefined;
  decide(decision: Decision): void;
  tlsEstablished(): void;
  timedOut(): void;
  shutdown(mode?: ShutdownMode): void;
  peerClosed(): void;
  readonly buffered: number;
}
