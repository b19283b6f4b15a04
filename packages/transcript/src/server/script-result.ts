/**
 * What serving a transcript in reverse found: per session (one client connection each), the
 * client lines checked and every difference from the script.
 */
import type { Range } from '../ast.js';

/** One difference between what the client did and what the script expected. */
export interface ScriptFailure {
  /** 0-based index of the session (the connection, in order of arrival). */
  readonly session: number;
  /** Where in the script: the `C:` line (or directive) that was expected. 0-based, as in the AST. */
  readonly range: Range;
  /** What the script expected, e.g. `C: MAIL FROM:<*>` or `the client to close the connection`. */
  readonly expected: string;
  /** What came instead, e.g. `C: RCPT TO:<bob@example.test>` or `nothing within 10s`. */
  readonly received: string;
  /** The first difference, in plain words. */
  readonly explanation: string;
}

/** `not-run`: no client connected for this session before the server stopped. */
export type ScriptSessionStatus = 'passed' | 'failed' | 'not-run';

/** The outcome of one session of the script. */
export interface ScriptSessionResult {
  /** 0-based position of the session in the script. */
  readonly index: number;
  /** The session's span in the script. */
  readonly range: Range;
  readonly status: ScriptSessionStatus;
  /** Client lines that matched their `C:` line. */
  readonly matched: number;
  readonly failures: readonly ScriptFailure[];
  /** The client's address, `host:port`, when a client connected. */
  readonly remote?: string;
}

/** The outcome of serving a whole script. */
export interface ScriptResult {
  /** The script's `uri`, as parsed. */
  readonly uri: string | undefined;
  /** `passed` only when every session was played and passed and no extra connection came. */
  readonly status: 'passed' | 'failed';
  readonly sessions: readonly ScriptSessionResult[];
  /** Connections that came after every session had been handed out (each was refused). */
  readonly extraConnections: number;
}
