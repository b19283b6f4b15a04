/**
 * An SMTP reply as it travels on the wire: a three-digit code and one or more text lines.
 *
 * `lines` holds the text of each line exactly as sent after the code and its separator
 * (`250-` or `250 `), the enhanced status code included, so formatting a parsed reply
 * gives back the same bytes. `enhanced` is the RFC 3463 code read from the first line,
 * when there is one.
 */
export interface Reply {
  /** The reply code, 200-599 (RFC 5321 §4.2). */
  readonly code: number;
  /** The RFC 3463 enhanced status code (`class.subject.detail`), when the reply carries one. */
  readonly enhanced?: string;
  /** The text of each line after `CODE-` / `CODE `; at least one line, possibly empty. */
  readonly lines: readonly string[];
}

/** The first digit of a reply code: what the client should do next (RFC 5321 §4.2.1). */
export type ReplyClass = 'preliminary' | 'completion' | 'intermediate' | 'transient' | 'permanent';

/** Returns the category of a reply code by its first digit. */
export function replyClass(code: number): ReplyClass {
  const first = Math.floor(code / 100);
  switch (first) {
    case 1:
      return 'preliminary';
    case 2:
      return 'completion';
    case 3:
      return 'intermediate';
    case 4:
      return 'transient';
    default:
      return 'permanent';
  }
}

/** True for 2xx and 3xx replies. */
export function isPositive(code: number): boolean {
  return code >= 200 && code < 400;
}

/** The text of a reply's lines with the enhanced status code (when present) taken off each line. */
export function replyText(reply: Reply): string[] {
  if (reply.enhanced === undefined) return [...reply.lines];
  const prefix = `${reply.enhanced} `;
  return reply.lines.map((line) =>
    line.startsWith(prefix) ? line.slice(prefix.length) : line === reply.enhanced ? '' : line,
  );
}
