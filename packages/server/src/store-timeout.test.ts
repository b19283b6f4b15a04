/**
 * A store that stalls must not hold a client forever. Regression: the server waited on a store's
 * open/write/end without bound (the idle timeout does not count while the server waits), so a
 * hung store left every client that sent a message hanging until shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageAbortReason, MessageSink, MessageStore } from './stores/message-store.js';
import { eventually, type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

type Step = 'open' | 'write' | 'end';

/** A store whose `stallAt` step never settles (until `release`), recording what happens to it. */
function stallingStore(stallAt: Step) {
  const aborts: MessageAbortReason[] = [];
  const kept: string[] = [];
  let release: () => void = () => {};
  const stalled = new Promise<void>((resolve) => {
    release = resolve;
  });
  let stalledOnce = false;
  const stallHere = (step: Step) => {
    if (step !== stallAt || stalledOnce) return undefined;
    stalledOnce = true;
    return stalled;
  };
  const sink = (): MessageSink => {
    const parts: Buffer[] = [];
    let abandoned = false;
    return {
      write(chunk) {
        parts.push(Buffer.from(chunk));
        return stallHere('write');
      },
      async end() {
        await stallHere('end');
        // Like MaildirStore: a commit that wakes up after an abort does not keep the message.
        if (abandoned) throw new Error('abandoned');
        kept.push(Buffer.concat(parts).toString('latin1'));
      },
      abort(reason) {
        abandoned = true;
        aborts.push(reason);
      },
    };
  };
  const store: MessageStore = {
    open() {
      const wait = stallHere('open');
      return wait === undefined ? sink() : wait.then(sink);
    },
  };
  return { store, aborts, kept, release: () => release() };
}

const MESSAGE = 'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n';

for (const step of ['open', 'write', 'end'] as const) {
  describe(`a store whose ${step}() stalls`, () => {
    it('gets the client 451 4.3.0 after storeTimeout; the message is dropped and the session goes on', async () => {
      const store = stallingStore(step);
      const errors: Error[] = [];
      running = await startServer({ store: store.store, storeTimeout: 100 });
      running.server.on('error', (error) => errors.push(error));
      const client = await running.connectReady();
      client.write(MESSAGE);
      expect((await client.replies(3)).map((reply) => reply.code)).toEqual([250, 250, 354]);
      client.write('Subject: stalled\r\n\r\nbody\r\n.\r\n');
      const refused = await client.reply(3000);
      expect([refused.code, refused.enhanced]).toEqual([451, '4.3.0']);
      expect(errors.map((error) => error.name)).toEqual(['StoreTimeoutError']);
      // The store hears that the message is abandoned; its late answer changes nothing.
      if (step !== 'open') await eventually(() => store.aborts.length === 1);
      store.release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(store.kept).toEqual([]);
      expect(running.server.counters.messages).toBe(0);
      // The connection is healthy: the next message goes through the (now answering) store.
      client.write(MESSAGE);
      expect((await client.replies(3)).map((reply) => reply.code)).toEqual([250, 250, 354]);
      client.write('Subject: second\r\n\r\nbody\r\n.\r\n');
      expect((await client.reply()).code).toBe(250);
      expect(store.kept).toEqual(['Subject: second\r\n\r\nbody\r\n']);
      await client.quit();
    });
  });
}

describe('storeTimeout', () => {
  it('0 waits as long as the store takes', async () => {
    const store = stallingStore('end');
    running = await startServer({ store: store.store, storeTimeout: 0 });
    const client = await running.connectReady();
    client.write(MESSAGE);
    await client.replies(3);
    client.write('Subject: slow\r\n\r\nbody\r\n.\r\n');
    await expect(client.reply(300)).rejects.toThrow(/no complete reply/);
    store.release();
    expect((await client.reply()).code).toBe(250);
    expect(store.kept).toHaveLength(1);
    await client.quit();
  });

  it('refuses a negative value', async () => {
    await expect(startServer({ storeTimeout: -1 })).rejects.toThrow(/storeTimeout/);
  });
});
