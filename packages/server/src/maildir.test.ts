import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from './session-info.js';
import { MaildirStore } from './stores/maildir-store.js';
import {
  eventually,
  type RunningServer,
  readMaildir,
  startServer,
  temporaryDirectory,
} from './test-support/start-server.js';
import type { TestClient } from './test-support/test-client.js';

let running: RunningServer | undefined;
let temp: Awaited<ReturnType<typeof temporaryDirectory>>;
let maildir: string;

beforeEach(async () => {
  temp = await temporaryDirectory('smtp-maildir-server-');
  maildir = join(temp.dir, 'Maildir');
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await temp.remove();
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer({ store: new MaildirStore(maildir), ...options });
  return running;
}

/** Resolves when the server has finished with a connection (socket closed, store cleaned up). */
function sessionEnded(server: RunningServer['server']): Promise<SessionInfo> {
  return new Promise((resolve) => server.once('session-end', resolve));
}

async function openData(client: TestClient, recipients = ['bob@example.test']): Promise<void> {
  client.write(
    `MAIL FROM:<alice@example.test>\r\n${recipients.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`,
  );
  const replies = await client.replies(recipients.length + 2);
  expect(replies.at(-1)?.code).toBe(354);
}

describe('Maildir through the server', () => {
  it('writes exactly Return-Path, Delivered-To lines and the message bytes, in new/', async () => {
    const { connectReady } = await start();
    const client = await connectReady();
    await openData(client, ['bob@example.test', 'carol@example.test']);
    client.write('Subject: exact\r\n\r\n..starts with a dot\r\n8-bit \xe9\xff and NUL \0 kept\r\n\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    const box = await readMaildir(maildir);
    expect(box.tmp).toEqual([]);
    expect(box.new).toHaveLength(1);
    expect(box.new[0]).toEqual(
      Buffer.from(
        'Return-Path: <alice@example.test>\r\n' +
          'Delivered-To: bob@example.test\r\n' +
          'Delivered-To: carol@example.test\r\n' +
          'Subject: exact\r\n\r\n.starts with a dot\r\n8-bit \xe9\xff and NUL \0 kept\r\n\r\n',
        'latin1',
      ),
    );
    await client.quit();
  });

  it('stores BDAT chunks exactly, with no unstuffing', async () => {
    const { connectReady } = await start();
    const client = await connectReady();
    client.write('MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nBDAT 4\r\n.a\r\nBDAT 3 LAST\r\n..\n');
    expect((await client.replies(4)).map((r) => r.code)).toEqual([250, 250, 250, 250]);
    const box = await readMaildir(maildir);
    expect(box.new[0]?.toString('latin1')).toBe(
      'Return-Path: <>\r\nDelivered-To: bob@example.test\r\n.a\r\n..\n',
    );
    await client.quit();
  });

  it('leaves nothing in tmp/ or new/ when the client disconnects in the middle of DATA', async () => {
    const { connectReady, server } = await start();
    const client = await connectReady();
    await openData(client);
    client.write(`${'x'.repeat(998)}\r\n`.repeat(200));
    await eventually(async () => (await readMaildir(maildir)).tmp.length === 1);
    const ended = sessionEnded(server);
    client.destroy();
    await ended;
    expect(await readMaildir(maildir)).toEqual({ tmp: [], new: [], cur: [] });
  });

  it('leaves nothing when the message is over the size limit', async () => {
    const { connectReady } = await start({ maxMessageSize: 10_000 });
    const client = await connectReady();
    await openData(client);
    client.write(`${'y'.repeat(98)}\r\n`.repeat(200));
    client.write('.\r\n');
    expect(await client.reply()).toMatchObject({ code: 552, enhanced: '5.3.4' });
    expect(await readMaildir(maildir)).toEqual({ tmp: [], new: [], cur: [] });
    await client.quit();
  });

  it('leaves nothing when a bare LF ends the session', async () => {
    const { connectReady } = await start();
    const client = await connectReady();
    await openData(client);
    client.write('fine line\r\n'.repeat(100));
    client.write('smuggled\n.\nMAIL FROM:<x@example.test>\r\n');
    expect(await client.reply()).toMatchObject({ code: 521, enhanced: '5.5.2' });
    await client.waitClosed();
    await eventually(async () => (await readMaildir(maildir)).tmp.length === 0);
    expect(await readMaildir(maildir)).toEqual({ tmp: [], new: [], cur: [] });
  });

  it('leaves nothing when RSET abandons a BDAT transfer', async () => {
    const { connectReady } = await start();
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 5\r\nfirstRSET\r\n');
    expect((await client.replies(4)).map((r) => r.code)).toEqual([250, 250, 250, 250]);
    await eventually(async () => (await readMaildir(maildir)).tmp.length === 0);
    expect(await readMaildir(maildir)).toEqual({ tmp: [], new: [], cur: [] });
    await client.quit();
  });

  it('answers 451 4.3.0 and leaves nothing when the file cannot be committed', async () => {
    const { connectReady } = await start();
    await rm(join(maildir, 'new'), { recursive: true });
    await writeFile(join(maildir, 'new'), 'a file where new/ should be');
    const client = await connectReady();
    await openData(client);
    client.write('body\r\n.\r\n');
    expect(await client.reply()).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect((await readMaildir(maildir)).tmp).toEqual([]);
    await client.quit();
  });

  it('removes stale files a crashed run left in tmp/ when it starts', async () => {
    await mkdir(join(maildir, 'tmp'), { recursive: true });
    await writeFile(join(maildir, 'tmp', '1700000000.M1P999999999Q1.host'), 'half a message');
    await start();
    expect((await readMaildir(maildir)).tmp).toEqual([]);
  });
});
