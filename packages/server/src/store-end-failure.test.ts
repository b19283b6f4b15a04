/**
 * A sink whose end() fails. Regression: the server sent the refusal but never told the sink to
 * drop the message, so a store that refuses in end() before handing the message on (a filter in
 * front of a Maildir, say) left its temporary file in tmp/ for good.
 */
import { SmtpError } from '@smtp/codec';
import { afterEach, expect, it } from 'vitest';
import type { MessageSink, MessageStore } from './stores/message-store.js';
import { type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A store whose end() fails as `failure` says; records what the sink was told. */
function failingStore(log: string[], failure: () => never | Promise<never>): MessageStore {
  return {
    open(): MessageSink {
      return {
        write() {},
        end: () => failure(),
        async abort(reason) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          log.push(`abort ${reason}`);
        },
      };
    },
  };
}

const cases: readonly [string, () => never | Promise<never>, string][] = [
  [
    'throws an SMTP error',
    () => {
      throw new SmtpError(452, 'Insufficient system storage', { enhanced: '4.3.1' });
    },
    '452',
  ],
  ['rejects', () => Promise.reject(new Error('disk gone')), '451'],
];

for (const [how, failure, code] of cases) {
  it(`end() ${how}: the sink is told to drop the message before the ${code} goes out`, async () => {
    const log: string[] = [];
    running = await startServer({ store: failingStore(log, failure) });
    const client = await running.connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    expect((await client.replies(3)).map((reply) => reply.code)).toEqual([250, 250, 354]);
    client.write('Subject: x\r\n\r\nbody\r\n.\r\n');
    const reply = await client.reply();
    log.push(`reply ${reply.code}`);
    expect(log).toEqual(['abort refused', `reply ${code}`]);
  });
}
