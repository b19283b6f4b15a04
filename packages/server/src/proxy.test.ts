import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from './session-info.js';
import { proxyV1, proxyV2, proxyV2Local } from './test-support/proxy-headers.js';
import { type RunningServer, startServer } from './test-support/start-server.js';
import { TestClient } from './test-support/test-client.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer({ proxyProtocol: true, ...options });
  return running;
}

function nextSession(server: RunningServer['server']): Promise<SessionInfo> {
  return new Promise((resolve) => server.once('session', resolve));
}

describe('PROXY protocol', () => {
  it('takes the client address from a v1 header, for hooks and stored messages', async () => {
    const seen: string[] = [];
    const { port, server, memory } = await start({
      onConnect: (session) => {
        seen.push(`${session.remoteAddress}:${session.remotePort}`);
      },
    });
    const session = nextSession(server);
    const client = await TestClient.connect(port, {
      preface: Buffer.concat([
        proxyV1('198.51.100.20', 50000, '192.0.2.1', 25),
        Buffer.from('EHLO c.test\r\n'),
      ]),
    });
    expect((await client.reply()).code).toBe(220);
    expect((await client.reply()).code).toBe(250);
    expect(await session).toMatchObject({
      remoteAddress: '198.51.100.20',
      remotePort: 50000,
      localAddress: '192.0.2.1',
      localPort: 25,
      proxy: { version: 1, command: 'proxy' },
    });
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nx\r\n.\r\n');
    await client.replies(4);
    expect(memory.messages[0]?.session.remoteAddress).toBe('198.51.100.20');
    expect(seen).toEqual(['198.51.100.20:50000']);
    await client.quit();
  });

  it('reads a v2 header split across writes', async () => {
    const { port, server } = await start();
    const session = nextSession(server);
    const header = proxyV2('2001:db8::7', 1234, '2001:db8::1', 587);
    const client = await TestClient.connect(port, { preface: header.subarray(0, 10) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.write(header.subarray(10));
    expect((await client.reply()).code).toBe(220);
    expect(await session).toMatchObject({
      remoteAddress: '2001:db8::7',
      remotePort: 1234,
      proxy: { version: 2 },
    });
    await client.quit();
  });

  it('keeps the socket address for a v2 LOCAL header (a health check)', async () => {
    const { port, server } = await start();
    const session = nextSession(server);
    const client = await TestClient.connect(port, { preface: proxyV2Local() });
    expect((await client.reply()).code).toBe(220);
    expect(await session).toMatchObject({ remoteAddress: '127.0.0.1', proxy: { command: 'local' } });
    await client.quit();
  });

  it('applies the per-address limit to the proxied address', async () => {
    const { port } = await start({ maxConnectionsPerAddress: 1 });
    const first = await TestClient.connect(port, { preface: proxyV1('198.51.100.1', 1, '192.0.2.1', 25) });
    expect((await first.reply()).code).toBe(220);
    const sameClient = await TestClient.connect(port, {
      preface: proxyV1('198.51.100.1', 2, '192.0.2.1', 25),
    });
    expect(await sameClient.reply()).toMatchObject({ code: 421, enhanced: '4.7.0' });
    const otherClient = await TestClient.connect(port, {
      preface: proxyV1('198.51.100.2', 3, '192.0.2.1', 25),
    });
    expect((await otherClient.reply()).code).toBe(220);
    await Promise.all([first.quit(), otherClient.quit(), sameClient.waitClosed()]);
  });

  it('closes a connection that starts without a valid header, saying nothing', async () => {
    const { port, server } = await start();
    const client = await TestClient.connect(port, { preface: Buffer.from('EHLO c.test\r\n') });
    await client.waitClosed();
    expect(client.reads).toEqual([]);
    expect(server.counters.messages).toBe(0);
  });

  it('closes a connection that sends no header in time', async () => {
    const { port } = await start({ proxyTimeout: 200 });
    const client = await TestClient.connect(port);
    await client.waitClosed(3000);
    expect(client.reads).toEqual([]);
  });
});
