import { SmtpError } from '@smtp/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { cramMd5Digest } from './auth.js';
import { ListenError } from './smtp-server.js';
import { type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  running = await startServer(options);
  return running;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('a message through the server', () => {
  it('greets, accepts a message and stores its exact bytes in memory', async () => {
    const { connect, memory, server } = await start();
    const client = await connect();
    const ehlo = await client.command('EHLO client.test');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines[0]).toMatch(/^mx\.test/);
    expect(ehlo.lines).toEqual(expect.arrayContaining(['PIPELINING', 'CHUNKING', '8BITMIME']));
    expect(await client.command('MAIL FROM:<alice@example.test>')).toMatchObject({
      code: 250,
      enhanced: '2.1.0',
    });
    expect(await client.command('RCPT TO:<bob@example.test>')).toMatchObject({
      code: 250,
      enhanced: '2.1.5',
    });
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: test\r\n\r\n..dot-stuffed line\r\nlast line\r\n.\r\n');
    const done = await client.reply();
    expect(done).toMatchObject({ code: 250, enhanced: '2.0.0' });
    const [stored] = memory.messages;
    expect(stored).toBeDefined();
    expect(done.lines[0]).toContain(stored?.id);
    expect(stored?.from).toBe('alice@example.test');
    expect(stored?.to).toEqual(['bob@example.test']);
    expect(stored?.data.toString('latin1')).toBe('Subject: test\r\n\r\n.dot-stuffed line\r\nlast line\r\n');
    expect(stored?.session.helo).toBe('client.test');
    expect(server.counters.messages).toBe(1);
    expect((await client.command('QUIT')).code).toBe(221);
    await client.waitClosed();
  });

  it('answers a pipelined MAIL/RCPT/DATA group in one flush', async () => {
    const { connectReady } = await start();
    const client = await connectReady();
    const readsBefore = client.reads.length;
    client.write(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n',
    );
    const replies = await client.replies(4);
    expect(replies.map((r) => r.code)).toEqual([250, 250, 250, 354]);
    expect(client.reads.length - readsBefore).toBe(1);
    client.write('body\r\n.\r\nMAIL FROM:<d@example.test>\r\nRCPT TO:<e@example.test>\r\n');
    expect((await client.replies(3)).map((r) => r.code)).toEqual([250, 250, 250]);
    await client.quit();
  });

  it('accepts BDAT chunks with the queue id on LAST', async () => {
    const { connectReady, memory } = await start();
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n');
    await client.replies(2);
    client.write('BDAT 7\r\nhello\r\n');
    expect((await client.reply()).code).toBe(250);
    client.write('BDAT 11 LAST\r\n.no unstuff');
    const last = await client.reply();
    expect(last).toMatchObject({ code: 250, enhanced: '2.0.0' });
    expect(memory.messages[0]?.data.toString()).toBe('hello\r\n.no unstuff');
    expect(memory.messages[0]?.via).toBe('BDAT');
    expect(last.lines[0]).toContain(memory.messages[0]?.id);
    await client.quit();
  });

  it('refuses a message over the size limit after reading it, and stores nothing', async () => {
    const { connectReady, memory } = await start({ maxMessageSize: 1000 });
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write(`${'x'.repeat(78)}\r\n`.repeat(30));
    client.write('.\r\n');
    expect(await client.reply()).toMatchObject({ code: 552, enhanced: '5.3.4' });
    expect(memory.messages).toEqual([]);
    expect(await client.command('MAIL FROM:<a@example.test> SIZE=5000')).toMatchObject({
      code: 552,
      enhanced: '5.3.4',
    });
    await client.quit();
  });

  it('refuses recipients over the limit with 452 4.5.3', async () => {
    const { connectReady } = await start({ maxRecipients: 2 });
    const client = await connectReady();
    client.write(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<1@x.test>\r\nRCPT TO:<2@x.test>\r\nRCPT TO:<3@x.test>\r\n',
    );
    const replies = await client.replies(4);
    expect(replies.map((r) => [r.code, r.enhanced])).toEqual([
      [250, '2.1.0'],
      [250, '2.1.5'],
      [250, '2.1.5'],
      [452, '4.5.3'],
    ]);
    await client.quit();
  });

  it('closes with 521 on a bare LF in DATA and stores nothing', async () => {
    const { connectReady, memory } = await start();
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('line one\nline two\r\n.\r\n');
    expect(await client.reply()).toMatchObject({ code: 521, enhanced: '5.5.2' });
    await client.waitClosed();
    expect(memory.messages).toEqual([]);
  });
});

