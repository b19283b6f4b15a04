/**
 * Every limit over real sockets, answered with the reply of the server-behaviour contract; after
 * each, a fresh client delivers a message byte-exact and the server reported no error.
 */
import type { ServerOptions } from '@smtp/server';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { record } from '../report/figures.js';
import { RawClient } from '../support/raw-client.js';
import type { ParsedReply } from '../support/reply-check.js';
import { deliverOnce, eventually, type ObservedServer, startObservedServer } from '../support/server.js';

let running: ObservedServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await running?.close();
  running = undefined;
});

async function start(options: ServerOptions = {}): Promise<ObservedServer> {
  running = await startObservedServer(options);
  return running;
}

async function ready(server: ObservedServer, options: Parameters<ObservedServer['greeted']>[0] = {}) {
  const client = await server.greeted(options);
  clients.push(client);
  expect((await client.command('EHLO client.test')).code).toBe(250);
  return client;
}

/** `code enhanced` of a reply, the way the contract writes them. */
function said(reply: ParsedReply | undefined): string {
  return reply === undefined ? 'nothing' : `${reply.code} ${reply.enhanced ?? ''}`.trim();
}

/** The server still delivers (byte-exact) and has reported nothing. */
async function expectHealthy(server: ObservedServer, context: TestContext): Promise<void> {
  const body = `Subject: still healthy\r\n\r\n${'x'.repeat(200)}\r\n`;
  const before = server.memory.messages.length;
  expect(await deliverOnce(server.port, body)).toBe(250);
  expect(server.memory.messages.slice(before).map((m) => m.data.toString('latin1'))).toEqual([body]);
  expect(server.errors).toEqual([]);
  record(context, { 'healthy after': 'yes' });
}

async function openData(client: RawClient, recipients = 1): Promise<void> {
  expect(said(await client.command('MAIL FROM:<a@example.test>'))).toBe('250 2.1.0');
  for (let i = 0; i < recipients; i++)
    expect(said(await client.command(`RCPT TO:<r${i}@example.test>`))).toBe('250 2.1.5');
  expect((await client.command('DATA')).code).toBe(354);
}

describe('command and text lines', () => {
  it('command line: 512 octets pass, 513 get 500 5.5.6, a 1 MiB line gets one 500 5.5.6; the session goes on', async (context) => {
    const server = await start();
    const client = await ready(server);
    const exact = `NOOP ${'a'.repeat(512 - 7)}`;
    expect(said(await client.command(exact))).toBe('250 2.0.0');
    expect(said(await client.command(`${exact}b`))).toBe('500 5.5.6');
    client.write(`NOOP ${'z'.repeat(1024 * 1024)}\r\nNOOP\r\n`);
    expect((await client.replies(2)).map(said)).toEqual(['500 5.5.6', '250 2.0.0']);
    await client.quit();
    record(context, { cases: 3, 'longest line sent': 1024 * 1024 + 7 });
    await expectHealthy(server, context);
  });

  it('text line: accepted by default (100,000 octets stored byte-exact); over maxTextLineLength 1000: 500 5.5.6 after the data, nothing stored', async (context) => {
    const lenient = await start();
    const client = await ready(lenient);
    await openData(client);
    const long = `Subject: long\r\n\r\n${'y'.repeat(100_000)}\r\n`;
    client.write(`${long}.\r\n`);
    expect(said(await client.reply())).toBe('250 2.0.0');
    expect(lenient.memory.messages.map((m) => m.data.toString('latin1'))).toEqual([long]);
    await client.quit();
    await lenient.close();

    const strict = await start({ maxTextLineLength: 1000 });
    const second = await ready(strict);
    await openData(second);
    second.write(`Subject: fits\r\n\r\n${'y'.repeat(998)}\r\n.\r\n`);
    expect(said(await second.reply())).toBe('250 2.0.0');
    await openData(second);
    second.write(`Subject: too long\r\n\r\n${'y'.repeat(999)}\r\n.\r\n`);
    expect(said(await second.reply())).toBe('500 5.5.6');
    expect(strict.memory.messages).toHaveLength(1);
    await second.quit();
    record(context, { cases: 3, 'partial stored': 0 });
    await expectHealthy(strict, context);
  });
});

