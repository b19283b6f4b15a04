/**
 * How a transcript appears in the Test Explorer: the file is a test, and each of its sessions
 * (connections) a child test. Pure: the test controller turns these nodes into `TestItem`s.
 */
import type { Range, Session, TranscriptFile } from '@smtp/transcript';

/** One session as a child test. */
export interface SessionNode {
  /** Stable within the file while sessions keep their order: `session-1`, `session-2`, … */
  readonly id: string;
  /** 0-based index in the file, as the runner counts sessions. */
  readonly index: number;
  /** The comment just above the session when there is one, else `Session N`. */
  readonly label: string;
  /** Where it connects: `default server` or `host:port`. */
  readonly description: string;
  readonly range: Range;
}

const MAX_LABEL = 80;

/** The child tests of a file, one per session, in file order. */
export function sessionNodes(file: TranscriptFile): SessionNode[] {
  return file.sessions.map((session) => ({
    id: sessionTestId(session.index),
    index: session.index,
    label: commentAbove(file, session) ?? `Session ${session.index + 1}`,
    description: describeTarget(session),
    range: session.range,
  }));
}

/** The child-test id of the session at a 0-based index. */
export function sessionTestId(index: number): string {
  return `session-${index + 1}`;
}

/** The 0-based session index of a child-test id; undefined for other ids. */
export function sessionIndexOf(id: string): number | undefined {
  const match = /^session-([1-9][0-9]*)$/.exec(id);
  return match ? Number(match[1]) - 1 : undefined;
}

function describeTarget(session: Session): string {
  if (session.target === 'default') return 'default server';
  const host = session.target.host.includes(':') ? `[${session.target.host}]` : session.target.host;
  return `${host}:${session.target.port}`;
}

/**
 * The nearest comment above the session's first line, looking past directives (a file's
 * preamble, the `@close` of the session before) but not past anything else.
 */
function commentAbove(file: TranscriptFile, session: Session): string | undefined {
  for (let index = session.range.start.line - 1; index >= 0; index--) {
    const line = file.lines[index];
    if (line?.kind === 'directive') continue;
    if (line?.kind !== 'comment') return undefined;
    const text = line.text.trim();
    if (text === '') return undefined;
    return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
  }
  return undefined;
}
