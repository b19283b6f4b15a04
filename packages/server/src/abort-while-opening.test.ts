/**
 * A client that disconnects while the store is still opening its message. Regression: the late
 * sink was told to abort in the background, so `session-end` (documented as "its connection
 * closed and any store cleanup finished") and `close()` came before the store had dropped the
 * message — a Maildir's temporary file could still be in tmp/ then.
 */
import { afterEach, expect, it } from 'vitest';
import type { MessageStore } from './stores/message-store.js';
import { type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('session-end waits until a sink that arrived after the disconnect has dropped the message', async () => {
  const log: string[] = [];
  const store: MessageStore = {
    async open() {
      await wait(80);
      log.push('opened');
      return {
        write() {},
        end() {},
        async abort() {
          await wait(30);
          log.push('aborted');
        },
      };
    },
  };
  running = await startServer({ store });
  const ended = new Promise<void>((resolve) =>
    running?.server.once('session-end', () => {
      log.push('session-end');
      resolve();
    }),
  );
  const client = await running.connectReady();
  client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
  // The 354 waits for the store to open; the client resets the connection before.
  expect((await client.replies(2)).map((reply) => reply.code)).toEqual([250, 250]);
  client.socket.resetAndDestroy();
  await ended;
  expect(log).toEqual(['opened', 'aborted', 'session-end']);
});
