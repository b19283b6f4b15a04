/**
 * What a run can be told: where to connect, how long to wait, what to trust, which part of a
 * file to run, and where its progress goes.
 */
import type { RunEventListener } from './events.js';

/** A server address. */
export interface Endpoint {
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
}

/** Which sessions of a file to run. */
export type SessionSelector =
  /** The session at this 0-based position. */
  | { readonly index: number }
  /** The session whose lines include this 0-based line. */
  | { readonly line: number };

/** Options of one file's run ({@link runTranscript}). */
export interface RunOptions {
  /**
   * Run against this server instead: it replaces every `@connect` target and the embedded
   * server (`smtp run --server`); `@server` lines are then ignored with a warning.
   */
  readonly server?: Endpoint;
  /**
   * The server for sessions without `@connect host:port` (instead of the embedded one);
   * `@connect host:port` is still honoured. `@server` lines are then ignored with a warning.
   */
  readonly defaultServer?: Endpoint;
  /** Per-reply timeout in milliseconds until a file's `@timeout` says otherwise. Default 10 s. */
  readonly timeoutMs?: number;
  /** Accept any server certificate, as if the file began with `@tls insecure`. Default false. */
  readonly insecure?: boolean;
  /**
   * Accept certificates that do not chain to a trusted authority (self-signed), still checking
   * the host name and dates. Default false. (`@tls insecure` and `insecure` accept anything.)
   */
  readonly allowSelfSigned?: boolean;
  /** Run only one session (the others are reported as skipped). */
  readonly session?: SessionSelector;
  /**
   * "Run to here": stop after the step at this 0-based line (steps that start after it, and
   * later sessions, are skipped).
   */
  readonly stopAfterLine?: number;
  /**
   * The environment for `{{env:…}}` (default `process.env`). A `.env` file beside the
   * transcript adds names the environment does not set (the environment wins).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cancels the run: sockets and the embedded server close at once. */
  readonly signal?: AbortSignal;
  /** Receives progress events as they happen. */
  readonly onEvent?: RunEventListener;
}

/** Options of a run over many files ({@link runFiles}). */
export interface RunFilesOptions extends RunOptions {
  /** Files run at once, each with its own embedded server. Default 1. */
  readonly jobs?: number;
  /** Stop starting files once one has failed (files already running finish). */
  readonly bail?: boolean;
  /** Rewrite failing `S:` lines to the replies that came (`--update`). */
  readonly update?: boolean;
  /** Files are shown relative to this directory (default `process.cwd()`). */
  readonly cwd?: string;
}

/** The default per-reply timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;
