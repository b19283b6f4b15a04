import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MaildirStore } from './stores/maildir-store.js';
import type { MessageStore } from './stores/message-store.js';
import {
  type RunningServer,
  readMaildir,
  startServer,
  temporaryDirectory,
} from './test-support/start-server.js';
import { TestClient } from './test-support/test-client.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer(options);
  return running;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('tells idle sessions 421 4.3.2 at once and stops accepting', async () => {
    const { connect, connectReady, server, port } = await start();
    const idle = await connect();
    const afterEhlo = await connectReady();
    const started = Date.now();
    const closing = server.close({ grace: 10_000 });
    expect(await idle.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    expect(await afterEhlo.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    await Promise.all([idle.waitClosed(), afterEhlo.waitClosed()]);
    await closing;
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(TestClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('tells a client still waiting on onConnect 421 4.3.2', async () => {
    const { server, port } = await start({ onConnect: () => sleep(2000) });
    const client = await TestClient.connect(port);
    await sleep(100);
    await server.close({ grace: 5000 });
    expect(await client.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    await client.waitClosed();
  });

  it('lets a message in progress finish within the grace period, stores it, then says 421', async () => {
    const { connectReady, server, memory } = await start();
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('Subject: in flight\r\n\r\nfirst half\r\n');
    const closing = server.close({ grace: 5000 });
    await sleep(200);
    expect(client.isClosed).toBe(false);
    client.write('second half\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    expect(await client.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    await client.waitClosed();
    await closing;
    expect(memory.messages.map((m) => m.data.toString())).toEqual([
      'Subject: in flight\r\n\r\nfirst half\r\nsecond half\r\n',
    ]);
  });

  it('answers a slow hook’s decision first, then says 421', async () => {
    const { connectReady, server } = await start({ onRcpt: () => sleep(300) });
    const client = await connectReady();
    await client.command('MAIL FROM:<a@example.test>');
    client.write('RCPT TO:<b@example.test>\r\n');
    await sleep(50);
    const closing = server.close({ grace: 5000 });
    expect((await client.reply()).code).toBe(250);
    expect(await client.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    await closing;
  });

  it('gives up on a message not finished within the grace period: 421 4.3.2, nothing stored', async () => {
    const temp = await temporaryDirectory('smtp-shutdown-');
    const maildir = join(temp.dir, 'Maildir');
    try {
      const { connectReady, server } = await start({ store: new MaildirStore(maildir) });
      const client = await connectReady();
      client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
      await client.replies(3);
      client.write('Subject: never finished\r\n\r\n'.padEnd(100_000, 'z'));
      await sleep(100);
      await server.close({ grace: 300 });
      expect(await client.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
      await client.waitClosed();
      expect(await readMaildir(maildir)).toEqual({ tmp: [], new: [], cur: [] });
    } finally {
      await temp.remove();
    }
  });

  it('abandons a store that has not committed by the end of the grace period', async () => {
    const calls: string[] = [];
    const store: MessageStore = {
      open: () => ({
        write: () => {
          calls.push('write');
        },
        end: () => {
          calls.push('end');
          return new Promise<void>(() => {});
        },
        abort: (reason) => {
          calls.push(`abort:${reason}`);
        },
      }),
    };
    const { connectReady, server } = await start({ store });
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nbody\r\n.\r\n');
    await client.replies(3);
    await sleep(50);
    await server.close({ grace: 200 });
    expect(await client.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    expect(calls).toEqual(['write', 'end', 'abort:shutdown']);
    expect(server.counters.messages).toBe(0);
  });
});
