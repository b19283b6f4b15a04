import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage } from '../support/messages.js';
import { type NodemailerLog, nodemailerLog } from '../support/nodemailer-log.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';

// nodemailer (npm, in this process) sends raw messages to `smtp serve`; its debug log shows the
// protocol lines it sent and read.
let server: OurServer;
beforeAll(async () => {
  server = await startOurServer(['--tls-self-signed', '--auth', 'bob:s3cret']);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

type TransportOptions = Parameters<typeof nodemailer.createTransport>[0] & Record<string, unknown>;

function transport(options: Record<string, unknown>, log: NodemailerLog) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.port,
    name: 'nodemailer.example.test',
    logger: log.logger,
    debug: true,
    ...options,
  } as TransportOptions);
}

const STARTTLS = { requireTLS: true, tls: { rejectUnauthorized: false } };
const envelope = maildirEnvelope('a@example.test', 'b@example.test');
const latin1 = (text: string) => Buffer.from(text, 'latin1');

async function sendOne(
  options: Record<string, unknown>,
  message: string,
  extra: Record<string, unknown> = {},
): Promise<{ log: NodemailerLog; stored: string[] }> {
  server.take();
  const log = nodemailerLog();
  const mailer = transport(options, log);
  try {
    await mailer.sendMail({
      envelope: { from: 'a@example.test', to: ['b@example.test'] },
      raw: latin1(message),
      ...extra,
    });
  } finally {
    mailer.close();
  }
  expect(server.leftovers()).toEqual([]);
  return { log, stored: server.take() };
}

cell(INTO_SERVER, 'nodemailer', 'plain text', async () => {
  const message = asciiMessage('nodemailer plain');
  const { log, stored } = await sendOne({ ignoreTLS: true }, message);
  expect(log.lines).not.toContain('C: STARTTLS');
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'nodemailer', 'PIPELINING', async () => {
  const message = asciiMessage('nodemailer pipelining');
  const { log, stored } = await sendOne({ ignoreTLS: true }, message);
  const mail = log.lines.indexOf('C: MAIL FROM:<a@example.test>');
  expect(log.lines.slice(mail, mail + 4)).toEqual([
    'C: MAIL FROM:<a@example.test>',
    'C: RCPT TO:<b@example.test>',
    'C: DATA',
    'S: 250 2.1.0 Ok',
  ]);
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'nodemailer', 'STARTTLS', async () => {
  const message = asciiMessage('nodemailer starttls');
  const { log, stored } = await sendOne(STARTTLS, message);
  expect(log.lines).toContain('C: STARTTLS');
  expect(log.lines.some((line) => line.startsWith('S: 220 2.0.0'))).toBe(true);
  expect(stored).toEqual([envelope + message]);
});

for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const) {
  cell(INTO_SERVER, 'nodemailer', `AUTH ${mechanism}`, async () => {
    const message = asciiMessage(`nodemailer auth ${mechanism}`);
    const { log, stored } = await sendOne(
      { ...STARTTLS, auth: { user: 'bob', pass: 's3cret' }, authMethod: mechanism },
      message,
    );
    expect(log.lines.some((line) => line.startsWith(`C: AUTH ${mechanism}`))).toBe(true);
    expect(log.lines.some((line) => line.startsWith('S: 235 2.7.0'))).toBe(true);
    expect(stored).toEqual([envelope + message]);
  });
}

cell(INTO_SERVER, 'nodemailer', '8-bit body', async () => {
  const message = eightBitMessage('nodemailer 8bit');
  const { stored } = await sendOne({ ignoreTLS: true }, message);
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'nodemailer', 'SMTPUTF8', async () => {
  const message = eightBitMessage('nodemailer smtputf8');
  const { log, stored } = await sendOne({ ignoreTLS: true }, message, {
    envelope: { from: 'andr\u00e9@example.test', to: ['zo\u00eb@example.test'] },
  });
  expect(log.lines.find((line) => line.startsWith('C: MAIL FROM:'))).toMatch(/ SMTPUTF8\b/);
  const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  expect(stored).toEqual([maildirEnvelope(utf8('andré@example.test'), utf8('zoë@example.test')) + message]);
});

cell(INTO_SERVER, 'nodemailer', 'DSN', async () => {
  const message = asciiMessage('nodemailer dsn');
  const { log, stored } = await sendOne({ ignoreTLS: true }, message, {
    dsn: {
      id: 'nodemailer-dsn',
      return: 'headers',
      notify: ['success', 'failure'],
      recipient: 'a@example.test',
    },
  });
  expect(log.lines).toContain('C: MAIL FROM:<a@example.test> RET=HDRS ENVID=nodemailer-dsn');
  expect(log.lines).toContain(
    'C: RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@example.test',
  );
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'nodemailer', 'many messages, one connection', async () => {
  server.take();
  const log = nodemailerLog();
  const mailer = transport({ ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity }, log);
  const messages = Array.from({ length: 20 }, (_, n) => asciiMessage(`nodemailer pooled ${n}`));
  try {
    for (const message of messages) {
      await mailer.sendMail({
        envelope: { from: 'a@example.test', to: ['b@example.test'] },
        raw: latin1(message),
      });
    }
  } finally {
    mailer.close();
  }
  expect(log.lines.filter((line) => line.startsWith('C: EHLO '))).toHaveLength(1);
  expect(server.take()).toEqual(messages.map((message) => envelope + message));
});

cell(INTO_SERVER, 'nodemailer', 'many sessions', async () => {
  server.take();
  const log = nodemailerLog();
  const mailer = transport({ ignoreTLS: true, pool: true, maxConnections: 10, maxMessages: Infinity }, log);
  const messages = Array.from({ length: 200 }, (_, n) => asciiMessage(`nodemailer concurrent ${n}`));
  try {
    await Promise.all(
      messages.map((message) =>
        mailer.sendMail({
          envelope: { from: 'a@example.test', to: ['b@example.test'] },
          raw: latin1(message),
        }),
      ),
    );
  } finally {
    mailer.close();
  }
  const sessions = log.lines.filter((line) => line.startsWith('C: EHLO ')).length;
  expect(sessions).toBeGreaterThan(1);
  expect(sessions).toBeLessThanOrEqual(10);
  expect(server.leftovers()).toEqual([]);
  expect(server.take().sort()).toEqual(messages.map((message) => envelope + message).sort());
});
