/**
 * `--update`: rewrites the failing `S:` lines of a file to the replies that came (with
 * `applyReplyUpdates`, which leaves every other byte as it was), writes the file, and marks
 * those failures as updated so they no longer count.
 */
import { writeFile } from 'node:fs/promises';
import { formatReplyLines } from '../reply-lines.js';
import { applyReplyUpdates } from '../update.js';
import { errorReason } from './network-errors.js';
import {
  type AppliedUpdate,
  type Failure,
  type FileResult,
  type SessionResult,
  statusOfFailures,
  worstStatus,
} from './results.js';

/** Whether a failure is a reply that did not match written `S:` lines (what `--update` rewrites). */
export function isUpdatable(failure: Failure): boolean {
  return failure.kind === 'mismatch' && failure.reply !== undefined && failure.updated !== true;
}

/**
 * Rewrites `text` (the file's content when it was run) for every updatable failure of
 * `result`, writes it to `result.path`, and returns the result with those failures marked.
 */
export async function updateFile(result: FileResult, text: string): Promise<FileResult> {
  const failures = result.sessions.flatMap((s) => s.failures).filter(isUpdatable);
  if (failures.length === 0 || result.path === undefined) return result;
  const rewritten = applyReplyUpdates(
    text,
    failures.map((f) => ({ expectation: f.range, actual: f.reply as NonNullable<Failure['reply']> })),
  );
  if (rewritten === text) return result;
  try {
    await writeFile(result.path, rewritten);
  } catch (error) {
    return {
      ...result,
      warnings: [...result.warnings, { message: `cannot update ${result.file}: ${errorReason(error)}` }],
    };
  }
  const updates: AppliedUpdate[] = failures.map((f) => ({
    line: f.line,
    before: f.expected ?? '',
    after: formatReplyLines(f.reply as NonNullable<Failure['reply']>).join('\n'),
  }));
  const sessions = result.sessions.map((session): SessionResult => {
    if (!session.failures.some(isUpdatable)) return session;
    const marked = session.failures.map((f) => (isUpdatable(f) ? { ...f, updated: true } : f));
    return {
      ...session,
      failures: marked,
      status: session.status === 'skipped' ? 'skipped' : statusOfFailures(marked),
    };
  });
  return {
    ...result,
    sessions,
    status: worstStatus(sessions.map((s) => s.status)),
    updates: [...result.updates, ...updates],
  };
}
