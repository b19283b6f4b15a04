/**
 * Runs one transcript: parse it, build its environment, refuse to start when it has errors or
 * an unset `{{env:…}}`, start its embedded server (or server script) when a session needs one,
 * play its sessions in order, and close everything. Never throws for anything a file, a user
 * or a server can cause: every problem becomes a failure of the result.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic, HostPort, Session, TranscriptFile } from '../ast.js';
import { hasErrors } from '../diagnostics.js';
import { parseTranscript } from '../parser.js';
import { plainRange, rangeCoversLine } from '../ranges.js';
import { checkVariables, createScope } from '../variables.js';
import { type EmbeddedServer, startEmbeddedServer } from './embedded-server.js';
import { transcriptEnvironment } from './environment.js';
import type { RunEvent } from './events.js';
import { errorReason, formatEndpoint } from './network-errors.js';
import { DEFAULT_TIMEOUT_MS, type Endpoint, type RunOptions } from './options.js';
import {
  type Failure,
  type FailureKind,
  type FileResult,
  type LogEntry,
  type RunWarning,
  type SessionResult,
  severityOf,
  statusOfFailures,
  worstStatus,
} from './results.js';
import { type ServedScript, scriptWarnings, startServedScript } from './served-script.js';
import {
  applyStateDirective,
  type FileState,
  playSession,
  type SessionTarget,
  sessionName,
} from './session-player.js';

/** A transcript to run. */
export interface TranscriptSource {
  /**
   * Where the transcript is: read when `text` is not given; its `.env` and `@server script=`
   * files are found beside it. Relative paths are taken from the working directory.
   */
  readonly path: string;
  /** The text, when the caller already has it (an editor's unsaved document). */
  readonly text?: string;
  /** How reports name the file (default: `path` as given). */
  readonly name?: string;
}

/** The servers a file's run started. */
interface Servers {
  readonly embedded: EmbeddedServer | undefined;
  readonly script: ServedScript | undefined;
}

/**
 * Runs one transcript and resolves with its result; progress goes to `options.onEvent`.
 *
 * @example
 * ```ts
 * const result = await runTranscript({ path: 'examples/delivery.smtp' });
 * console.log(result.status); // 'passed' | 'failed' | 'error'
 * for (const session of result.sessions)
 *   for (const failure of session.failures) console.log(`${result.file}:${failure.line} ${failure.message}`);
 * ```
 */
export async function runTranscript(source: TranscriptSource, options: RunOptions = {}): Promise<FileResult> {
  return new TranscriptRun(source, options, async (result) => result).run();
}

/**
 * {@link runTranscript}, with a last step on the result before the `file-end` event reports it
 * (`--update` rewrites the file there, so reports show what it rewrote).
 */
export function runTranscriptThen(
  source: TranscriptSource,
  options: RunOptions,
  complete: (result: FileResult) => Promise<FileResult>,
): Promise<FileResult> {
  return new TranscriptRun(source, options, complete).run();
}

class TranscriptRun {
  readonly #source: TranscriptSource;
  readonly #options: RunOptions;
  readonly #name: string;
  readonly #path: string;
  readonly #startedAt = Date.now();
  readonly #log: LogEntry[] = [];
  readonly #warnings: RunWarning[] = [];
  #diagnostics: readonly Diagnostic[] = [];

  readonly #complete: (result: FileResult) => Promise<FileResult>;

  constructor(
    source: TranscriptSource,
    options: RunOptions,
    complete: (result: FileResult) => Promise<FileResult>,
  ) {
    this.#source = source;
    this.#options = options;
    this.#complete = complete;
    this.#name = source.name ?? source.path;
    this.#path = isAbsolute(source.path) ? source.path : resolve(source.path);
  }

  async run(): Promise<FileResult> {
    this.#emit({ type: 'file-start', time: this.#startedAt, file: this.#name });
    const result = await this.#complete(await this.#run());
    this.#emit({ type: 'file-end', time: Date.now(), file: this.#name, result });
    return result;
  }

