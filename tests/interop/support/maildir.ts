/** Reading the messages a peer server delivered into a Maildir (`new/`). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The files of `DIR/new`, oldest first (by modification time, then name), as latin1 text. */
export function readMaildir(dir: string): { name: string; text: string }[] {
  const fresh = path.join(dir, 'new');
  if (!existsSync(fresh)) return [];
  return readdirSync(fresh)
    .map((name) => ({ name, file: path.join(fresh, name) }))
    .map((entry) => ({ ...entry, time: statSync(entry.file).mtimeMs }))
    .sort((a, b) => a.time - b.time || a.name.localeCompare(b.name))
    .map(({ name, file }) => ({ name, text: readFileSync(file, 'latin1') }));
}

/** Polls `read` until it returns at least `count` items (every 50 ms, at most `timeoutMs`). */
export async function waitForCount<T>(read: () => T[], count: number, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = read();
    if (items.length >= count || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Splits a stored message after the header lines a server put in front of it: every line up to
 * and including the first `Received:` field (with its continuation lines). Line ends are kept.
 */
export function afterTraceHeaders(stored: string): { trace: string; message: string } {
  const lines = stored.split(/(?<=\n)/);
  const received = lines.findIndex((line) => line.startsWith('Received: '));
  if (received === -1) return { trace: '', message: stored };
  let end = received + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end] as string)) end++;
  return { trace: lines.slice(0, end).join(''), message: lines.slice(end).join('') };
}

/** The message with CRLF line ends turned into LF, as servers that store Unix files write it. */
export const toLf = (text: string): string => text.replace(/\r\n/g, '\n');
