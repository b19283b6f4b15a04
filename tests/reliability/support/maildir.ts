import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A message file of `new/` split the way the spec's Storage section writes it. */
export interface MaildirMessage {
  readonly name: string;
  /** The whole file, latin1. */
  readonly file: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The message octets after the envelope lines (latin1). */
  readonly body: string;
}

/** The file content the spec requires for a message: envelope lines, then the body as received. */
export function maildirFile(from: string, to: readonly string[], body: string): string {
  return `Return-Path: <${from}>\r\n${to.map((address) => `Delivered-To: ${address}\r\n`).join('')}${body}`;
}

/** Parses a file of `new/`; throws when the envelope lines are not as the spec says. */
export function parseMaildirFile(name: string, file: string): MaildirMessage {
  const returnPath = /^Return-Path: <([^>\r\n]*)>\r\n/.exec(file);
  if (returnPath === null) throw new Error(`${name}: no Return-Path line`);
  let offset = returnPath[0].length;
  const to: string[] = [];
  const delivered = /Delivered-To: ([^\r\n]*)\r\n/y;
  for (;;) {
    delivered.lastIndex = offset;
    const match = delivered.exec(file);
    if (match === null) break;
    to.push(match[1] as string);
    offset = delivered.lastIndex;
  }
  if (to.length === 0) throw new Error(`${name}: no Delivered-To line`);
  return { name, file, from: returnPath[1] as string, to, body: file.slice(offset) };
}

/**
 * The names in `tmp/` and the parsed messages of `new/` (`cur/` must stay empty: nobody reads),
 * leaving out files of `new/` already in `skip`.
 */
export async function readMaildir(
  dir: string,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ tmp: string[]; cur: string[]; messages: MaildirMessage[] }> {
  const list = (sub: string) => readdir(path.join(dir, sub)).catch(() => [] as string[]);
  const names = (await list('new')).filter((name) => !skip.has(name)).sort();
  // A few dozen files at a time: a soak leaves tens of thousands, more than a process may open.
  const messages: MaildirMessage[] = [];
  for (let start = 0; start < names.length; start += 64) {
    const batch = names.slice(start, start + 64);
    const read = batch.map(async (name) =>
      parseMaildirFile(name, (await readFile(path.join(dir, 'new', name))).toString('latin1')),
    );
    messages.push(...(await Promise.all(read)));
  }
  return { tmp: await list('tmp'), cur: await list('cur'), messages };
}

/** A fresh directory under the system's temporary directory, and how to remove it. */
export async function scratchDirectory(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `smtp-reliability-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
