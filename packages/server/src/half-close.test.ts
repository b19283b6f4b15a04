/**
 * A client may shut down its sending side after its last command (`printf … | nc -N`, scripts
 * that pipe a whole session) and still expects every reply. Regression: the server used to end
 * its own side at the client's FIN, so a message still being committed by an asynchronous store
 * was dropped and never answered.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MaildirStore } from './stores/maildir-store.js';
import type { MessageStore } from './stores/message-store.js';
import {
  eventually,
  type RunningServer,
  readMaildir,
  startServer,
  temporaryDirectory,
} from './test-support/start-server.js';

let running: RunningServer | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const OPEN = 'EHLO c.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n';

/** Writes `text`, half-closes, and collects everything the server says until it closes. */
async function sendAndHalfClose(port: number, text: string): Promise<string> {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.end(Buffer.from(text, 'latin1'));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close; received ${received}`)), 5000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return received;
}

/** A store that answers a tick late, like any store doing I/O. */
function slowStore(kept: string[]): MessageStore {
  return {
    open() {
      const parts: Buffer[] = [];
      return {
        write: (chunk) => {
          parts.push(Buffer.from(chunk));
        },
        end: () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              kept.push(Buffer.concat(parts).toString('latin1'));
              resolve();
            }, 20),
          ),
        abort: () => {},
      };
    },
  };
}

describe('a client that half-closes after its last command', () => {
  it('gets the 250 of a message the store commits after the FIN, and the 221 to QUIT', async () => {
    const kept: string[] = [];
    running = await startServer({ store: slowStore(kept) });
    const received = await sendAndHalfClose(running.port, `${OPEN}Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n`);
    expect(received).toMatch(/\r\n250 2\.0\.0 [^\r]*\r\n221 2\.0\.0 [^\r]*\r\n$/);
    expect(kept).toEqual(['Subject: x\r\n\r\nhi\r\n']);
  });

  it('has its message written to the Maildir and acknowledged', async () => {
    const temp = await temporaryDirectory('smtp-half-close-');
    cleanups.push(temp.remove);
    const maildir = join(temp.dir, 'Maildir');
    running = await startServer({ store: new MaildirStore(maildir) });
    const received = await sendAndHalfClose(running.port, `${OPEN}Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n`);
    expect(received).toMatch(/\r\n250 2\.0\.0 [^\r]*\r\n221 2\.0\.0 [^\r]*\r\n$/);
    const box = await readMaildir(maildir);
    expect(box.new.map((file) => file.toString('latin1'))).toEqual([
      'Return-Path: <a@example.test>\r\nDelivered-To: b@example.test\r\nSubject: x\r\n\r\nhi\r\n',
    ]);
    expect(box.tmp).toEqual([]);
  });

  it('without QUIT: every command is answered, then the server closes', async () => {
    const kept: string[] = [];
    running = await startServer({ store: slowStore(kept) });
    const received = await sendAndHalfClose(running.port, `${OPEN}Subject: x\r\n\r\nhi\r\n.\r\nNOOP\r\n`);
    expect(received).toMatch(/\r\n250 2\.0\.0 [^\r]*\r\n250 2\.0\.0 [^\r]*\r\n$/);
    expect(kept).toHaveLength(1);
  });

  it('in the middle of DATA: nothing is stored, and the server closes', async () => {
    const kept: string[] = [];
    running = await startServer({ store: slowStore(kept) });
    const server = running.server;
    const received = await sendAndHalfClose(running.port, `${OPEN}Subject: x\r\n\r\nunfinished\r\n`);
    expect(received).toMatch(/\r\n354 [^\r]*\r\n$/);
    await eventually(() => server.counters.activeConnections === 0);
    expect(kept).toEqual([]);
  });
});