describe('message size', () => {
  const LIMIT = 10_000;
  const body = (size: number) => {
    const head = 'Subject: size\r\n\r\n';
    return `${head}${'s'.repeat(size - head.length - 2)}\r\n`;
  };

  it('DATA: exactly the limit is stored, one octet more gets 552 5.3.4 after the data, SIZE= over it 552 5.3.4 at MAIL', async (context) => {
    const server = await start({ maxMessageSize: LIMIT });
    const client = await ready(server);
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo.lines).toContain(`SIZE ${LIMIT}`);
    await openData(client);
    client.write(`${body(LIMIT)}.\r\n`);
    expect(said(await client.reply())).toBe('250 2.0.0');
    await openData(client);
    client.write(`${body(LIMIT + 1)}.\r\n`);
    expect(said(await client.reply())).toBe('552 5.3.4');
    expect(said(await client.command(`MAIL FROM:<a@example.test> SIZE=${LIMIT + 1}`))).toBe('552 5.3.4');
    expect(server.memory.messages.map((m) => m.data.length)).toEqual([LIMIT]);
    await client.quit();
    record(context, { cases: 3, 'messages acknowledged': 1, lost: 0, 'partial stored': 0 });
    await expectHealthy(server, context);
  });

  it('BDAT: the chunk that passes the limit gets 552 5.3.4, later chunks up to LAST too, nothing stored', async (context) => {
    const server = await start({ maxMessageSize: LIMIT });
    const client = await ready(server);
    expect(said(await client.command('MAIL FROM:<a@example.test>'))).toBe('250 2.1.0');
    expect(said(await client.command('RCPT TO:<b@example.test>'))).toBe('250 2.1.5');
    const chunk = 'c'.repeat(6000);
    client.write(`BDAT 6000\r\n${chunk}BDAT 6000\r\n${chunk}BDAT 10 LAST\r\n${'d'.repeat(10)}`);
    expect((await client.replies(3)).map(said)).toEqual(['250 2.0.0', '552 5.3.4', '552 5.3.4']);
    expect(server.memory.messages).toEqual([]);
    // The transaction is over; the next one starts clean.
    expect(said(await client.command('MAIL FROM:<a@example.test>'))).toBe('250 2.1.0');
    await client.quit();
    record(context, { cases: 3, 'partial stored': 0 });
    await expectHealthy(server, context);
  });
});

describe('recipients', () => {
  it('100 recipients pass, the 101st gets 452 4.5.3, the message goes to the 100', async (context) => {
    const server = await start();
    const client = await ready(server);
    expect(said(await client.command('MAIL FROM:<a@example.test>'))).toBe('250 2.1.0');
    const lines = Array.from({ length: 101 }, (_, i) => `RCPT TO:<r${i}@example.test>\r\n`).join('');
    client.write(lines);
    const replies = await client.replies(101);
    expect(replies.slice(0, 100).every((reply) => said(reply) === '250 2.1.5')).toBe(true);
    expect(said(replies[100])).toBe('452 4.5.3');
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: many\r\n\r\nhi\r\n.\r\n');
    expect(said(await client.reply())).toBe('250 2.0.0');
    expect(server.memory.messages[0]?.to).toHaveLength(100);
    await client.quit();
    record(context, { cases: 101, 'messages acknowledged': 1, lost: 0 });
    await expectHealthy(server, context);
  });
});

