/**
 * The inline marks of a run, updated event by event while it runs: a step being waited on, a
 * step that passed (with the reply that came, for an expectation), a step that failed. The
 * editor draws each mark after its step's first line.
 */
import type { RunEvent } from '@smtp/transcript';

/** Where a step is. */
export type StepMarkStatus = 'running' | 'passed' | 'failed';

/** The mark of one step. */
export interface StepMark {
  /** 0-based first line of the step. */
  readonly line: number;
  readonly kind: 'send' | 'expect' | 'directive';
  readonly status: StepMarkStatus;
  /** The reply that came, as `S:` lines, for an expectation that read one. */
  readonly reply?: readonly string[];
  /** Why it failed, for a failed step. */
  readonly failure?: string;
}

/** Marks by the 0-based first line of their step. */
export type StepMarks = ReadonlyMap<number, StepMark>;

/** No marks: a run that has not started. */
export const NO_MARKS: StepMarks = new Map();

/** The marks after one more event of the file's run. */
export function applyRunEvent(marks: StepMarks, event: RunEvent): StepMarks {
  switch (event.type) {
    case 'file-start':
      return NO_MARKS;
    case 'step-start':
      if (event.step.kind === 'directive') return marks;
      return withMark(marks, event.step.range.start.line, { kind: event.step.kind, status: 'running' });
    case 'step-pass':
      if (event.step.kind === 'directive') return marks;
      return withMark(marks, event.step.range.start.line, { kind: event.step.kind, status: 'passed' });
    case 'step-fail':
      return withMark(marks, event.step.range.start.line, {
        kind: event.step.kind,
        status: 'failed',
        failure: event.failure.message,
      });
    case 'received': {
      const range = event.entry.range;
      if (range === undefined) return marks;
      return withMark(marks, range.start.line, { kind: 'expect', reply: event.entry.lines });
    }
    default:
      return marks;
  }
}

function withMark(marks: StepMarks, line: number, change: Partial<Omit<StepMark, 'line'>>): StepMarks {
  const previous = marks.get(line);
  const reply = change.reply ?? previous?.reply;
  const failure = change.failure ?? previous?.failure;
  const merged: StepMark = {
    line,
    kind: change.kind ?? previous?.kind ?? 'expect',
    status: change.status ?? previous?.status ?? 'running',
    ...(reply === undefined ? {} : { reply }),
    ...(failure === undefined ? {} : { failure }),
  };
  const next = new Map(marks);
  next.set(line, merged);
  return next;
}

const MAX_LABEL = 100;
const SYMBOLS: Readonly<Record<StepMarkStatus, string>> = { running: '…', passed: '✓', failed: '✗' };

/**
 * The text drawn after the line: the reply that came (its first line, and how many follow),
 * or why the step failed, or that it is still waiting.
 */
export function markLabel(mark: StepMark): string {
  const symbol = SYMBOLS[mark.status];
  const reply = mark.reply;
  let text: string;
  if (reply && reply.length > 0) {
    const first = (reply[0] ?? '').replace(/^S: /, '');
    text = reply.length > 1 ? `${first}  (+${reply.length - 1} more lines)` : first;
  } else if (mark.failure !== undefined) {
    text = mark.failure;
  } else if (mark.status === 'running') {
    text = mark.kind === 'expect' ? 'waiting for the reply' : 'sending';
  } else {
    text = mark.kind === 'send' ? 'sent' : '';
  }
  const label = `${symbol} ${text}`.trimEnd();
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** Markdown for hovering the mark: the whole reply, and why the step failed. */
export function markHover(mark: StepMark): string | undefined {
  const parts: string[] = [];
  if (mark.reply && mark.reply.length > 0) parts.push(`Reply:\n\n\`\`\`\n${mark.reply.join('\n')}\n\`\`\``);
  if (mark.failure !== undefined) parts.push(mark.failure);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}
