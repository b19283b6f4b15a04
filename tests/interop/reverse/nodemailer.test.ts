import nodemailer from 'nodemailer';
import { expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { REVERSE } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { expectScriptPasses, startScriptServer } from '../support/script-server.js';
import { greeting, sessionPerMessage, transaction } from '../support/script-text.js';

// nodemailer (npm, in this process) is the client under test, one unpooled transport per
// message. It does not send QUIT: after the reply to the message it closes the connection, so
// its scripts end with `@closed` (the client is expected to close) instead of QUIT.
const HELO = 'nodemailer.example.test';
const QUIT = '@closed\n';
type TransportOptions = Parameters<typeof nodemailer.createTransport>[0] & Record<string, unknown>;

async function send(
  port: number,
  message: string,
  options: Record<string, unknown> = {},
  to: readonly string[] = ['b@example.test'],
) {
  const mailer = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    name: HELO,
    ignoreTLS: true,
    ...options,
  } as TransportOptions);
  // No close(): an unpooled transport ends its connection by itself after the message.
  return mailer.sendMail({ envelope: { from: 'a@example.test', to: [...to] }, raw: octets(message) });
}

const STARTTLS = { ignoreTLS: false, requireTLS: true, tls: { rejectUnauthorized: false } };

cell(REVERSE, 'nodemailer', 'plain text', async ({ note }) => {
  const message = asciiMessage('nodemailer reverse plain');
  await expectScriptPasses(greeting(HELO, ['8BITMIME']) + transaction(message) + QUIT, (port) =>
    send(port, message),
  );
  note(
    'an unpooled nodemailer transport closes the connection after the reply to the message without sending QUIT ' +
      '(RFC 5321 §4.1.1.10: the client sends QUIT before closing); its scripts end with `@closed`',
  );
});

cell(REVERSE, 'nodemailer', 'PIPELINING', async () => {
  const message = asciiMessage('nodemailer reverse pipelining');
  const to = ['b@example.test', 'c@example.test'];
  const script = greeting(HELO, ['PIPELINING']) + transaction(message, { to, pipelined: true }) + QUIT;
  const info = await expectScriptPasses(script, (port) => send(port, message, {}, to));
  expect(info.accepted).toEqual(to);
});

cell(REVERSE, 'nodemailer', 'STARTTLS', async () => {
  const message = asciiMessage('nodemailer reverse starttls');
  const script =
    greeting(HELO, ['STARTTLS']) +
    'C: STARTTLS\nS: 220 2.0.0 ready for TLS\n' +
    greeting(HELO, ['8BITMIME']).replace(/^S: 220 .*\n/, '') +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, (port) => send(port, message, STARTTLS));
});

cell(REVERSE, 'nodemailer', 'AUTH PLAIN', async () => {
  const message = asciiMessage('nodemailer reverse auth plain');
  const script =
    greeting(HELO, ['AUTH PLAIN']) +
    'C: AUTH PLAIN {{base64:\\0bob\\0s3cret}}\nS: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, (port) =>
    send(port, message, { auth: { user: 'bob', pass: 's3cret' }, authMethod: 'PLAIN' }),
  );
});

cell(REVERSE, 'nodemailer', 'AUTH LOGIN', async () => {
  const message = asciiMessage('nodemailer reverse auth login');
  const script =
    greeting(HELO, ['AUTH LOGIN']) +
    'C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: {{base64:bob}}\nS: 334 UGFzc3dvcmQ6\nC: {{base64:s3cret}}\n' +
    'S: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, (port) =>
    send(port, message, { auth: { user: 'bob', pass: 's3cret' }, authMethod: 'LOGIN' }),
  );
});

cell(REVERSE, 'nodemailer', '8-bit body', async ({ note }) => {
  const message = eightBitMessage('nodemailer reverse 8bit');
  // A raw message goes as given: nodemailer does not look at it, so MAIL carries no BODY=8BITMIME.
  const script = greeting(HELO, ['8BITMIME']) + transaction(message) + QUIT;
  await expectScriptPasses(script, (port) => send(port, message));
  note(
    'given a `raw` 8-bit message, nodemailer sends it without `BODY=8BITMIME` on MAIL (RFC 6152 asks for it)',
  );
});

cell(REVERSE, 'nodemailer', 'refused recipient', async () => {
  const message = asciiMessage('nodemailer reverse refused');
  const to = ['nobody@example.test', 'b@example.test'];
  const script =
    greeting(HELO, ['8BITMIME']) +
    transaction(message, { to, refuse: { 'nobody@example.test': '550 5.1.1 no such user here' } }) +
    QUIT;
  const info = await expectScriptPasses(script, (port) => send(port, message, {}, to));
  expect(info.accepted).toEqual(['b@example.test']);
  expect(info.rejected).toEqual(['nobody@example.test']);
});

cell(REVERSE, 'nodemailer', 'two sessions', async () => {
  const first = asciiMessage('nodemailer reverse first session');
  const second = asciiMessage('nodemailer reverse second session');
  const script = sessionPerMessage(HELO, [first, second], QUIT);
  await expectScriptPasses(
    script,
    async (port) => {
      await send(port, first);
      await send(port, second);
    },
    2,
  );
});

cell(REVERSE, 'nodemailer', 'a difference caught', async ({ note }) => {
  const message = asciiMessage('nodemailer reverse difference');
  const server = await startScriptServer(
    greeting(HELO, ['8BITMIME']) + transaction(message, { from: 'postmaster@example.test' }) + QUIT,
  );
  try {
    const error = await send(server.port, message).catch((e: unknown) => e);
    expect(error).toMatchObject({ responseCode: 500 });
    expect(String((error as Error).message)).toContain(
      'transcript expected: MAIL FROM:<postmaster@example.test>',
    );
    const { code, output } = await server.finished();
    expect(code).toBe(1);
    expect(output).toMatch(
      /session\.smtp:\d+: line `MAIL FROM:<a@example\.test>` does not match `MAIL FROM:<postmaster@example\.test>`/,
    );
    note(
      'nodemailer rejects the send with responseCode 500 and the `transcript expected: MAIL FROM:<postmaster@example.test>` text',
    );
  } finally {
    await server.stop();
  }
});