describe('errors and authentication', () => {
  it('10 error replies, then 421 4.7.0 to the next command whatever it is, and close', async (context) => {
    const server = await start();
    const client = await ready(server);
    for (let i = 0; i < 10; i++) expect(said(await client.command(`BOGUS${i}`))).toBe('500 5.5.2');
    expect(said(await client.command('NOOP'))).toBe('421 4.7.0');
    await client.waitClosed();
    record(context, { cases: 11 });
    await expectHealthy(server, context);
  });

  it('failed AUTH is answered 535 5.7.8 ever more slowly (1, 2, 3 s), then 421 4.7.0; other clients are not slowed', async (context) => {
    const server = await start({ auth: { users: { alice: 'right' }, allowInsecure: true } });
    const client = await ready(server);
    const wrong = Buffer.from('\0alice\0wrong').toString('base64');
    const delays: number[] = [];
    const others: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = performance.now();
      client.write(`AUTH PLAIN ${wrong}\r\n`);
      // Meanwhile another client delivers; it must not wait on this one's penalty.
      const other = performance.now();
      expect(await deliverOnce(server.port, 'Subject: meanwhile\r\n\r\nok\r\n')).toBe(250);
      others.push(performance.now() - other);
      expect(said(await client.reply(10_000))).toBe('535 5.7.8');
      delays.push(performance.now() - started);
    }
    expect(said(await client.command(`AUTH PLAIN ${wrong}`))).toBe('421 4.7.0');
    await client.waitClosed();
    // The penalty is at least what the session asked for (1 s per failure so far).
    for (const [index, delay] of delays.entries())
      expect(delay).toBeGreaterThanOrEqual((index + 1) * 1000 - 50);
    expect(server.errors).toEqual([]);
    // A right password on a fresh connection still works.
    const fresh = await ready(server);
    expect(said(await fresh.command(`AUTH PLAIN ${Buffer.from('\0alice\0right').toString('base64')}`))).toBe(
      '235 2.7.0',
    );
    await fresh.quit();
    record(context, {
      cases: 5,
      'reply delays, ms': delays.map((delay) => Math.round(delay)).join(', '),
      'slowest delivery meanwhile, ms': Math.round(Math.max(...others)),
    });
    expect(Math.max(...others)).toBeLessThan(1000);
    await expectHealthy(server, context);
  });
});

describe('connections', () => {
  it('overall: the connection over maxConnections gets 421 4.3.2 and is closed; a freed slot is taken again', async (context) => {
    const server = await start({ maxConnections: 5, maxConnectionsPerAddress: 0 });
    const held = await Promise.all(Array.from({ length: 5 }, () => server.greeted()));
    clients.push(...held);
    const refused = await RawClient.connect(server.port);
    clients.push(refused);
    expect(said(await refused.reply())).toBe('421 4.3.2');
    await refused.waitClosed();
    held[0]?.destroy();
    await eventually(() => server.server.counters.activeConnections === 4);
    const admitted = await server.greeted();
    clients.push(admitted);
    expect(server.server.counters.refusedConnections).toBe(1);
    for (const client of [...held, admitted]) client.destroy();
    await eventually(() => server.server.counters.activeConnections === 0);
    record(context, { cases: 7, refused: 1 });
    await expectHealthy(server, context);
  });

  it('per address: the connection over maxConnectionsPerAddress gets 421 4.7.0; another address is still served', async (context) => {
    const server = await start({ maxConnectionsPerAddress: 3 });
    const held = await Promise.all(Array.from({ length: 3 }, () => server.greeted()));
    clients.push(...held);
    const refused = await RawClient.connect(server.port);
    clients.push(refused);
    expect(said(await refused.reply())).toBe('421 4.7.0');
    await refused.waitClosed();
    const elsewhere = await server.greeted({ localAddress: '127.0.0.2' });
    clients.push(elsewhere);
    for (const client of [...held, elsewhere]) client.destroy();
    await eventually(() => server.server.counters.activeConnections === 0);
    record(context, { cases: 5, refused: 1 });
    await expectHealthy(server, context);
  });
});
