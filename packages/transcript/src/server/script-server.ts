/**
 * A server that plays a transcript in reverse to test an SMTP client: each client connection,
 * in order of arrival, gets the next session of the script (see `script-session.ts` for how a
 * session is followed). The run is done when every session has been played; `close()` ends it
 * early (sessions never reached are `not-run`).
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '@smtp/server';
import type { Diagnostic, TranscriptFile } from '../ast.js';
import { parseDotEnv } from '../dotenv.js';
import { checkServable } from '../serve-check.js';
import { listenTcp } from '../tcp-listener.js';
import { checkVariables } from '../variables.js';
import { ScriptConnection } from './script-connection.js';
import { planScript, type SessionPlan } from './script-plan.js';
import type { ScriptFailure, ScriptResult, ScriptSessionResult } from './script-result.js';
import { ScriptSession } from './script-session.js';

/** Options of {@link createScriptServer}. */
export interface ScriptServerOptions {
  /** The environment for `{{env:NAME}}` (default `process.env`); it wins over a `.env` file. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where a relative `file.uri` is found (default `process.cwd()`). */
  readonly cwd?: string;
  /** Read a `.env` file beside the script (default true; needs `file.uri` to be a path). */
  readonly dotenv?: boolean;
  /** Certificate and key (PEM) for `STARTTLS`; default a self-signed one for localhost. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Aborting it closes the server, as `close()` does. */
  readonly signal?: AbortSignal;
}

/** The events of a {@link ScriptServer}. */
export interface ScriptServerEvents {
  /** A client connected and was given session `index` (0-based). */
  'session-start': [index: number, remote: string];
  /** A difference was found (also kept in the session's result). */
  failure: [failure: ScriptFailure];
  /** A session ended. */
  'session-end': [result: ScriptSessionResult];
  /** A client connected after every session had been handed out; it got `554` and was closed. */
  'extra-connection': [remote: string];
  /** Every session has been played, or the server was closed. Emitted once. */
  done: [result: ScriptResult];
}

/** The script cannot be served: parse errors, lines that cannot be sent, unset variables. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  constructor(
    message: string,
    /** The problems, located in the script (or in its `.env` file). */
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(message);
  }
}

type Phase = 'new' | 'listening' | 'closing' | 'closed';

/** The reverse server of one script. Made by {@link createScriptServer}. */
export class ScriptServer extends EventEmitter<ScriptServerEvents> {
  /** The script being served. */
  readonly file: TranscriptFile;
  /** Resolves with the final result once every session was played or the server closed. */
  readonly done: Promise<ScriptResult>;
  readonly #options: ScriptServerOptions;
  readonly #connections = new Set<ScriptConnection>();
  readonly #results: (ScriptSessionResult | undefined)[];
  readonly #running = new Map<number, { session: ScriptSession; remote: string }>();
  #plans: SessionPlan[] = [];
  #secureContext: SecureContext | undefined;
  #server: Server | undefined;
  #phase: Phase = 'new';
  #nextSession = 0;
  #extraConnections = 0;
  #finished = false;
  #resolveDone: (result: ScriptResult) => void = () => {};
  #closing: Promise<void> | undefined;

