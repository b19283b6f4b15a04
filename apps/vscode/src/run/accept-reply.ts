/**
 * "Accept actual reply": the same rewrite as `smtp run --update` (`applyReplyUpdates`), turned
 * into the smallest text edit, so the editor's undo, cursor and other marks stay where they are.
 */
import { applyReplyUpdates, type Failure, type Position, type Range } from '@smtp/transcript';

/** Replace `range` of the old text with `text`. */
export interface TextEdit {
  readonly range: Range;
  readonly text: string;
}

/** A failure the quick fix can act on: a mismatch that carries the reply that came. */
export type AcceptableFailure = Failure & { readonly reply: NonNullable<Failure['reply']> };

/** Whether a failure can be fixed by accepting its reply. */
export function isAcceptable(failure: Failure): failure is AcceptableFailure {
  return failure.kind === 'mismatch' && failure.reply !== undefined && failure.updated !== true;
}

/**
 * The edit that rewrites each failure's `S:` lines to the reply that came; undefined when the
 * text would not change (the expectations are no longer where the failures point).
 */
export function acceptReplyEdit(text: string, failures: readonly AcceptableFailure[]): TextEdit | undefined {
  const updated = applyReplyUpdates(
    text,
    failures.map((failure) => ({ expectation: failure.range, actual: failure.reply })),
  );
  return minimalEdit(text, updated);
}

/** The smallest single edit that turns `before` into `after`; undefined when they are equal. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let prefix = 0;
  const shortest = Math.min(before.length, after.length);
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  // Never cut a CRLF in two: VS Code counts it as one line end, and a position cannot sit inside it.
  if (prefix > 0 && before[prefix - 1] === '\r' && before[prefix] === '\n') prefix--;
  const endBefore = before.length - suffix;
  if (before[endBefore - 1] === '\r' && before[endBefore] === '\n') suffix--;
  const endAfter = after.length - suffix;
  return {
    range: { start: positionAt(before, prefix), end: positionAt(before, before.length - suffix) },
    text: after.slice(prefix, endAfter),
  };
}

/** The line and column of an offset, counting CRLF, LF and a lone CR as line ends (as VS Code does). */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    const char = text.charCodeAt(index);
    if (char === 13 /* \r */) {
      if (text.charCodeAt(index + 1) === 10) index++;
      line++;
      lineStart = index + 1;
    } else if (char === 10 /* \n */) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, character: offset - lineStart };
}
