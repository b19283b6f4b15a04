/**
 * A session while the structure pass reads its lines: its steps so far, the client stream that
 * tells what will be answered, and the queue of what still waits for a reply.
 */
import type { ConnectDirective, Range, SendLine, Session, SessionEnding, Step } from './ast.js';
import { ClientStream, type ReplyCause } from './client-stream.js';
import { describeCause } from './describe.js';
import type { DiagnosticList } from './diagnostics.js';
import { spanRanges } from './ranges.js';

/** Something waiting for a reply: the greeting, or a cause found in the client's bytes. */
export type QueueItem = { readonly kind: 'greeting' } | ReplyCause<SendLine>;

/** A session while its lines are being read. */
export interface SessionBuilder {
  readonly index: number;
  readonly start: Range;
  readonly connect: ConnectDirective | undefined;
  readonly implicitTls: boolean;
  greeting: 'pending' | 'expected' | 'implicit';
  ending: SessionEnding;
  readonly steps: Step[];
  readonly stream: ClientStream<SendLine>;
  /** What is waiting for a reply, oldest first. */
  readonly queue: QueueItem[];
  /** Causes already reported as carried over to a later send group. */
  readonly carriedOver: Set<QueueItem>;
}

/** A new session, waiting for its greeting. */
export function createSession(
  index: number,
  start: Range,
  connect: ConnectDirective | undefined,
  implicitTls: boolean,
): SessionBuilder {
  return {
    index,
    start,
    connect,
    implicitTls,
    greeting: 'pending',
    ending: 'end-of-file',
    steps: [],
    stream: new ClientStream(),
    queue: [{ kind: 'greeting' }],
    carriedOver: new Set(),
  };
}

/** Notes what a session leaves unanswered or half-written when it ends. */
export function reportUnfinished(session: SessionBuilder, diagnostics: DiagnosticList): void {
  for (const item of session.queue) {
    if (item.kind === 'greeting' || session.carriedOver.has(item)) continue;
    diagnostics.info(
      item.origin.range,
      'reply-not-checked',
      `the reply to ${describeCause(item)} is not checked: no \`S:\` line follows in this session`,
    );
  }
  const { stream } = session;
  const partial = stream.partialLine;
  if (partial) {
    diagnostics.warning(
      partial.origin.range,
      'unterminated-command',
      'this command line never gets its line end in this session (end it with a `C:` line, or add `\\r\\n`)',
    );
  }
  const data = stream.openData;
  if (data) {
    diagnostics.warning(
      data.origin.range,
      'unterminated-data',
      'the message after this DATA is never ended by a `C: .` line in this session',
    );
  }
  const chunk = stream.openChunk;
  if (chunk) {
    diagnostics.warning(
      chunk.command.origin.range,
      'incomplete-chunk',
      `this BDAT chunk is ${chunk.missing} octet${chunk.missing === 1 ? '' : 's'} short when the session ends`,
    );
  }
}

/** The session as the tree shows it. */
export function finishSession(session: SessionBuilder): Session {
  const last = session.steps[session.steps.length - 1];
  return {
    index: session.index,
    range: last ? spanRanges(session.start, last.range) : session.start,
    ...(session.connect ? { connect: session.connect } : {}),
    target: session.connect?.target ?? 'default',
    implicitTls: session.implicitTls,
    greeting: session.greeting === 'expected' ? 'expected' : 'implicit',
    steps: session.steps,
    ending: session.ending,
  };
}
