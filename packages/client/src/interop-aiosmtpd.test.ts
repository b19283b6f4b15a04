/**
 * Interop with aiosmtpd (Python, independent of this project) through test-support's
 * aiosmtpd_server.py: STARTTLS with an openssl certificate, AUTH PLAIN/LOGIN/CRAM-MD5/XOAUTH2,
 * SMTPUTF8, SIZE, refused recipients. aiosmtpd offers no PIPELINING, so the client sends one
 * command per reply here. Stored messages are compared byte for byte.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionOptions, SmtpConnection } from './connection.js';
import { MessageTooLargeError, RecipientsRefusedError, TlsError } from './errors.js';
import type { Credentials } from './sasl-client.js';
import {
  type Aiosmtpd,
  type AiosmtpdOptions,
  makeCertificate,
  startAiosmtpd,
  type TestCertificate,
} from './test-support/peers.js';

let peer: Aiosmtpd | undefined;
let certificate: TestCertificate;
beforeAll(() => {
  certificate = makeCertificate(['localhost']);
});
afterAll(() => certificate.remove());
afterEach(async () => {
  await peer?.dispose();
  peer = undefined;
});

async function start(options: AiosmtpdOptions = {}): Promise<Aiosmtpd> {
  peer = await startAiosmtpd(options);
  return peer;
}

function tlsOptions(port: number): ConnectionOptions {
  return {
    host: 'localhost',
    port,
    tls: 'starttls',
    tlsOptions: { ca: certificate.pem },
    name: 'client.test',
  };
}

const MESSAGE = 'From: alice@example.test\r\nSubject: aiosmtpd\r\n\r\n.dot line\r\ncaf\u00e9\r\n';

describe('interop: aiosmtpd', () => {
  it('delivers over plain text without PIPELINING, octets exact', async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    expect(connection.capabilities.pipelining).toBe(false);
    await connection.send(
      { from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test'] },
      MESSAGE,
    );
    await connection.quit();
    const [stored] = server.messages();
    expect(stored?.bytes.toString('utf8')).toBe(MESSAGE);
    expect(stored?.meta).toMatchObject({
      mail_from: 'alice@example.test',
      rcpt_tos: ['bob@example.test', 'carol@example.test'],
      mail_options: [`SIZE=${Buffer.byteLength(MESSAGE)}`, 'BODY=8BITMIME'],
      tls: false,
    });
  });

  it('reports the refused recipient and delivers to the others', async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    const result = await connection.send(
      { from: 'alice@example.test', to: ['nobody@example.test', 'bob@example.test'] },
      MESSAGE,
    );
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.rejected[0]).toMatchObject({
      address: 'nobody@example.test',
      error: { code: 550, enhanced: '5.1.1', phase: 'rcpt', command: 'RCPT TO:<nobody@example.test>' },
    });
    const all = await connection
      .send({ from: 'alice@example.test', to: ['nobody@example.test'] }, MESSAGE)
      .catch((e: unknown) => e);
    expect(all).toBeInstanceOf(RecipientsRefusedError);
    await connection.quit();
    expect(server.messages().map((m) => m.meta.rcpt_tos)).toEqual([['bob@example.test']]);
  });

  it("with partial: 'all', refuses the whole message when one recipient is refused", async () => {
    const server = await start();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    const error = await connection
      .send({ from: 'alice@example.test', to: ['bob@example.test', 'nobody@example.test'] }, MESSAGE, {
        partial: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientsRefusedError);
    await connection.quit();
    expect(server.messages()).toEqual([]);
  });

  it('upgrades with STARTTLS (certificate checked against its CA) and reads EHLO again', async () => {
    const server = await start({ tls: certificate, requireStartTls: true, auth: 'tim:secret' });
    const connection = await SmtpConnection.connect(tlsOptions(server.port));
    expect(connection.secure).toBe(true);
    expect(connection.capabilities.startTls).toBe(false);
    expect(connection.capabilities.auth).toContain('PLAIN');
    await connection.send({ from: 'alice@example.test', to: ['bob@example.test'] }, MESSAGE);
    await connection.quit();
    expect(server.messages()[0]?.meta.tls).toBe(true);
  });

  it('fails on the self-signed certificate when its CA is not given', async () => {
    const server = await start({ tls: certificate });
    const error = await SmtpConnection.connect({
      host: 'localhost',
      port: server.port,
      tls: 'starttls',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
  });

  it('fails when the certificate does not name the host connected to', async () => {
    const server = await start({ tls: certificate });
    const error = await SmtpConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      tls: 'starttls',
      tlsOptions: { ca: certificate.pem },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  const mechanisms: [string, Credentials][] = [
    ['PLAIN', { user: 'tim', pass: 'secret', method: 'PLAIN' }],
    ['LOGIN', { user: 'tim', pass: 'secret', method: 'LOGIN' }],
    ['CRAM-MD5', { user: 'tim', pass: 'secret', method: 'CRAM-MD5' }],
    ['XOAUTH2', { user: 'tim', accessToken: 'tok-42', method: 'XOAUTH2' }],
  ];
  for (const [name, auth] of mechanisms) {
    it(`authenticates with ${name} after STARTTLS`, async () => {
      const server = await start({ tls: certificate, auth: 'tim:secret', token: 'tok-42' });
      const connection = await SmtpConnection.connect({ ...tlsOptions(server.port), auth });
      expect(connection.authenticated).toBe(true);
      await connection.send({ from: 'alice@example.test', to: ['bob@example.test'] }, MESSAGE);
      await connection.quit();
      expect(server.messages()[0]?.meta.authenticated).toBe(true);
    });
  }

  it('picks CRAM-MD5 by itself when offered', async () => {
    const server = await start({ tls: certificate, auth: 'tim:secret' });
    const trace: string[] = [];
    const connection = await SmtpConnection.connect({
      ...tlsOptions(server.port),
      auth: { user: 'tim', pass: 'secret' },
      trace: (line) => trace.push(line),
    });
    await connection.quit();
    expect(trace).toContain('C: AUTH CRAM-MD5');
    expect(trace.join('\n')).not.toContain('secret');
  });

  it('reports wrong credentials as SmtpError 535 of phase auth', async () => {
    const server = await start({ tls: certificate, auth: 'tim:secret' });
    const error = await SmtpConnection.connect({
      ...tlsOptions(server.port),
      auth: { user: 'tim', pass: 'wrong', method: 'PLAIN' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SmtpError', code: 535, phase: 'auth', command: 'AUTH PLAIN' });
  });

  it('reports a refused XOAUTH2 token after answering the error challenge', async () => {
    const server = await start({ tls: certificate, auth: 'tim:secret', token: 'tok-42' });
    const error = await SmtpConnection.connect({
      ...tlsOptions(server.port),
      auth: { user: 'tim', accessToken: 'expired', method: 'XOAUTH2' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SmtpError', code: 535, phase: 'auth', command: 'AUTH XOAUTH2' });
  });

  it('sends SMTPUTF8 for a non-ASCII address, and refuses it where SMTPUTF8 is not offered', async () => {
    const server = await start({ smtputf8: true });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    await connection.send({ from: 'andré@example.test', to: ['zoë@example.test'] }, MESSAGE);
    await connection.quit();
    expect(server.messages()[0]?.meta).toMatchObject({
      mail_from: 'andré@example.test',
      rcpt_tos: ['zoë@example.test'],
    });
    expect(server.messages()[0]?.meta.mail_options).toContain('SMTPUTF8');

    await peer?.dispose();
    const plain = await start();
    const other = await SmtpConnection.connect({ host: '127.0.0.1', port: plain.port, tls: 'none' });
    await expect(
      other.send({ from: 'andré@example.test', to: ['bob@example.test'] }, MESSAGE),
    ).rejects.toMatchObject({
      requirement: 'SMTPUTF8',
    });
    await other.quit();
  });

  it("refuses a message over the server's SIZE before sending it", async () => {
    const server = await start({ size: 100 });
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: server.port, tls: 'none' });
    expect(connection.capabilities.size).toBe(100);
    await expect(
      connection.send({ from: 'a@example.test', to: ['b@example.test'] }, 'x'.repeat(101)),
    ).rejects.toBeInstanceOf(MessageTooLargeError);
    await connection.send({ from: 'a@example.test', to: ['b@example.test'] }, 'small\r\n');
    await connection.quit();
    expect(server.messages()).toHaveLength(1);
  });
});
