import { connect as connectTcp } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from './session-info.js';
import { proxyV1 } from './test-support/proxy-headers.js';
import { type RunningServer, startServer } from './test-support/start-server.js';
import { TestClient } from './test-support/test-client.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer({ tls: { selfSigned: true }, ...options });
  return running;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('STARTTLS', () => {
  it('upgrades the connection, starts the session over and stores the message as TLS', async () => {
    const { connect, memory } = await start();
    const client = await connect();
    expect((await client.command('EHLO client.test')).lines).toContain('STARTTLS');
    expect(await client.command('STARTTLS')).toMatchObject({ code: 220, enhanced: '2.0.0' });
    await client.startTls();
    expect((client.socket as TLSSocket).encrypted).toBe(true);
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).not.toContain('STARTTLS');
    expect(await client.command('STARTTLS')).toMatchObject({ code: 503, enhanced: '5.5.1' });
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('secret\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    expect(memory.messages[0]?.session.tls).toBe(true);
    expect(memory.messages[0]?.data.toString()).toBe('secret\r\n');
    await client.quit();
  });

  it('never executes commands sent after STARTTLS in the same write (CVE-2011-0411 class)', async () => {
    const { connect, memory } = await start();
    const client = await connect();
    await client.command('EHLO client.test');
    client.write('STARTTLS\r\nMAIL FROM:<evil@example.test>\r\nRCPT TO:<victim@example.test>\r\n');
    expect(await client.reply()).toMatchObject({ code: 220, enhanced: '2.0.0' });
    expect(client.unread).toBe('');
    await client.startTls();
    expect((await client.command('EHLO client.test')).code).toBe(250);
    // Had the injected MAIL run, this RCPT would be accepted and a new MAIL refused as nested.
    expect(await client.command('RCPT TO:<victim@example.test>')).toMatchObject({
      code: 503,
      enhanced: '5.5.1',
    });
    expect(await client.command('MAIL FROM:<good@example.test>')).toMatchObject({ code: 250 });
    await client.quit();
    expect(memory.messages).toEqual([]);
  });

  it('offers AUTH only once the connection is encrypted', async () => {
    const { connect } = await start({ auth: { users: { bob: 'pw' } } });
    const client = await connect();
    const plainEhlo = await client.command('EHLO client.test');
    expect(plainEhlo.lines.some((line) => line.startsWith('AUTH'))).toBe(false);
    expect(await client.command(`AUTH PLAIN ${b64('\0bob\0pw')}`)).toMatchObject({
      code: 538,
      enhanced: '5.7.11',
    });
    await client.command('STARTTLS');
    await client.startTls();
    expect((await client.command('EHLO client.test')).lines).toContain('AUTH PLAIN LOGIN CRAM-MD5');
    expect(await client.command(`AUTH PLAIN ${b64('\0bob\0pw')}`)).toMatchObject({
      code: 235,
      enhanced: '2.7.0',
    });
    await client.quit();
  });

  it('drops a client that sends garbage instead of a TLS handshake', async () => {
    const { connect, server } = await start();
    const client = await connect();
    await client.command('EHLO client.test');
    await client.command('STARTTLS');
    client.write('MAIL FROM:<not-tls@example.test>\r\n');
    await client.waitClosed();
    expect(server.counters.messages).toBe(0);
  });
});

describe('implicit TLS', () => {
  it('speaks SMTP inside TLS from the first byte', async () => {
    const { port, memory } = await start({ tls: { selfSigned: true, implicit: true } });
    const client = await TestClient.connect(port, { tls: true });
    expect((await client.reply()).code).toBe(220);
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo.lines).not.toContain('STARTTLS');
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nhi\r\n.\r\n');
    expect((await client.replies(4)).map((r) => r.code)).toEqual([250, 250, 354, 250]);
    expect(memory.messages[0]?.session.tls).toBe(true);
    await client.quit();
  });

  it('reads a PROXY header before the TLS handshake, even when the handshake follows in the same packet', async () => {
    const { port, server } = await start({ tls: { selfSigned: true, implicit: true }, proxyProtocol: true });
    const sessions: SessionInfo[] = [];
    server.on('session', (info) => sessions.push(info));
    const raw = connectTcp({ port, host: '127.0.0.1' });
    raw.cork();
    raw.write(proxyV1('203.0.113.7', 4444, '192.0.2.25', 465));
    const secure = connectTls({ socket: raw, rejectUnauthorized: false });
    // Header and ClientHello leave in one write.
    process.nextTick(() => raw.uncork());
    const greeting = await new Promise<string>((resolve, reject) => {
      secure.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      secure.once('error', reject);
    });
    expect(greeting).toMatch(/^220 /);
    expect(sessions[0]).toMatchObject({ remoteAddress: '203.0.113.7', remotePort: 4444, tls: true });
    secure.destroy();
  });
});
