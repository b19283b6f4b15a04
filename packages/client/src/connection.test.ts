import { Readable } from 'node:stream';
import { SmtpError } from '@smtp/codec';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SmtpConnection } from './connection.js';
import {
  CapabilityError,
  ConnectionError,
  MessageReadError,
  ProtocolError,
  TimeoutError,
  TlsError,
} from './errors.js';
import { freePort, makeCertificate, type TestCertificate } from './test-support/peers.js';
import {
  greet,
  type ScriptedConnection,
  type ScriptServer,
  scriptServer,
} from './test-support/script-server.js';

const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };
let server: ScriptServer | undefined;
let certificate: TestCertificate;
let otherCertificate: TestCertificate;

beforeAll(() => {
  certificate = makeCertificate(['localhost', '127.0.0.1']);
  otherCertificate = makeCertificate(['other.example.test']);
});
afterAll(() => {
  certificate.remove();
  otherCertificate.remove();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: (c: ScriptedConnection) => Promise<void>): Promise<number> {
  server = await scriptServer(handler);
  return server.port;
}

/** Reads the pipelined MAIL, RCPT and DATA of a transaction and answers all three with `replies`. */
async function answerEnvelope(c: ScriptedConnection, replies: string): Promise<void> {
  await c.readLine();
  await c.readLine();
  await c.readLine();
  c.write(replies);
}

/** Answers a plain pipelined transaction and returns the body. */
async function transaction(c: ScriptedConnection): Promise<string> {
  await answerEnvelope(c, '250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n');
  const body = await c.readData();
  c.write('250 2.0.0 queued\r\n');
  return body;
}

/** Connects and returns what it failed with (the connection itself when it did not fail). */
function connectError(options: Parameters<typeof SmtpConnection.connect>[0]): Promise<unknown> {
  return SmtpConnection.connect(options).catch((e: unknown) => e);
}

async function quit(c: ScriptedConnection): Promise<void> {
  expect(await c.readLine()).toBe('QUIT');
  c.write('221 2.0.0 bye\r\n');
  c.end();
}

describe('SmtpConnection over a socket', () => {
  it('sends a message and quits', async () => {
    let body = '';
    const port = await serve(async (c) => {
      expect(await greet(c)).toBe('EHLO client.test');
      body = await transaction(c);
      await quit(c);
    });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port, name: 'client.test' });
    const result = await connection.send(ENVELOPE, 'Subject: x\r\n\r\n.hi');
    expect(result.accepted).toEqual(['b@example.test']);
    await connection.quit();
    expect(connection.closed).toBe(true);
    expect(body).toBe('Subject: x\r\n\r\n..hi\r\n');
  });

  it('streams a message from a Node Readable in pieces', async () => {
    let body = '';
    const port = await serve(async (c) => {
      await greet(c);
      body = await transaction(c);
      await quit(c);
    });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port, name: 'client.test' });
    const lines = Array.from({ length: 2000 }, (_, i) => `${i % 7 === 0 ? '.' : ''}line ${i}\r\n`);
    await connection.send(ENVELOPE, Readable.from(lines.map((line) => Buffer.from(line))));
    await connection.quit();
    expect(body).toBe(lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join(''));
  });

  it('refuses to connect to a closed port with ConnectionError(refused)', async () => {
    const port = await freePort();
    const error = await connectError({ host: '127.0.0.1', port });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ failure: 'refused', phase: 'connect', code: 'ECONNREFUSED' });
  });

  it('times out waiting for the greeting', async () => {
    const port = await serve(async (c) => {
      await c.closed;
    });
    const error = await connectError({
      host: '127.0.0.1',
      port,
      timeouts: { greeting: 150 },
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 'greeting', milliseconds: 150, phase: 'greeting' });
  });

  it('times out waiting for a command reply', async () => {
    const port = await serve(async (c) => {
      c.write('220 x\r\n');
      await c.closed;
    });
    const error = await connectError({ host: '127.0.0.1', port, timeouts: { command: 150 } });
    expect(error).toMatchObject({ name: 'TimeoutError', timeout: 'command', phase: 'ehlo' });
  });

  it('times out waiting for the reply after the message', async () => {
    const port = await serve(async (c) => {
      await greet(c);
      await answerEnvelope(c, '250 ok\r\n250 ok\r\n354 go\r\n');
      await c.readData();
      await c.closed;
    });
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port,
      timeouts: { finalReply: 150 },
    });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', timeout: 'final-reply', phase: 'message' });
    expect(connection.closed).toBe(true);
  });

  it('times out when the server stops taking the message (data-block timeout)', async () => {
    const port = await serve(async (c) => {
      await greet(c);
      await answerEnvelope(c, '250 ok\r\n250 ok\r\n354 go\r\n');
      c.pause();
      await c.closed;
    });
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port,
      timeouts: { dataBlock: 200 },
    });
    const block = Buffer.alloc(1024 * 1024, 0x61);
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 256; i++) yield block;
    }
    const error = await connection.send(ENVELOPE, endless()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 'data-block', milliseconds: 200, phase: 'message' });
    expect(connection.closed).toBe(true);
  });

  it('reports a server closing in the middle of a transaction', async () => {
    const port = await serve(async (c) => {
      await greet(c);
      await c.readLine();
      c.write('250 ok\r\n');
      c.destroy();
    });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ failure: 'closed', phase: 'rcpt' });
    await expect(connection.send(ENVELOPE, 'x\r\n')).rejects.toThrow(/connection is closed/);
  });

  it('reports a malformed reply as ProtocolError and closes', async () => {
    const port = await serve(async (c) => {
      c.write('220 x\r\n');
      await c.readLine();
      c.write('250-ok\r\n2S0 broken\r\n');
      await c.closed;
    });
    const error = await connectError({ host: '127.0.0.1', port });
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ violation: 'malformed-reply' });
  });

  it('reports refusals as SmtpError and keeps the connection usable', async () => {
    const port = await serve(async (c) => {
      await greet(c);
      await answerEnvelope(c, '550 5.7.1 sender refused\r\n503 5.5.1 no\r\n503 5.5.1 no\r\n');
      expect(await c.readLine()).toBe('RSET');
      c.write('250 2.0.0 ok\r\n');
      await transaction(c);
      await quit(c);
    });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ code: 550, enhanced: '5.7.1', phase: 'mail', permanent: true });
    expect(connection.usable).toBe(true);
    await expect(connection.send(ENVELOPE, 'y\r\n')).resolves.toMatchObject({ accepted: ['b@example.test'] });
    await connection.quit();
  });

  it('fails a message whose stream errors, and closes the connection', async () => {
    const port = await serve(async (c) => {
      await greet(c);
      await answerEnvelope(c, '250 ok\r\n250 ok\r\n354 go\r\n');
      await c.closed;
    });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port });
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('Subject: half\r\n');
      throw new Error('disk read failed');
    }
    const error = await connection.send(ENVELOPE, broken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageReadError);
    expect((error as Error).message).toMatch(/disk read failed/);
    expect(connection.closed).toBe(true);
  });

  it('refuses CR/LF injection in the EHLO name before connecting anywhere', async () => {
    await expect(SmtpConnection.connect({ host: '127.0.0.1', port: 1, name: 'a\r\nQUIT' })).rejects.toThrow(
      /CR, LF or NUL/,
    );
  });
});

