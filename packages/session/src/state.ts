/**
 * The session's one state value. Each phase carries exactly the data that exists in it, so a
 * transaction cannot outlive its phase and no flag can disagree with the phase.
 */
import type { BdatChunkReader, DotDecoder, MailParameters, ReversePath } from '@smtp/codec';
import type { SaslStep } from './auth/exchange.js';
import type { Recipient } from './events.js';
import type { AuthMechanismName } from './policy.js';
import type { ReplySpec } from './replies.js';

/** A mail transaction: from an accepted `MAIL` to the end of its message (or RSET). */
export interface Transaction {
  readonly from: ReversePath;
  readonly params: MailParameters;
  readonly recipients: Recipient[];
  /** `RCPT` commands given in this transaction, refused ones and syntax errors included. */
  rcptCommands: number;
  /** Octets of BDAT chunks accepted so far. */
  chunkedSize: number;
}

/**
 * Where the session stands. The first six read command lines (the transition table's columns);
 * the others read something else or nothing.
 */
export type Phase =
  /** Greeted, waiting for EHLO/HELO/LHLO (also right after TLS is established). */
  | { readonly name: 'connected' }
  /** Introduced; no transaction. */
  | { readonly name: 'ready' }
  /** `MAIL` accepted, no recipient accepted yet. */
  | { readonly name: 'mail'; readonly tx: Transaction }
  /** At least one recipient accepted. */
  | { readonly name: 'rcpt'; readonly tx: Transaction }
  /** Between BDAT chunks of a message. */
  | { readonly name: 'bdat'; readonly tx: Transaction }
  /** A BDAT chunk was refused: later chunks of the message are read, discarded and refused alike. */
  | { readonly name: 'bdat-failed'; readonly failure: ReplySpec }
  /** Reading the text after `DATA` up to `<CRLF>.<CRLF>`. */
  | { readonly name: 'data'; readonly tx: Transaction; readonly decoder: DotDecoder }
  /** Reading the octets of an accepted BDAT chunk. */
  | {
      readonly name: 'bdat-chunk';
      readonly tx: Transaction;
      readonly reader: BdatChunkReader;
      readonly size: number;
      readonly last: boolean;
    }
  /** Reading and discarding the octets of a refused BDAT chunk; then `reply`, and back to `resume`. */
  | {
      readonly name: 'bdat-skip';
      readonly reader: BdatChunkReader;
      readonly reply: ReplySpec;
      readonly resume: Phase;
    }
  /** In a SASL exchange: the lines are responses, not commands. */
  | { readonly name: 'auth'; readonly mechanism: AuthMechanismName; readonly step: SaslStep }
  /** `220` to STARTTLS sent; waiting for the adapter's handshake. Input is discarded. */
  | { readonly name: 'starttls' }
  /** Done: nothing more is read or written. */
  | { readonly name: 'closed' };

/** The name of a {@link Phase}: the value of `ServerSession.state`. */
export type SessionState = Phase['name'];

/** The phases that read command lines: the columns of the transition table. */
export type CommandState = 'connected' | 'ready' | 'mail' | 'rcpt' | 'bdat' | 'bdat-failed';

/** Every {@link CommandState}, in the table's column order. */
export const COMMAND_STATES: readonly CommandState[] = [
  'connected',
  'ready',
  'mail',
  'rcpt',
  'bdat',
  'bdat-failed',
];

/** The phases a command line is read in, narrowed. */
export type CommandPhase = Extract<Phase, { readonly name: CommandState }>;

/** True when the phase reads command lines. */
export function isCommandPhase(phase: Phase): phase is CommandPhase {
  return (COMMAND_STATES as readonly string[]).includes(phase.name);
}

/** How the client introduced itself. */
export interface Greeting {
  readonly verb: 'HELO' | 'EHLO' | 'LHLO';
  readonly domain: string;
}

/**
 * Facts about the connection that outlive phases (and, except the counters, are reset by TLS).
 * Each is a value of its own meaning, not a flag mirroring the phase.
 */
export interface ConnectionFacts {
  /** The last EHLO/HELO/LHLO, until TLS starts. */
  greeting: Greeting | undefined;
  /** The connection is encrypted. */
  tls: boolean;
  /** Who authenticated, and how. */
  authenticated: { readonly username: string; readonly mechanism: AuthMechanismName } | undefined;
  /** Error replies (4xx/5xx) to commands so far. */
  errors: number;
  /** Refused AUTH exchanges so far. */
  authFailures: number;
  /** AUTH exchanges started so far (numbers the CRAM-MD5 challenges). */
  authAttempts: number;
}
