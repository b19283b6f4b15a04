import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './test-support/start-server.js';
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

describe('connection limits', () => {
  it('turns away connections over the overall limit with 421 4.3.2', async () => {
    const { connect, port, server } = await start({ maxConnections: 2, maxConnectionsPerAddress: 0 });
    const first = await connect();
    const second = await connect();
    const third = await TestClient.connect(port);
    expect(await third.reply()).toMatchObject({ code: 421, enhanced: '4.3.2' });
    await third.waitClosed();
    expect(server.counters.refusedConnections).toBe(1);
    await first.quit();
    await new Promise((resolve) => server.once('session-end', resolve));
    const fourth = await connect();
    await Promise.all([second.quit(), fourth.quit()]);
  });

  it('turns away connections over the per-address limit with 421 4.7.0', async () => {
    const { connect, port } = await start({ maxConnectionsPerAddress: 1 });
    const first = await connect();
    const second = await TestClient.connect(port);
    expect(await second.reply()).toMatchObject({ code: 421, enhanced: '4.7.0' });
    await second.waitClosed();
    // Another client address has its own count.
    const other = await TestClient.connect(port, { localAddress: '127.0.0.2' });
    expect((await other.reply()).code).toBe(220);
    await Promise.all([other.quit(), first.quit()]);
  });
});

describe('idle timeout', () => {
  it('answers 421 4.4.2 and closes a silent client', async () => {
    const { connect } = await start({ idleTimeout: 200 });
    const client = await connect();
    await client.command('EHLO client.test');
    expect(await client.reply(3000)).toMatchObject({ code: 421, enhanced: '4.4.2' });
    await client.waitClosed();
  });

  it('counts from the last byte received, also inside a command line', async () => {
    const { connect } = await start({ idleTimeout: 300 });
    const client = await connect();
    for (const piece of ['EH', 'LO cl', 'ient.', 'test\r\n']) {
      await sleep(150);
      client.write(piece);
    }
    expect((await client.reply()).code).toBe(250);
    await client.quit();
  });

  it('times out in the middle of DATA and stores nothing', async () => {
    const { connectReady, memory } = await start({ idleTimeout: 300 });
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('Subject: never finished\r\n\r\nhalf a body');
    expect(await client.reply(3000)).toMatchObject({ code: 421, enhanced: '4.4.2' });
    await client.waitClosed();
    expect(memory.messages).toEqual([]);
  });

  it('does not count while the application is deciding', async () => {
    const { connectReady } = await start({
      idleTimeout: 200,
      onMail: () => sleep(500),
    });
    const client = await connectReady();
    expect((await client.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    await client.quit();
  });
});