  async #run(): Promise<FileResult> {
    let text = this.#source.text;
    if (text === undefined) {
      try {
        text = await readFile(this.#path, 'utf8');
      } catch (error) {
        return this.#cannotStart([fileFailure('read', `cannot read ${this.#name}: ${errorReason(error)}`)]);
      }
    }
    const file = parseTranscript(text, { uri: this.#path });
    this.#diagnostics = file.diagnostics.filter((d) => d.severity !== 'info');
    for (const d of this.#diagnostics) {
      if (d.severity === 'warning') this.#warn({ message: d.message, line: d.range.start.line + 1 });
    }
    if (hasErrors(file.diagnostics)) {
      return this.#cannotStart(
        file.diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => fileFailure('parse', d.message, d.range)),
      );
    }
    const environment = await transcriptEnvironment(file, this.#path, this.#options.env ?? process.env);
    if (!environment.ok) {
      return this.#cannotStart(environment.problems.map((p) => fileFailure('env', p, environment.at.range)));
    }
    const missing = checkVariables(file, environment.env);
    if (missing.length > 0)
      return this.#cannotStart(missing.map((d) => fileFailure('env', d.message, d.range)));
    const selected = this.#select(file);
    if (!selected.ok) return this.#cannotStart([selected.failure]);

    const { server, defaultServer } = this.#options;
    const override = server ?? defaultServer;
    if (override !== undefined && Object.keys(file.server).length > 0) {
      const first = file.lines.find((l) => l.kind === 'directive' && l.name === 'server');
      this.#warn({
        message: `@server options are ignored: the file runs against ${server === undefined ? 'the default server' : '--server'} ${formatEndpoint(override)}`,
        ...(first === undefined ? {} : { line: first.line + 1 }),
      });
    }
    const started = await this.#startServers(file, selected.indices, environment.env);
    if (!started.ok) return this.#cannotStart([started.failure]);
    const servers = started.servers;
    const signal = this.#options.signal;
    const onAbort = (): void => void closeServers(servers);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const sessions = await this.#playSessions(file, selected.indices, environment.env, servers);
      return this.#result(sessions, []);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      const script = await closeServers(servers);
      if (script !== undefined && servers.script !== undefined) {
        for (const warning of scriptWarnings(servers.script.name, script)) this.#warn(warning);
      }
    }
  }

  /** Which sessions to run: all, or the one chosen by index or line. */
  #select(
    file: TranscriptFile,
  ): { ok: true; indices: ReadonlySet<number> } | { ok: false; failure: Failure } {
    const selector = this.#options.session;
    const all = new Set(file.sessions.map((s) => s.index));
    if (selector === undefined) return { ok: true, indices: all };
    const chosen =
      'index' in selector
        ? file.sessions[selector.index]
        : file.sessions.find((s) => rangeCoversLine(s.range, selector.line));
    if (chosen === undefined) {
      const what =
        'index' in selector
          ? `session ${selector.index + 1} (the file has ${file.sessions.length})`
          : `a session at line ${selector.line + 1}`;
      return { ok: false, failure: fileFailure('usage', `there is no ${what}`) };
    }
    return { ok: true, indices: new Set([chosen.index]) };
  }

  async #startServers(
    file: TranscriptFile,
    indices: ReadonlySet<number>,
    env: Readonly<Record<string, string | undefined>>,
  ): Promise<{ ok: true; servers: Servers } | { ok: false; failure: Failure }> {
    const none: Servers = { embedded: undefined, script: undefined };
    const { server, defaultServer, signal } = this.#options;
    if (server !== undefined || defaultServer !== undefined) return { ok: true, servers: none };
    const stop = this.#options.stopAfterLine;
    const wanted = file.sessions.filter(
      (s) =>
        indices.has(s.index) && s.target === 'default' && (stop === undefined || s.range.start.line <= stop),
    );
    if (wanted.length === 0) return { ok: true, servers: none };
    const implicitTls = wanted.some((s) => s.implicitTls);
    const script = file.server.script;
    try {
      if (script !== undefined) {
        if (implicitTls) {
          return {
            ok: false,
            failure: fileFailure(
              'server',
              `@tls implicit cannot be used with @server script=${script}: the server script offers STARTTLS only`,
            ),
          };
        }
        const served = await startServedScript(script, this.#path, {
          env,
          ...(signal === undefined ? {} : { signal }),
        });
        return { ok: true, servers: { embedded: undefined, script: served } };
      }
      const embedded = await startEmbeddedServer(file.server, { implicitTls });
      return { ok: true, servers: { embedded, script: undefined } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        failure: fileFailure(
          'server',
          script === undefined ? `the embedded server could not start: ${message}` : message,
        ),
      };
    }
  }

  async #playSessions(
    file: TranscriptFile,
    indices: ReadonlySet<number>,
    env: Readonly<Record<string, string | undefined>>,
    servers: Servers,
  ): Promise<SessionResult[]> {
    const options = this.#options;
    const state: FileState = {
      scope: createScope(env),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      insecure: options.insecure === true,
    };
    for (const step of file.preamble) applyStateDirective(state, step.directive);
    const context = {
      file: this.#name,
      state,
      emit: (event: RunEvent) => this.#emit(event),
      log: this.#log,
      signal: options.signal,
      stopAfterLine: options.stopAfterLine,
    };
    const results: SessionResult[] = [];
    const firstSelected = Math.min(...indices);
    for (const session of file.sessions) {
      const cancelled = options.signal?.aborted === true && indices.has(session.index);
      if (cancelled && !results.some((r) => r.failures.some((f) => f.kind === 'cancelled'))) {
        // A cancelled run is an error even when no session was under way at that moment.
        results.push(cancelledSession(session));
        continue;
      }
      const skip = this.#skipReason(session, indices);
      if (skip !== undefined) {
        // Sessions before the chosen one still define variables, timeouts and TLS trust.
        if (session.index < firstSelected) {
          for (const step of session.steps) {
            if (step.kind === 'directive') applyStateDirective(state, step.directive);
          }
        }
        results.push(skippedSession(session, skip));
        continue;
      }
      results.push(await playSession(context, session, this.#target(session, servers)));
    }
    return results;
  }

  #skipReason(session: Session, indices: ReadonlySet<number>): string | undefined {
    if (!indices.has(session.index)) return 'not selected to run';
    const stop = this.#options.stopAfterLine;
    if (stop !== undefined && session.range.start.line > stop)
      return `after line ${stop + 1}, where the run stops`;
    if (this.#options.signal?.aborted) return 'the run was cancelled';
    return undefined;
  }

  /** Where a session connects and which certificates it accepts. */
  #target(session: Session, servers: Servers): SessionTarget {
    const { server, defaultServer, allowSelfSigned } = this.#options;
    const external = (endpoint: Endpoint | HostPort): SessionTarget => ({
      endpoint: { host: endpoint.host, port: endpoint.port },
      label: formatEndpoint(endpoint),
      tlsPolicy: (insecure) => ({
        trust: insecure ? 'any' : allowSelfSigned === true ? 'self-signed' : 'verify',
      }),
    });
    if (server !== undefined) return external(server);
    if (session.target !== 'default') return external(session.target);
    if (defaultServer !== undefined) return external(defaultServer);
    const pinned = (endpoint: Endpoint, label: string, certificate: string): SessionTarget => ({
      endpoint,
      label: `${label} ${formatEndpoint(endpoint)}`,
      tlsPolicy: (insecure) => (insecure ? { trust: 'any' } : { trust: 'verify', ca: certificate }),
    });
    if (servers.script !== undefined) {
      return pinned(
        servers.script.endpoint,
        `server script ${servers.script.name} at`,
        servers.script.certificate,
      );
    }
    const embedded = servers.embedded as EmbeddedServer;
    const endpoint = session.implicitTls ? (embedded.implicit as Endpoint) : embedded.plain;
    return pinned(endpoint, 'embedded server', embedded.certificate);
  }

  #cannotStart(failures: Failure[]): FileResult {
    return this.#result([], failures);
  }

  #result(sessions: SessionResult[], failures: Failure[]): FileResult {
    return {
      file: this.#name,
      path: this.#path,
      status: failures.length > 0 ? statusOfFailures(failures) : worstStatus(sessions.map((s) => s.status)),
      startedAt: this.#startedAt,
      durationMs: Date.now() - this.#startedAt,
      sessions,
      failures,
      diagnostics: this.#diagnostics,
      warnings: this.#warnings,
      log: this.#log,
      updates: [],
    };
  }

  #warn(warning: RunWarning): void {
    this.#warnings.push(warning);
    this.#emit({ type: 'warning', time: Date.now(), file: this.#name, warning });
  }

  #emit(event: RunEvent): void {
    this.#options.onEvent?.(event);
  }
}

