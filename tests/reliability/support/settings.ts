/**
 * How hard the suite pushes. The CI setting keeps the whole run to a few minutes on a 2-core
 * machine; `RELIABILITY_NIGHTLY=1` scales the fuzz campaigns past 100,000 cases and runs the
 * faults and the soak longer.
 */
export interface Settings {
  /** `ci` or `nightly`, as the report names it. */
  readonly name: 'ci' | 'nightly';
  /** Random and mutated client streams into `@smtp/session`. */
  readonly sessionFuzzCases: number;
  /** Random and mutated inputs into each codec parser. */
  readonly codecFuzzCases: number;
  /** Random and mutated `.smtp` texts into the transcript parser. */
  readonly transcriptFuzzCases: number;
  /** Sessions cut at a random byte (each a real connection to a Maildir-backed server). */
  readonly cutRuns: number;
  /** Messages sent through a store that fails or stalls at random. */
  readonly storeFaultMessages: number;
  /** Times the server process is killed with SIGKILL during Maildir writes. */
  readonly killRounds: number;
  /** Random bodies the client sends through a recording proxy. */
  readonly clientBodies: number;
  /** Concurrent sessions of the soak, and how long it lasts. */
  readonly soakSessions: number;
  readonly soakSeconds: number;
  /** Idle connections held while deliveries go on. */
  readonly idleConnections: number;
}

const CI: Settings = {
  name: 'ci',
  sessionFuzzCases: 8_000,
  codecFuzzCases: 2_500,
  transcriptFuzzCases: 2_000,
  cutRuns: 2_000,
  storeFaultMessages: 200,
  killRounds: 3,
  clientBodies: 200,
  soakSessions: 200,
  soakSeconds: 60,
  idleConnections: 1000,
};

const NIGHTLY: Settings = {
  name: 'nightly',
  sessionFuzzCases: 120_000,
  codecFuzzCases: 100_000,
  transcriptFuzzCases: 100_000,
  cutRuns: 20_000,
  storeFaultMessages: 3_000,
  killRounds: 12,
  clientBodies: 2_000,
  soakSessions: 200,
  soakSeconds: 600,
  idleConnections: 1000,
};

/** The setting of this run. */
export const settings: Settings = process.env.RELIABILITY_NIGHTLY === '1' ? NIGHTLY : CI;
