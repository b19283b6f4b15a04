/**
 * Plays one session (one connection) of a transcript as the client: each send group in one
 * write, one reply read and checked per expectation, pairing replies with what was sent through
 * a `ClientStream` fed the bytes really written, TLS after a `220` to STARTTLS, and the
 * directives in their places.
 *
 * After a reply that does not match, the session goes on (so one run shows every difference
 * and `--update` fixes them all at once); a close, a timeout, a broken reply or a network error
 * ends it, and its remaining steps are skipped (their `@set`, `@timeout` and `@tls` still apply,
 * for the sessions after it).
 */
import { concatBytes, type Reply } from '@smtp/codec';
import { formatDuration } from '../arguments.js';
import type { Directive, Range, ReplyExpectation, SendGroup, SendLine, Session, Step } from '../ast.js';
import { ClientStream, type ReplyCause } from '../client-stream.js';
import { describeCause } from '../describe.js';
import { matchReply } from '../matcher.js';
import { plainRange } from '../ranges.js';
import { formatReplyLines } from '../reply-lines.js';
import { sendLineBytes } from '../send-bytes.js';
import { defineVariable, type Scope } from '../variables.js';
import { type ReadResult, TranscriptConnection } from './connection.js';
import type { RunEvent, StepRef } from './events.js';
import type { Endpoint } from './options.js';
import {
  type Failure,
  type FailureKind,
  type LogEntry,
  type LogKind,
  type SessionResult,
  type StepStatus,
  severityOf,
  statusOfFailures,
} from './results.js';
import type { TlsPolicy } from './tls-trust.js';
import { MAX_LOGGED_LINES, moreLines, type Shown, sentLine } from './wire-text.js';

/** What carries over from step to step and from session to session of a file. */
export interface FileState {
  scope: Scope;
  timeoutMs: number;
  /** `@tls insecure` seen (or the run's `insecure` option). */
  insecure: boolean;
}

/** Where a session connects, and how its TLS is checked. */
export interface SessionTarget {
  readonly endpoint: Endpoint;
  /** Shown in reports: `127.0.0.1:2525`, `embedded server 127.0.0.1:40123`. */
  readonly label: string;
  /** The certificate checks for a handshake, given whether `@tls insecure` is in force. */
  readonly tlsPolicy: (insecure: boolean) => TlsPolicy;
}

/** What a session needs from the file's run. */
export interface PlayContext {
  readonly file: string;
  readonly state: FileState;
  readonly emit: (event: RunEvent) => void;
  readonly log: LogEntry[];
  readonly signal: AbortSignal | undefined;
  /** Steps that start after this 0-based line are not run. */
  readonly stopAfterLine: number | undefined;
}

/** A reply the session waits for: the greeting, or something in the bytes it wrote. */
interface Pending {
  readonly cause: ReplyCause<SendLine> | 'greeting';
  /** Which write it came from (to drop what was written behind STARTTLS). */
  readonly write: number;
}

/** Where the connection stands. */
type Phase =
  | { readonly kind: 'open'; readonly connection: TranscriptConnection }
  /** Closed as the file says (`@close`, `@closed`): directives after it still run. */
  | { readonly kind: 'closed' }
  /** Ended by a failure: the rest of the session is skipped. */
  | { readonly kind: 'dead' };

/**
 * Applies what a directive changes for later steps and sessions (`@set`, `@timeout`,
 * `@tls insecure`); the directives that act on the connection are the player's. Returns a
 * reason when a value cannot be resolved.
 */
export function applyStateDirective(state: FileState, directive: Directive): string | undefined {
  switch (directive.name) {
    case 'set': {
      const defined = defineVariable(state.scope, directive);
      if (!defined.ok) return defined.error.message;
      state.scope = defined.value;
      return undefined;
    }
    case 'timeout':
      state.timeoutMs = directive.milliseconds;
      return undefined;
    case 'tls':
      if (directive.modes.some((m) => m.mode === 'insecure')) state.insecure = true;
      return undefined;
    default:
      return undefined;
  }
}

/** Plays `session` against `target`. */
export async function playSession(
  context: PlayContext,
  session: Session,
  target: SessionTarget,
): Promise<SessionResult> {
  return new SessionPlayer(context, session, target).play();
}

class SessionPlayer {
  readonly #context: PlayContext;
  readonly #session: Session;
  readonly #target: SessionTarget;
  readonly #failures: Failure[] = [];
  readonly #statuses: StepStatus[];
  readonly #pending: Pending[] = [{ cause: 'greeting', write: 0 }];
  readonly #stream = new ClientStream<SendLine>();
  #phase: Phase = { kind: 'dead' };
  #writes = 0;
  /** An AUTH exchange is under way: lines sent now are SASL responses, hidden in the log. */
  #inSasl = false;