  constructor(file: TranscriptFile, options: ScriptServerOptions = {}) {
    super();
    const problems = [
      ...file.diagnostics.filter((d) => d.severity === 'error'),
      ...checkServable(file).filter((d) => d.severity === 'error'),
    ];
    if (problems.length > 0) throw new ScriptError(`${describeFile(file)} cannot be served`, problems);
    if (file.sessions.length === 0) {
      throw new ScriptError(`${describeFile(file)} has no session to serve (no S: or C: lines)`, []);
    }
    this.file = file;
    this.#options = options;
    this.#results = file.sessions.map(() => undefined);
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /**
   * Resolves the environment (with a `.env` beside the script), prepares TLS when the script
   * uses STARTTLS, then accepts connections. Pass port 0 for any free port.
   *
   * @throws ScriptError when a `{{env:…}}` is not set; ListenError when the address cannot be bound.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    if (this.#phase !== 'new') throw new Error(`listen() called on a script server that is ${this.#phase}`);
    this.#phase = 'listening';
    let bound: { host: string; port: number };
    try {
      const env = await this.#environment();
      const missing = checkVariables(this.file, env);
      if (missing.length > 0) {
        throw new ScriptError(
          `${describeFile(this.file)} uses environment variables that are not set`,
          missing,
        );
      }
      const planned = planScript(this.file, env);
      if (!planned.ok) {
        throw new ScriptError(`${describeFile(this.file)}: ${planned.error.message}`, [
          {
            range: planned.error.range,
            message: planned.error.message,
            severity: 'error',
            code: 'undefined-variable',
          },
        ]);
      }
      this.#plans = planned.plans;
      if (usesStartTls(this.file)) {
        const pair = this.#options.tls ?? (await selfSignedCertificate());
        this.#secureContext = createSecureContext({ key: pair.key, cert: pair.cert });
      }
      const { server, address } = await listenTcp(port, host, (socket) => this.#accept(socket));
      bound = address;
      this.#server = server;
      // close() (or the signal) came while starting: it could not stop a server not yet bound.
      if (this.#closing !== undefined) server.close();
      else if (this.#options.signal?.aborted) await this.close();
    } catch (error) {
      this.#phase = 'closed';
      throw error;
    }
    return bound;
  }

  /** The result so far (final once `done` has resolved). */
  result(): ScriptResult {
    const sessions = this.file.sessions.map((session, index): ScriptSessionResult => {
      const ended = this.#results[index];
      if (ended !== undefined) return ended;
      const running = this.#running.get(index);
      if (running !== undefined) return running.session.result(running.remote);
      return { index, range: session.range, status: 'not-run', matched: 0, failures: [] };
    });
    const passed = this.#extraConnections === 0 && sessions.every((s) => s.status === 'passed');
    return {
      uri: this.file.uri,
      status: passed ? 'passed' : 'failed',
      sessions,
      extraConnections: this.#extraConnections,
    };
  }

  /**
   * Stops accepting connections; a session still running gets `421 4.3.2` and is reported as
   * failed, sessions never reached as `not-run`. Resolves when every connection has closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#phase = 'closing';
    const server = this.#server;
    const stopped = new Promise<void>((resolve) => {
      if (server === undefined) resolve();
      else server.close(() => resolve());
    });
    for (const connection of [...this.#connections]) connection.stop();
    const lingering = setTimeout(() => {
      for (const connection of [...this.#connections]) connection.destroy();
    }, 2000);
    await stopped;
    clearTimeout(lingering);
    this.#phase = 'closed';
    this.#finish();
  }

  async #environment(): Promise<Readonly<Record<string, string | undefined>>> {
    const base = this.#options.env ?? process.env;
    const path = scriptPath(this.file.uri, this.#options.cwd ?? process.cwd());
    if (this.#options.dotenv === false || path === undefined) return base;
    const envFile = join(dirname(path), '.env');
    let text: string;
    try {
      text = await readFile(envFile, 'utf8');
    } catch {
      return base;
    }
    const parsed = parseDotEnv(text);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new ScriptError(`${envFile} has lines that are not KEY=VALUE`, errors);
    // The process environment wins, so a CI job can override a checked-in .env.
    const merged: Record<string, string | undefined> = { ...parsed.values };
    for (const [key, value] of Object.entries(base)) if (value !== undefined) merged[key] = value;
    return merged;
  }

  #accept(socket: Socket): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('error', () => {});
    if (this.#phase !== 'listening') {
      socket.end('421 4.3.2 transcript server shutting down\r\n');
      return;
    }
    const index = this.#nextSession;
    const plan = this.#plans[index];
    if (plan === undefined) {
      this.#extraConnections++;
      socket.end(
        `554 5.3.2 transcript: no session left for this connection (the script has ${this.#plans.length})\r\n`,
      );
      setTimeout(() => socket.destroy(), 2000).unref();
      this.emit('extra-connection', remote);
      return;
    }
    this.#nextSession++;
    const session = new ScriptSession(plan, {
      index,
      onFailure: (failure) => this.emit('failure', failure),
    });
    this.#running.set(index, { session, remote });
    const connection = new ScriptConnection(socket, session, this.#secureContext, () => {
      this.#connections.delete(connection);
      this.#running.delete(index);
      const result = session.result(remote);
      this.#results[index] = result;
      this.emit('session-end', result);
      if (this.#results.every((r) => r !== undefined)) this.#finish();
    });
    this.#connections.add(connection);
    this.emit('session-start', index, remote);
    connection.start();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const result = this.result();
    this.emit('done', result);
    this.#resolveDone(result);
  }
}

/**
 * A server that plays `file` in reverse: `S:` lines are sent as written, client lines are
 * checked against the `C:` lines as globs, each connection plays the next session.
 *
 * @throws ScriptError when the file has parse errors or cannot be served (checkServable).
 * @example
 * ```ts
 * const script = createScriptServer(parseTranscript(text, { uri: 'client.serve.smtp' }));
 * const { port } = await script.listen(0, '127.0.0.1');
 * // … run the client under test against port …
 * const result = await script.done; // every session played
 * await script.close();
 * ```
 */
export function createScriptServer(file: TranscriptFile, options: ScriptServerOptions = {}): ScriptServer {
  return new ScriptServer(file, options);
}

function describeFile(file: TranscriptFile): string {
  return file.uri ?? 'the script';
}

function scriptPath(uri: string | undefined, cwd: string): string | undefined {
  if (uri === undefined || uri === '') return undefined;
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return undefined;
  return isAbsolute(uri) ? uri : resolve(cwd, uri);
}

function usesStartTls(file: TranscriptFile): boolean {
  return file.lines.some((line) => line.kind === 'send' && line.command?.verb === 'STARTTLS');
}
