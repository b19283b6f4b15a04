import { SmtpError } from '@smtp/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStore } from './stores/message-store.js';
import { type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer({ lmtp: true, ...options });
  return running;
}

describe('LMTP', () => {
  it('greets as LMTP, wants LHLO, and answers once per accepted recipient', async () => {
    const { connect, memory } = await start();
    const client = await connect();
    expect(await client.command('EHLO client.test')).toMatchObject({ code: 500 });
    expect((await client.command('LHLO client.test')).code).toBe(250);
    client.write(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n',
    );
    expect((await client.replies(4)).map((r) => r.code)).toEqual([250, 250, 250, 354]);
    client.write('hello\r\n.\r\n');
    const results = await client.replies(2);
    expect(results.map((r) => [r.code, r.enhanced])).toEqual([
      [250, '2.0.0'],
      [250, '2.0.0'],
    ]);
    expect(results[0]?.lines[0]).toContain(memory.messages[0]?.id);
    expect(memory.messages[0]?.to).toEqual(['b@example.test', 'c@example.test']);
    await client.quit();
  });

  it('gives each recipient the result the store reports for it', async () => {
    const store: MessageStore = {
      open: (message) => ({
        write() {},
        end: () => ({
          recipients: message.to.map((to) =>
            to.startsWith('full@') ? new SmtpError(452, 'Mailbox full', { enhanced: '4.2.2' }) : undefined,
          ),
        }),
        abort() {},
      }),
    };
    const { connect } = await start({ store });
    const client = await connect();
    await client.command('LHLO client.test');
    client.write(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<ok@example.test>\r\nRCPT TO:<full@example.test>\r\nDATA\r\n',
    );
    await client.replies(4);
    client.write('hello\r\n.\r\n');
    expect((await client.replies(2)).map((r) => [r.code, r.enhanced])).toEqual([
      [250, '2.0.0'],
      [452, '4.2.2'],
    ]);
    await client.quit();
  });

  it('refuses every recipient with the store’s error when the store fails', async () => {
    const store: MessageStore = {
      open: () => ({
        write() {},
        end: () => {
          throw new SmtpError(451, 'Try later', { enhanced: '4.3.0' });
        },
        abort() {},
      }),
    };
    const { connect } = await start({ store });
    const client = await connect();
    await client.command('LHLO client.test');
    client.write(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<x@example.test>\r\nRCPT TO:<y@example.test>\r\nDATA\r\n',
    );
    await client.replies(4);
    client.write('hello\r\n.\r\n');
    expect((await client.replies(2)).map((r) => r.code)).toEqual([451, 451]);
    await client.quit();
  });
});
