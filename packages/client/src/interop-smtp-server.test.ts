/**
 * Interop with smtp-server from npm (Node, independent of this project), run in-process. It is
 * installed in bench/ (the workspace package that depends on it), so test-support loads it from
 * there. Its 100 ms wait before each greeting is left in: these tests are not timed.
 */
import { Readable } from 'node:stream';
import { SmtpError } from '@smtp/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpConnection } from './connection.js';
import { MessageTooLargeError, RecipientsRefusedError } from './errors.js';
import { SmtpPool } from './pool.js';
import type { Credentials } from './sasl-client.js';
import { loadSmtpServer } from './test-support/peers.js';

interface Received {
  from: string;
  to: string[];
  bytes: Buffer;
  secure: boolean;
  user: string | undefined;
  utf8: boolean;
}

interface Running {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Record<string, unknown> = {}): Promise<Running> {
  const { SMTPServer } = loadSmtpServer();
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address: { address: string }, _session: unknown, callback: (error?: Error) => void) {
      if (address.address.startsWith('no')) {
        const error = Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onAuth(
      auth: {
        method: string;
        username: string;
        password?: string;
        accessToken?: string;
        validatePassword?(p: string): boolean;
      },
      _session: unknown,
      callback: (error: Error | null, response?: { user?: string }) => void,
    ) {
      const ok =
        auth.username === 'tim' &&
        (auth.method === 'CRAM-MD5'
          ? auth.validatePassword?.('secret') === true
          : auth.method === 'XOAUTH2'
            ? auth.accessToken === 'tok-42'
            : auth.password === 'secret');
      callback(null, ok ? { user: 'tim' } : {});
    },
    onData(
      stream: Readable,
      session: {
        envelope: {
          mailFrom: { address: string; args?: Record<string, unknown> };
          rcptTo: { address: string }[];
        };
        secure: boolean;
        user?: string;
      },
      callback: (error?: Error) => void,
    ) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          bytes: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user,
          utf8: session.envelope.mailFrom.args?.SMTPUTF8 === true,
        });
        callback();
      });
    },
    ...options,
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  running = { port, received, close: () => new Promise<void>((resolve) => server.close(resolve)) };
  return running;
}

const MESSAGE = 'From: alice@example.test\r\nSubject: smtp-server\r\n\r\n.dot\r\n..dots\r\ncaf\u00e9\r\n';

describe('interop: smtp-server (npm)', () => {
  it('delivers with PIPELINING, octets exact, to several recipients', async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    expect(connection.capabilities.pipelining).toBe(true);
    const result = await connection.send(
      { from: 'alice@example.test', to: ['bob@example.test', 'nobody@example.test', 'carol@example.test'] },
      MESSAGE,
    );
    expect(result.accepted).toEqual(['bob@example.test', 'carol@example.test']);
    expect(result.rejected[0]?.error).toMatchObject({ code: 550, enhanced: '5.1.1', phase: 'rcpt' });
    await connection.quit();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.bytes.toString('utf8')).toBe(MESSAGE);
    expect(server.received[0]?.to).toEqual(['bob@example.test', 'carol@example.test']);
  });

  it('streams a 3 MB message from a Readable, octets exact', async () => {
    const server = await start();
    const line = `${'.'.repeat(3)}${'y'.repeat(95)}\r\n`;
    const chunk = Buffer.from(line.repeat(650));
    const count = 48;
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    await connection.send(
      { from: 'alice@example.test', to: ['bob@example.test'] },
      Readable.from(
        (function* () {
          for (let i = 0; i < count; i++) yield chunk;
        })(),
      ),
    );
    await connection.quit();
    const bytes = server.received[0]?.bytes as Buffer;
    expect(bytes.length).toBe(chunk.length * count);
    expect(bytes.equals(Buffer.concat(Array.from({ length: count }, () => chunk)))).toBe(true);
  });

  it('fails when every recipient is refused, and the session goes on', async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    await expect(
      connection.send({ from: 'alice@example.test', to: ['nobody@example.test'] }, MESSAGE),
    ).rejects.toBeInstanceOf(RecipientsRefusedError);
    await connection.send({ from: 'alice@example.test', to: ['bob@example.test'] }, MESSAGE);
    await connection.quit();
    expect(server.received).toHaveLength(1);
  });

  it('upgrades with STARTTLS (its self-signed certificate accepted explicitly) and authenticates', async () => {
    const mechanisms: Credentials[] = [
      { user: 'tim', pass: 'secret', method: 'PLAIN' },
      { user: 'tim', pass: 'secret', method: 'LOGIN' },
      { user: 'tim', pass: 'secret', method: 'CRAM-MD5' },
      { user: 'tim', accessToken: 'tok-42', method: 'XOAUTH2' },
    ];
    const server = await start({
      authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
      authOptional: false,
    });
    for (const auth of mechanisms) {
      const connection = await SmtpConnection.connect({
        host: '127.0.0.1',
        port: server.port,
        tls: 'starttls',
        rejectUnauthorized: false,
        auth,
      });
      expect(connection.secure).toBe(true);
      expect(connection.authenticated).toBe(true);
      await connection.send({ from: 'alice@example.test', to: ['bob@example.test'] }, MESSAGE);
      await connection.quit();
    }
    expect(server.received.map((r) => [r.secure, r.user])).toEqual(mechanisms.map(() => [true, 'tim']));
  });

  it('reports bad credentials as SmtpError 535', async () => {
    const server = await start({ authOptional: false });
    const error = await SmtpConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      tls: 'starttls',
      rejectUnauthorized: false,
      auth: { user: 'tim', pass: 'nope', method: 'PLAIN' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ code: 535, phase: 'auth' });
  });

  it('fails on its self-signed certificate by default', async () => {
    const server = await start();
    await expect(
      SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'starttls' }),
    ).rejects.toMatchObject({
      name: 'TlsError',
    });
  });

  it('declares SIZE and refuses a message over the limit before sending it', async () => {
    const server = await start({ size: 200 });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    expect(connection.capabilities.size).toBe(200);
    await expect(
      connection.send({ from: 'a@example.test', to: ['b@example.test'] }, 'z'.repeat(201)),
    ).rejects.toBeInstanceOf(MessageTooLargeError);
    await connection.quit();
    expect(server.received).toEqual([]);
  });

  it('sends SMTPUTF8 for internationalised addresses', async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    await connection.send({ from: 'andré@example.test', to: ['zoë@example.test'] }, MESSAGE);
    await connection.quit();
    expect(server.received[0]).toMatchObject({
      from: 'andré@example.test',
      to: ['zoë@example.test'],
      utf8: true,
    });
  });

  it('runs a pool of connections against it', async () => {
    const server = await start();
    const pool = new SmtpPool({ host: '127.0.0.1', port: server.port, tls: 'none', maxConnections: 4 });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pool.send({ from: 'a@example.test', to: ['b@example.test'] }, `Subject: ${i}\r\n\r\n${i}\r\n`),
      ),
    );
    await pool.close();
    expect(server.received.map((r) => r.bytes.toString()).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Subject: ${i}\r\n\r\n${i}\r\n`).sort(),
    );
  });
});
