import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SmtpError } from '@smtp/codec';
import { maildirName, maildirNamePid } from './maildir-name.js';
import type { IncomingMessage, MessageSink, MessageStore } from './message-store.js';

/** Files in `tmp/` older than this are stale whoever made them (the Maildir convention). */
const STALE_AGE_MS = 36 * 3600 * 1000;
/** Body pieces are gathered up to this size and written with one system call. */
const WRITE_BATCH_BYTES = 64 * 1024;

/** Temporary files being written by any store in this process, so a second store's cleanup spares them. */
const inProgress = new Set<string>();

/**
 * Stores each message as one file in a Maildir (`DIR/tmp`, `DIR/new`, `DIR/cur`), exactly as
 * the server spec's Storage section says: a `Return-Path: <sender>` line, one
 * `Delivered-To: recipient` line per recipient (each ending in CRLF), then the message bytes
 * exactly as received. The file is written in `tmp/`, fsync'd, and renamed into `new/` (and the
 * directory fsync'd) before the server sends `250`; a message that is not acknowledged leaves
 * nothing in `new/` and nothing in `tmp/`.
 *
 * {@link prepare} (the server calls it before accepting connections) creates the directories and
 * removes stale files from `tmp/` left by a crash: files named by a process that is no longer
 * running (or by this process's pid in an earlier life), and any file older than 36 hours.
 */
export class MaildirStore implements MessageStore {
  /** The Maildir's directory. */
  readonly dir: string;
  #prepared: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the Maildir if needed and removes stale temporary files; safe to call again. */
  prepare(): Promise<void> {
    this.#prepared ??= this.#prepare();
    return this.#prepared;
  }

  async #prepare(): Promise<void> {
    for (const sub of ['tmp', 'new', 'cur'])
      await mkdir(join(this.dir, sub), { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, 'tmp');
    const now = Date.now();
    for (const name of await readdir(tmp)) {
      const path = join(tmp, name);
      if (inProgress.has(path)) continue;
      const pid = maildirNamePid(name);
      const ownerGone = pid !== undefined && (pid === process.pid || !processRunning(pid));
      if (!ownerGone) {
        const info = await stat(path).catch(() => undefined);
        if (info === undefined || now - info.mtimeMs < STALE_AGE_MS) continue;
      }
      await unlink(path).catch(() => {});
    }
  }

  /** Part of {@link MessageStore}: starts a file in `tmp/` with the envelope lines. */
  async open(message: IncomingMessage): Promise<MessageSink> {
    await this.prepare();
    const name = maildirName();
    const tmpPath = join(this.dir, 'tmp', name);
    let handle: FileHandle;
    try {
      handle = await open(tmpPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      throw storageError(error);
    }
    inProgress.add(tmpPath);
    const sink = new MaildirSink(handle, tmpPath, join(this.dir, 'new', name), join(this.dir, 'new'));
    sink.write(envelopeLines(message));
    return sink;
  }
}

/**
 * `Return-Path: <from>` and one `Delivered-To: to` per recipient, CRLF after each. The
 * address after Delivered-To is a bare addr-spec, as RFC 9228 defines the field (and as
 * Postfix and Dovecot write it); Return-Path keeps its angle brackets (RFC 5322 §3.6.7).
 */
export function envelopeLines(message: Pick<IncomingMessage, 'from' | 'to'>): Buffer {
  let text = `Return-Path: <${message.from}>\r\n`;
  for (const recipient of message.to) text += `Delivered-To: ${recipient}\r\n`;
  return Buffer.from(text, 'utf8');
}

/**
 * Where one message's file is in its life. `abandoned`: the server gave up on the message while a
 * file operation was still running; the file is removed as soon as that operation ends.
 */
type SinkState = 'writing' | 'abandoned' | 'committed' | 'discarded';

class MaildirSink implements MessageSink {
  #state: SinkState = 'writing';
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  /** The last file operation started; every operation waits for the one before it. */
  #last: Promise<void> = Promise.resolve();
  #failure: unknown;

  constructor(
    readonly handle: FileHandle,
    readonly tmpPath: string,
    readonly newPath: string,
    readonly newDir: string,
  ) {}

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.#state !== 'writing' || this.#failure !== undefined) return;
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    if (this.#batchBytes >= WRITE_BATCH_BYTES) return this.#enqueue(() => this.#writeBatch());
  }

  end(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#state !== 'writing') throw new SmtpError(451, 'Message abandoned', { enhanced: '4.3.0' });
      try {
        if (this.#failure !== undefined) throw this.#failure;
        await this.#writeBatch();
        await this.handle.sync();
        await this.handle.close();
        // Checked again after the slow part: a shutdown may have given up on the message meanwhile.
        if (this.#state !== 'writing') throw new SmtpError(451, 'Message abandoned', { enhanced: '4.3.0' });
        await rename(this.tmpPath, this.newPath);
        this.#state = 'committed';
        inProgress.delete(this.tmpPath);
      } catch (error) {
        await this.#discard();
        throw storageError(error);
      }
      // The rename is durable only once the directory itself is on disk.
      await syncDirectory(this.newDir).catch(() => {});
    });
  }

  abort(): Promise<void> {
    // Marked at once, so a commit already under way stops before its rename.
    if (this.#state === 'writing') this.#state = 'abandoned';
    return this.#enqueue(() => this.#discard());
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.#last.then(operation);
    // Keep the chain alive after a failure; the caller of this operation sees the failure.
    this.#last = next.catch(() => {});
    return next;
  }

  async #writeBatch(): Promise<void> {
    if (this.#batchBytes === 0) return;
    const parts = this.#batch;
    const total = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    try {
      let written = (await this.handle.writev(parts)).bytesWritten;
      // A regular file takes all of a writev but on a full disk; finish the rest if not.
      if (written < total) {
        const all = Buffer.concat(parts);
        while (written < total) written += (await this.handle.write(all, written)).bytesWritten;
      }
    } catch (error) {
      this.#failure ??= error;
    }
  }

  async #discard(): Promise<void> {
    if (this.#state !== 'writing' && this.#state !== 'abandoned') return;
    this.#state = 'discarded';
    this.#batch = [];
    await this.handle.close().catch(() => {});
    await unlink(this.tmpPath).catch(() => {});
    inProgress.delete(this.tmpPath);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A full disk or quota is the client's cue to retry later (452 4.3.1); anything else is 451 4.3.0. */
function storageError(error: unknown): SmtpError {
  if (error instanceof SmtpError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new SmtpError(452, 'Insufficient system storage', { enhanced: '4.3.1', cause: error });
  }
  return new SmtpError(451, 'Local error in processing', { enhanced: '4.3.0', cause: error });
}