  constructor(context: PlayContext, session: Session, target: SessionTarget) {
    this.#context = context;
    this.#session = session;
    this.#target = target;
    this.#statuses = session.steps.map(() => 'skipped');
  }

  async play(): Promise<SessionResult> {
    const started = Date.now();
    const session = this.#session;
    this.#emit({
      type: 'session-start',
      time: started,
      file: this.#context.file,
      session: session.index,
      range: plainRange(session.range),
      target: this.#target.label,
    });
    await this.#open();
    for (let index = 0; index < session.steps.length; index++) {
      const step = session.steps[index] as Step;
      const stop = this.#context.stopAfterLine;
      if (stop !== undefined && step.range.start.line > stop) break;
      if (this.#phase.kind === 'dead') {
        if (step.kind === 'directive') applyStateDirective(this.#context.state, step.directive);
        continue;
      }
      await this.#step(index, step);
    }
    if (this.#phase.kind === 'open') await this.#closeConnection('the runner closed the connection');
    const failures = this.#failures;
    const status = statusOfFailures(failures);
    const result: SessionResult = {
      index: session.index,
      name: sessionName(session),
      range: plainRange(session.range),
      line: session.range.start.line + 1,
      status,
      target: this.#target.label,
      durationMs: Date.now() - started,
      failures,
      steps: session.steps.map((step, i) => ({
        kind: step.kind,
        range: plainRange(step.range),
        line: step.range.start.line + 1,
        status: this.#statuses[i] as StepStatus,
      })),
    };
    this.#emit({ type: 'session-end', time: Date.now(), file: this.#context.file, result });
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // connecting and the greeting

  async #open(): Promise<void> {
    const { state, signal } = this.#context;
    const session = this.#session;
    const where = session.connect?.range ?? session.steps[0]?.range ?? session.range;
    const opened = await TranscriptConnection.open(this.#target.endpoint, {
      ...(session.implicitTls ? { implicitTls: this.#target.tlsPolicy(state.insecure) } : {}),
      timeoutMs: state.timeoutMs,
      ...(signal === undefined ? {} : { signal }),
    });
    if (!opened.ok) {
      this.#fail(where, opened.failure.kind, opened.failure.message);
      return;
    }
    const connection = opened.connection;
    this.#phase = { kind: 'open', connection };
    const tls = connection.tls;
    this.#record('connection', 'connect', [
      `connected to ${this.#target.label}${tls ? ` over ${tls.protocol} (${tls.cipher})` : ''}`,
    ]);
    if (session.greeting === 'implicit') await this.#readGreeting(connection, where);
  }

  /** The first line of the session is not `S:`: read the greeting and require `220`. */
  async #readGreeting(connection: TranscriptConnection, where: Range): Promise<void> {
    this.#pending.shift();
    const read = await connection.next(this.#context.state.timeoutMs, this.#context.signal);
    if (read.kind !== 'reply') {
      this.#readFailed(where, read, 'the greeting');
      return;
    }
    this.#received(read.reply, undefined);
    if (read.reply.code !== 220) {
      const actual = formatReplyLines(read.reply).join('\n');
      this.#fail(where, 'mismatch', `the greeting: expected a 220 reply, got ${oneLine(actual)}`, {
        answers: 'the greeting',
        expected: 'S: 220',
        actual,
        explanation: `code ${read.reply.code} does not match 220`,
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // steps

  async #step(index: number, step: Step): Promise<void> {
    const ref: StepRef = {
      index,
      kind: step.kind,
      range: plainRange(step.range),
      line: step.range.start.line + 1,
    };
    const file = this.#context.file;
    const session = this.#session.index;
    this.#emit({ type: 'step-start', time: Date.now(), file, session, step: ref });
    const before = this.#failures.length;
    switch (step.kind) {
      case 'send':
        this.#send(step);
        break;
      case 'expect':
        await this.#expect(step);
        break;
      case 'directive':
        await this.#directive(step.directive, step.range);
        break;
    }
    const failure = this.#failures[before];
    this.#statuses[index] = failure === undefined ? 'passed' : failure.severity;
    if (failure === undefined) this.#emit({ type: 'step-pass', time: Date.now(), file, session, step: ref });
    else this.#emit({ type: 'step-fail', time: Date.now(), file, session, step: ref, failure });
  }

  #send(group: SendGroup): void {
    const phase = this.#phase;
    if (phase.kind !== 'open') {
      this.#fail(group.range, 'usage', 'no connection is open here');
      return;
    }
    const parts: Uint8Array[] = [];
    const shown: string[] = [];
    let lineCount = 0;
    const write = ++this.#writes;
    for (const line of group.lines) {
      const bytes = sendLineBytes(line, this.#context.state.scope);
      if (!bytes.ok) {
        this.#fail(line.range, 'env', bytes.error.message);
        this.#die();
        return;
      }
      const startsCommand = this.#stream.mode === 'command' && !this.#stream.midLine;
      const causes = this.#stream.push(bytes.value, line);
      let how: Shown = 'plain';
      if (startsCommand) {
        const first = causes[0];
        if (first?.kind === 'command' && first.verb === 'AUTH') {
          how = 'auth';
          this.#inSasl = true;
        } else if (this.#inSasl) {
          how = 'sasl-response';
        }
      }
      for (const cause of causes) this.#pending.push({ cause, write });
      parts.push(bytes.value);
      if (++lineCount <= MAX_LOGGED_LINES) shown.push(sentLine(bytes.value, line.raw, how));
    }
    const bytes = concatBytes(parts);
    phase.connection.write(bytes);
    if (lineCount > MAX_LOGGED_LINES) shown.push(moreLines(lineCount - MAX_LOGGED_LINES, bytes.length));
    this.#record('sent', 'sent', shown, group.range);
  }

  async #expect(expectation: ReplyExpectation): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'open') {
      this.#fail(expectation.range, 'usage', 'no connection is open here');
      return;
    }
    const pending = this.#pending.shift();
    const answers = describePending(pending);
    const { state, signal } = this.#context;
    const read = await phase.connection.next(state.timeoutMs, signal);
    if (read.kind !== 'reply') {
      this.#readFailed(expectation.range, read, answers);
      return;
    }
    const reply = read.reply;
    this.#received(reply, expectation.range);
    const result = matchReply(expectation, reply, state.scope);
    if (!result.ok) {
      this.#fail(expectation.range, 'mismatch', `${answers}: ${result.explanation}`, {
        answers,
        expected: result.expected,
        actual: result.actual,
        explanation: result.explanation,
        reply,
      });
    }
    const cause = pending?.cause;
    if (cause === undefined || cause === 'greeting' || cause.kind !== 'command') return;
    // A refused DATA gets no body: what the file sends next is read as commands again.
    if (cause.verb === 'DATA' && cause.chunk === undefined && reply.code !== 354) this.#stream.abortData();
    if (cause.startTls && reply.code === 220)
      await this.#startTls(phase.connection, expectation.range, pending);
  }

  async #startTls(
    connection: TranscriptConnection,
    range: Range,
    pending: Pending | undefined,
  ): Promise<void> {
    // A correct server discards what was written behind STARTTLS in the same write: those
    // commands get no reply, so they no longer wait for one.
    while (pending !== undefined && this.#pending[0]?.write === pending.write) this.#pending.shift();
    const { state, signal } = this.#context;
    const upgraded = await connection.startTls(
      this.#target.tlsPolicy(state.insecure),
      state.timeoutMs,
      signal,
    );
    if (!upgraded.ok) {
      this.#fail(range, upgraded.failure.kind, upgraded.failure.message);
      this.#die();
      return;
    }
    const tls = connection.tls;
    this.#record(
      'connection',
      'tls',
      [`TLS established${tls ? `: ${tls.protocol} (${tls.cipher})` : ''}`],
      range,
    );
  }

  async #directive(directive: Directive, range: Range): Promise<void> {
    const { state, signal } = this.#context;
    switch (directive.name) {
      case 'sleep': {
        this.#record('connection', 'sleep', [`waiting ${formatDuration(directive.milliseconds)}`], range);
        if (!(await sleep(directive.milliseconds, signal))) {
          this.#fail(range, 'cancelled', 'the run was cancelled');
          this.#die();
        }
        return;
      }
      case 'close':
        if (this.#phase.kind === 'open')
          await this.#closeConnection('the client closed the connection', range);
        this.#phase = { kind: 'closed' };
        return;
      case 'closed':
        await this.#expectClose(range);
        return;
      default: {
        const problem = applyStateDirective(state, directive);
        if (problem !== undefined) {
          this.#fail(range, 'env', problem);
          this.#die();
        }
      }
    }
  }

  /** `@closed`: the server must close the connection, with no further reply. */
  async #expectClose(range: Range): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'open') {
      this.#fail(range, 'usage', 'no connection is open here');
      return;
    }
    const { state, signal } = this.#context;
    const read = await phase.connection.next(state.timeoutMs, signal);
    switch (read.kind) {
      case 'closed':
        if (read.leftover > 0) {
          this.#fail(
            range,
            'bad-reply',
            `the server sent ${read.leftover} octets that are not a complete reply, then closed the connection`,
          );
        }
        this.#record('connection', 'closed-by-server', ['the server closed the connection'], range);
        phase.connection.destroy();
        this.#phase = { kind: 'closed' };
        return;
      case 'reply': {
        this.#received(read.reply, range);
        const actual = formatReplyLines(read.reply).join('\n');
        this.#fail(
          range,
          'not-closed',
          `expected the server to close the connection, but it replied ${oneLine(actual)}`,
          {
            actual,
          },
        );
        await this.#closeConnection('the runner closed the connection', range);
        this.#phase = { kind: 'closed' };
        return;
      }
      case 'timeout':
        this.#fail(
          range,
          'not-closed',
          `expected the server to close the connection, but it kept it open for ${formatDuration(state.timeoutMs)}`,
        );
        await this.#closeConnection('the runner closed the connection', range);
        this.#phase = { kind: 'closed' };
        return;
      default:
        this.#readFailed(range, read, 'the server to close the connection');
    }
  }

  // -------------------------------------------------------------------------------------------
  // failures, log, events

  /** A read that brought no reply: the session cannot go on. */
  #readFailed(range: Range, read: Exclude<ReadResult, { kind: 'reply' }>, waitingFor: string): void {
    const timeout = formatDuration(this.#context.state.timeoutMs);
    switch (read.kind) {
      case 'closed':
        this.#record('connection', 'closed-by-server', ['the server closed the connection'], range);
        this.#fail(
          range,
          'closed',
          `waiting for ${waitingFor}: the server ${read.reset ? 'reset' : 'closed'} the connection`,
        );
        break;
      case 'timeout':
        this.#fail(range, 'timeout', `waiting for ${waitingFor}: nothing came within ${timeout}`);
        break;
      case 'bad-reply':
        this.#fail(range, 'bad-reply', `waiting for ${waitingFor}: ${read.message}`);
        break;
      case 'error':
        this.#fail(range, 'network', `waiting for ${waitingFor}: ${read.message}`);
        break;
      case 'aborted':
        this.#fail(range, 'cancelled', 'the run was cancelled');
        break;
    }
    this.#die();
  }

  #fail(range: Range, kind: FailureKind, message: string, extra: Partial<Failure> = {}): Failure {
    const failure: Failure = {
      kind,
      severity: severityOf(kind),
      range: plainRange(range),
      line: range.start.line + 1,
      session: this.#session.index,
      message,
      ...extra,
    };
    this.#failures.push(failure);
    return failure;
  }

  /** Ends the session after a failure: the connection is dropped, the rest skipped. */
  #die(): void {
    if (this.#phase.kind === 'open') this.#phase.connection.destroy();
    this.#phase = { kind: 'dead' };
  }

  async #closeConnection(text: string, range?: Range): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'open') return;
    this.#phase = { kind: 'closed' };
    await phase.connection.close();
    this.#record('connection', 'close', [text], range);
  }

  #received(reply: Reply, range: Range | undefined): void {
    if (reply.code !== 334) this.#inSasl = false;
    const entry = this.#entry('received', formatReplyLines(reply), range, reply);
    this.#emit({ type: 'received', time: entry.time, file: this.#context.file, entry });
  }

  #record(type: 'sent' | 'connection', kind: LogKind, lines: string[], range?: Range): void {
    const entry = this.#entry(kind, lines, range);
    this.#emit({ type, time: entry.time, file: this.#context.file, entry });
  }

  #entry(kind: LogKind, lines: string[], range?: Range, reply?: Reply): LogEntry {
    const entry: LogEntry = {
      time: Date.now(),
      session: this.#session.index,
      kind,
      lines,
      ...(range === undefined ? {} : { range: plainRange(range) }),
      ...(reply === undefined ? {} : { reply }),
    };
    this.#context.log.push(entry);
    return entry;
  }

  #emit(event: RunEvent): void {
    this.#context.emit(event);
  }
}

/** `session 2 (line 14)`. */
export function sessionName(session: Session): string {
  return `session ${session.index + 1} (line ${session.range.start.line + 1})`;
}

function describePending(pending: Pending | undefined): string {
  if (pending === undefined) return 'an unprompted reply';
  if (pending.cause === 'greeting') return 'the greeting';
  return `the reply to ${describeCause(pending.cause)}`;
}

function oneLine(text: string): string {
  return `\`${text.replace(/^S: /gm, '').replace(/\n/g, ' / ')}\``;
}

/** Waits `ms`; resolves false when the signal cancels the wait. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
