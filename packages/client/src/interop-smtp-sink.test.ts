/**
 * Interop with Postfix's smtp-sink (a C server, independent of this project), started by the
 * tests on loopback. smtp-sink dumps each message with its own header lines first and LF line
 * ends, so delivered bytes are compared in that form.
 */
import { SmtpError } from '@smtp/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpConnection } from './connection.js';
import { ConnectionError, RecipientsRefusedError } from './errors.js';
import { SmtpPool } from './pool.js';
import { type SmtpSink, sinkMessage, startSmtpSink } from './test-support/peers.js';

let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.dispose();
  sink = undefined;
});

/** What smtp-sink writes for a message we sent as CRLF text (it ends the dump with one more LF). */
function asDumped(message: string): string {
  return `${message.replace(/\r\n/g, '\n')}\n`;
}

/** smtp-sink writes its dump after answering; wait for the files to appear. */
async function dumps(count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const messages = (sink as SmtpSink).messages();
    if (messages.length >= count || Date.now() > deadline) return messages.map(sinkMessage);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ENVELOPE = { from: 'alice@example.test', to: ['bob@example.test'] };

describe('interop: smtp-sink', () => {
  it('delivers a message with dots, long and 8-bit lines exactly', async () => {
    sink = await startSmtpSink();
    const message =
      'From: alice@example.test\r\nSubject: interop\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\ncaf\u00e9\r\n' +
      `${'x'.repeat(1500)}\r\nlast line without end`;
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port: sink.port,
      name: 'client.test',
    });
    expect(connection.capabilities.pipelining).toBe(true);
    const result = await connection.send(ENVELOPE, message);
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.reply).toMatchObject({ code: 250, enhanced: '2.0.0' });
    await connection.quit();
    const [dump] = await dumps(1);
    expect(Buffer.from(dump as string, 'latin1').toString('utf8')).toBe(asDumped(`${message}\r\n`));
    expect(sink.messages()[0]).toContain('X-Mail-Args: <alice@example.test> BODY=8BITMIME');
  });

  it('sends several messages on one connection', async () => {
    sink = await startSmtpSink();
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    for (let i = 0; i < 5; i++) await connection.send(ENVELOPE, `Subject: ${i}\r\n\r\nbody ${i}\r\n`);
    expect(connection.messages).toBe(5);
    await connection.quit();
    expect((await dumps(5)).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => asDumped(`Subject: ${i}\r\n\r\nbody ${i}\r\n`)).sort(),
    );
  });

  it('sends through a pool of connections', async () => {
    sink = await startSmtpSink();
    const pool = new SmtpPool({
      host: '127.0.0.1',
      port: sink.port,
      maxConnections: 3,
      maxMessagesPerConnection: 4,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.send(ENVELOPE, `Subject: ${i}\r\n\r\n${i}\r\n`)),
    );
    expect(results.every((r) => r.accepted.length === 1)).toBe(true);
    expect(pool.size).toBeLessThanOrEqual(3);
    await pool.close();
    expect(await dumps(20)).toHaveLength(20);
  });

  it('reports a refused sender (smtp-sink -f MAIL) as SmtpError of phase mail', async () => {
    sink = await startSmtpSink(['-f', 'MAIL']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({
      phase: 'mail',
      permanent: true,
      command: 'MAIL FROM:<alice@example.test>',
    });
    expect((error as SmtpError).code).toBeGreaterThanOrEqual(500);
    expect(connection.usable).toBe(true);
    await connection.quit();
  });

  it('reports every recipient refused (smtp-sink -f RCPT) as RecipientsRefusedError, then RSET', async () => {
    sink = await startSmtpSink(['-f', 'RCPT']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    const error = await connection
      .send({ from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test'] }, 'x\r\n')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientsRefusedError);
    expect(error).toMatchObject({ phase: 'rcpt', permanent: true });
    expect((error as RecipientsRefusedError).recipients.map((r) => r.accepted)).toEqual([false, false]);
    expect(connection.usable).toBe(true);
    await connection.quit();
    expect(await dumps(0)).toEqual([]);
  });

  it('reports a message refused after its end (smtp-sink -r .) as a transient SmtpError', async () => {
    sink = await startSmtpSink(['-r', '.']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ phase: 'message', transient: true });
    await connection.quit();
  });

  it('reports the server hanging up at DATA (smtp-sink -q DATA) as ConnectionError', async () => {
    sink = await startSmtpSink(['-q', 'DATA']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ failure: 'closed', phase: 'data' });
    expect(connection.closed).toBe(true);
  });

  it('reports a 421 (smtp-sink -Q RCPT) as a transient SmtpError and closes', async () => {
    sink = await startSmtpSink(['-Q', 'RCPT']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    const error = await connection.send(ENVELOPE, 'x\r\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ code: 421, phase: 'rcpt', transient: true });
    expect(connection.closed).toBe(true);
  });

  it('falls back to HELO when EHLO gets 500 (smtp-sink -f EHLO) and sends without extensions', async () => {
    sink = await startSmtpSink(['-f', 'EHLO']);
    const connection = await SmtpConnection.connect({ host: '127.0.0.1', port: sink.port });
    expect(connection.capabilities.pipelining).toBe(false);
    expect(connection.capabilities.eightBitMime).toBe(false);
    await expect(connection.send(ENVELOPE, 'caf\u00e9\r\n')).rejects.toMatchObject({
      name: 'CapabilityError',
      requirement: '8BITMIME',
    });
    await connection.send(ENVELOPE, 'Subject: helo\r\n\r\nplain\r\n');
    await connection.quit();
    expect(await dumps(1)).toEqual([asDumped('Subject: helo\r\n\r\nplain\r\n')]);
    expect(sink.messages()[0]).toContain('X-Client-Proto: SMTP');
  });
});