describe('hooks', () => {
  it('turns an SmtpError thrown or returned by a hook into the reply', async () => {
    const { connectReady, memory } = await start({
      onMail: (from) => {
        if (from.address === 'spammer@example.test')
          throw new SmtpError(550, 'Go away', { enhanced: '5.7.1' });
      },
      onRcpt: async (to) =>
        to.address.startsWith('nobody@')
          ? new SmtpError(550, 'No such user', { enhanced: '5.1.1' })
          : undefined,
    });
    const client = await connectReady();
    expect(await client.command('MAIL FROM:<spammer@example.test>')).toMatchObject({
      code: 550,
      enhanced: '5.7.1',
      lines: ['5.7.1 Go away'],
    });
    expect((await client.command('MAIL FROM:<alice@example.test>')).code).toBe(250);
    expect(await client.command('RCPT TO:<nobody@example.test>')).toMatchObject({
      code: 550,
      enhanced: '5.1.1',
    });
    expect((await client.command('RCPT TO:<bob@example.test>')).code).toBe(250);
    client.write('DATA\r\nhi\r\n.\r\n');
    expect((await client.replies(2)).map((r) => r.code)).toEqual([354, 250]);
    expect(memory.messages[0]?.to).toEqual(['bob@example.test']);
    await client.quit();
  });

  it('answers 451 4.3.0 and reports the error when a hook fails unexpectedly', async () => {
    const { connectReady, server } = await start({
      onRcpt: () => {
        throw new TypeError('database down');
      },
    });
    const errors: string[] = [];
    server.on('error', (error) => errors.push(error.message));
    const client = await connectReady();
    await client.command('MAIL FROM:<a@example.test>');
    expect(await client.command('RCPT TO:<b@example.test>')).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect(errors).toEqual(['database down']);
    await client.quit();
  });

  it('survives a hook whose refusal cannot be written as a reply, answering 451 4.3.0', async () => {
    const { connectReady, server } = await start({
      onMail: (from) =>
        from.address === 'crlf@example.test' ? new SmtpError(550, 'two\r\nlines') : undefined,
      onRcpt: () => ({ code: 250, message: 'a 2xx is not a refusal' }),
    });
    const errors: string[] = [];
    server.on('error', (error) => errors.push(error.name));
    const client = await connectReady();
    expect(await client.command('MAIL FROM:<crlf@example.test>')).toMatchObject({
      code: 451,
      enhanced: '4.3.0',
    });
    expect((await client.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect(await client.command('RCPT TO:<b@example.test>')).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect(errors).toEqual(['TypeError', 'TypeError']);
    await client.quit();
  });

  it('refuses impossible options when the server is made, not per connection', async () => {
    const { createServer } = await import('./smtp-server.js');
    expect(() => createServer({ hostname: 'two words' })).toThrow(/hostname/);
    expect(() => createServer({ maxConnections: -1 })).toThrow(/maxConnections/);
    expect(() =>
      createServer({ store: { open: () => ({ write() {}, end() {}, abort() {} }) }, onMessage: () => {} }),
    ).toThrow(/either a store or an onMessage hook/);
  });

  it('lets onConnect turn a client away before the greeting', async () => {
    const { port, server } = await start({
      onConnect: (session) =>
        session.remoteAddress === '127.0.0.1'
          ? new SmtpError(554, 'Not welcome', { enhanced: '5.7.1' })
          : undefined,
    });
    const { TestClient } = await import('./test-support/test-client.js');
    const client = await TestClient.connect(port);
    expect(await client.reply()).toMatchObject({ code: 554, enhanced: '5.7.1' });
    await client.waitClosed();
    expect(server.counters.refusedConnections).toBe(1);
  });

  it('refuses a message with the onMessage hook’s SmtpError, and accepts after it reads the body', async () => {
    const bodies: string[] = [];
    const { connectReady } = await start({
      onMessage: async (message) => {
        let text = '';
        for await (const chunk of message.body) text += chunk.toString();
        if (text.includes('VIRUS')) throw new SmtpError(554, 'Infected', { enhanced: '5.7.1' });
        bodies.push(text);
      },
    });
    const client = await connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('VIRUS\r\n.\r\n');
    expect(await client.reply()).toMatchObject({ code: 554, enhanced: '5.7.1' });
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    client.write('clean\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    expect(bodies).toEqual(['clean\r\n']);
    await client.quit();
  });

  it('answers VRFY and EXPN through their hooks', async () => {
    const { connectReady } = await start({
      onVrfy: (argument) =>
        argument === 'bob' ? 'Bob <bob@example.test>' : new SmtpError(550, 'Unknown', { enhanced: '5.1.1' }),
      onExpn: () => ['<a@example.test>', '<b@example.test>'],
    });
    const client = await connectReady();
    expect(await client.command('VRFY bob')).toMatchObject({ code: 250 });
    expect(await client.command('VRFY eve')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    const expn = await client.command('EXPN staff');
    expect(expn.code).toBe(250);
    expect(expn.lines.length).toBe(2);
    await client.quit();
  });
});

describe('authentication', () => {
  const auth = { users: { bob: 'secret' }, allowInsecure: true };

  it('accepts PLAIN, LOGIN and CRAM-MD5 with the users map and refuses bad credentials', async () => {
    const { connect, server } = await start({ auth });
    const sessions: (string | undefined)[] = [];
    server.on('session-end', (info) => sessions.push(info.authenticatedAs));

    const plain = await connect();
    const ehlo = await plain.command('EHLO c.test');
    expect(ehlo.lines).toContain('AUTH PLAIN LOGIN CRAM-MD5');
    expect(await plain.command(`AUTH PLAIN ${b64('\0bob\0wrong')}`)).toMatchObject({
      code: 535,
      enhanced: '5.7.8',
    });
    expect(await plain.command(`AUTH PLAIN ${b64('\0bob\0secret')}`, 15_000)).toMatchObject({
      code: 235,
      enhanced: '2.7.0',
    });
    await plain.quit();

    const login = await connect();
    await login.command('EHLO c.test');
    expect((await login.command('AUTH LOGIN')).code).toBe(334);
    expect((await login.command(b64('bob'))).code).toBe(334);
    expect((await login.command(b64('secret'))).code).toBe(235);
    await login.quit();

    const cram = await connect();
    await cram.command('EHLO c.test');
    const challenge = await cram.command('AUTH CRAM-MD5');
    expect(challenge.code).toBe(334);
    const decoded = Buffer.from(challenge.lines[0] ?? '', 'base64').toString();
    expect(decoded).toMatch(/^<.+@mx\.test>$/);
    expect((await cram.command(b64(`bob ${cramMd5Digest('secret', decoded)}`))).code).toBe(235);
    await cram.quit();
    await running?.close();
    expect(sessions).toEqual(['bob', 'bob', 'bob']);
  }, 20_000);

  it('uses onAuth when given and the token hook for XOAUTH2', async () => {
    const { connectReady } = await start({
      auth: {
        verifyToken: ({ username, token }) => username === 'bob' && token === 't0k3n',
        allowInsecure: true,
      },
    });
    const client = await connectReady();
    const response = b64('user=bob\x01auth=Bearer t0k3n\x01\x01');
    expect(await client.command(`AUTH XOAUTH2 ${response}`)).toMatchObject({ code: 235 });
    await client.quit();
  });
});

describe('listen', () => {
  it('fails with a ListenError naming the address when the port is in use', async () => {
    const { port } = await start();
    const { createServer } = await import('./smtp-server.js');
    const second = createServer({ hostname: 'mx.test' });
    await expect(second.listen(port, '127.0.0.1')).rejects.toThrow(
      new ListenError(`cannot listen on 127.0.0.1:${port}: address already in use`, 'EADDRINUSE'),
    );
  });

  it('listens on IPv6 loopback', async () => {
    const { createServer } = await import('./smtp-server.js');
    const server = createServer({ hostname: 'mx.test' });
    const address = await server.listen(0, '::1');
    expect(address.address).toBe('::1');
    const { TestClient } = await import('./test-support/test-client.js');
    const client = await TestClient.connect(address.port, { host: '::1' });
    expect((await client.reply()).code).toBe(220);
    await client.quit();
    await server.close();
  });
});