describe('SmtpConnection TLS', () => {
  async function startTlsServer(cert: TestCertificate, after?: (c: ScriptedConnection) => Promise<void>) {
    return serve(async (c) => {
      await greet(c, ['STARTTLS', 'PIPELINING']);
      expect(await c.readLine()).toBe('STARTTLS');
      c.write('220 2.0.0 go ahead\r\n');
      await c
        .startTls({ cert: cert.pem, key: (await import('node:fs')).readFileSync(cert.key) })
        .catch(() => undefined);
      if (after) await after(c);
      else await c.closed;
    });
  }

  it('upgrades with STARTTLS, checking the certificate against a given CA, and says EHLO again', async () => {
    let helloAfterTls = '';
    const port = await startTlsServer(certificate, async (c) => {
      helloAfterTls = await c.readLine();
      c.write('250-script.test\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n');
      await transaction(c);
      await quit(c);
    });
    const connection = await SmtpConnection.connect({
      host: 'localhost',
      port,
      tls: 'starttls',
      name: 'client.test',
      tlsOptions: { ca: certificate.pem },
    });
    expect(connection.secure).toBe(true);
    expect(connection.capabilities.auth).toEqual(['PLAIN']);
    await connection.send(ENVELOPE, 'x\r\n');
    await connection.quit();
    expect(helloAfterTls).toBe('EHLO client.test');
  });

  it('fails on a self-signed certificate by default (TlsError)', async () => {
    const port = await startTlsServer(certificate);
    const error = await connectError({ host: 'localhost', port, tls: 'starttls' });
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', phase: 'starttls' });
    expect((error as Error).message).toMatch(/not signed by a trusted authority/);
  });

  it('fails when the certificate is for another host name, even with its CA trusted', async () => {
    const port = await startTlsServer(otherCertificate);
    const error = await connectError({
      host: 'localhost',
      port,
      tls: 'starttls',
      tlsOptions: { ca: otherCertificate.pem },
    });
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('accepts any certificate with rejectUnauthorized: false', async () => {
    const port = await startTlsServer(otherCertificate, async (c) => {
      await c.readLine();
      c.write('250 script.test\r\n');
      await quit(c);
    });
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port,
      tls: 'starttls',
      rejectUnauthorized: false,
    });
    expect(connection.secure).toBe(true);
    await connection.quit();
  });

  it('aborts when the server injects a reply behind its 220 to STARTTLS', async () => {
    const port = await serve(async (c) => {
      await greet(c, ['STARTTLS']);
      await c.readLine();
      c.write('220 2.0.0 go ahead\r\n250 2.0.0 injected\r\n');
      await c.closed;
    });
    const error = await connectError({
      host: 'localhost',
      port,
      tls: 'starttls',
      tlsOptions: { ca: certificate.pem },
    });
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ violation: 'starttls-injection' });
  });

  it('fails the handshake clearly when plain text follows the 220 in a later packet', async () => {
    const port = await serve(async (c) => {
      await greet(c, ['STARTTLS']);
      await c.readLine();
      c.write('220 2.0.0 go ahead\r\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      c.write('250 2.0.0 injected\r\n');
      await c.closed;
    });
    const error = await connectError({
      host: 'localhost',
      port,
      tls: 'starttls',
      tlsOptions: { ca: certificate.pem },
    });
    expect(error).toBeInstanceOf(TlsError);
    expect((error as Error).message).toMatch(/not TLS/);
  });

  it('fails with CapabilityError when TLS is required and STARTTLS is not offered', async () => {
    const port = await serve(async (c) => {
      await greet(c, ['PIPELINING']);
      await quit(c);
    });
    const error = await connectError({ host: '127.0.0.1', port, tls: 'starttls' });
    expect(error).toBeInstanceOf(CapabilityError);
    expect(error).toMatchObject({ requirement: 'STARTTLS' });
  });

  it('speaks implicit TLS (port 465 style)', async () => {
    const { readFileSync } = await import('node:fs');
    server = await scriptServer(
      async (c) => {
        await greet(c);
        await quit(c);
      },
      { tls: { cert: certificate.pem, key: readFileSync(certificate.key) } },
    );
    const trace: string[] = [];
    const connection = await SmtpConnection.connect({
      host: 'localhost',
      port: server.port,
      tls: 'implicit',
      tlsOptions: { ca: certificate.pem },
      trace: (line) => trace.push(line),
    });
    expect(connection.secure).toBe(true);
    await connection.quit();
    expect(trace.slice(1, 3)).toEqual(['@tls implicit', `@connect localhost:${server.port}`]);
  });

  it('refuses to send credentials over plain text unless allowed', async () => {
    const port = await serve(async (c) => {
      await greet(c, ['AUTH PLAIN']);
      await quit(c);
    });
    const error = await connectError({
      host: '127.0.0.1',
      port,
      tls: 'none',
      auth: { user: 'u', pass: 'p' },
    });
    expect(error).toMatchObject({ name: 'CapabilityError', requirement: 'ENCRYPTION' });
  });
});