/** A failure that belongs to the file, not to a session. */
function fileFailure(kind: FailureKind, message: string, range?: Failure['range']): Failure {
  const at =
    range === undefined
      ? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }
      : plainRange(range);
  return { kind, severity: severityOf(kind), range: at, line: at.start.line + 1, message };
}

function skippedSession(session: Session, reason: string): SessionResult {
  return {
    index: session.index,
    name: sessionName(session),
    range: plainRange(session.range),
    line: session.range.start.line + 1,
    status: 'skipped',
    durationMs: 0,
    failures: [],
    steps: session.steps.map((step) => ({
      kind: step.kind,
      range: plainRange(step.range),
      line: step.range.start.line + 1,
      status: 'skipped',
    })),
    skipReason: reason,
  };
}

function cancelledSession(session: Session): SessionResult {
  const skipped = skippedSession(session, 'the run was cancelled');
  const { skipReason: _, ...rest } = skipped;
  const range = session.connect?.range ?? session.range;
  return {
    ...rest,
    status: 'error',
    failures: [
      {
        kind: 'cancelled',
        severity: 'error',
        range: plainRange(range),
        line: range.start.line + 1,
        session: session.index,
        message: 'the run was cancelled',
      },
    ],
  };
}

/** Closes whatever was started; resolves with the script's result when there was one. */
async function closeServers(servers: Servers) {
  const [, script] = await Promise.all([servers.embedded?.close(0), servers.script?.close()]);
  return script;
}
