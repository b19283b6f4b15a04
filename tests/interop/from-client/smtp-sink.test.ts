import { CapabilityError, RecipientsRefusedError, SmtpPool } from '@smtp/client';
import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { FROM_CLIENT } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { connectTraced, sentGroup, smtpSend } from '../support/our-client.js';
import { type SmtpSink, sinkFields, startSmtpSink } from '../support/smtp-sink.js';
import { taker } from '../support/store-dir.js';

// The project's client delivers to Postfix's smtp-sink, which dumps each message: its X- lines
// (envelope and parameters as received), a Received field, then the message with LF line ends
// and one more LF. It offers PIPELINING, 8BITMIME, AUTH PLAIN LOGIN and DSN; no TLS, SIZE,
// SMTPUTF8 or CHUNKING.
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };

/** The message part of a dump. */
function dumpedMessage(dump: string): string {
  const lines = dump.split('\n');
  let at = 0;
  while (at < lines.length && /^X-[A-Za-z-]+: /.test(lines[at] as string)) at++;
  if (lines[at]?.startsWith('Received: ')) {
    at++;
    while (at < lines.length && /^[ \t]/.test(lines[at] as string)) at++;
  }
  return lines.slice(at).join('\n');
}

/** How smtp-sink dumps a message sent as CRLF text. */
const asDumped = (message: string) => `${message.replace(/\r\n/g, '\n')}\n`;

let take: ReturnType<typeof taker<{ name: string; text: string }>>;

/** Waits for `count` dumps holding `marker` (a test's own Subject line) that no earlier call returned. */
async function dumpsOf(count: number, marker: string): Promise<string[]> {
  take ??= taker(
    () => sink.dumps(),
    (dump) => dump.name,
    5000,
  );
  return (await take(count, (dump) => dump.text.includes(marker))).map((dump) => dump.text);
}

const subject = (message: string) => /^Subject: [^\r\n]*/m.exec(message)?.[0] as string;

cell(FROM_CLIENT, 'smtp-sink', 'plain text', async () => {
  const message = asciiMessage('to smtp-sink');
  const { connection } = await connectTraced(sink.port);
  const result = await connection.send(ENVELOPE, octets(message));
  await connection.quit();
  expect(result.accepted).toEqual(['b@example.test']);
  const [dump] = await dumpsOf(1, subject(message));
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
  expect(sinkFields(dump as string).get('X-Rcpt-Args')).toEqual(['<b@example.test>']);
});

cell(FROM_CLIENT, 'smtp-sink', 'PIPELINING', async () => {
  const message = asciiMessage('pipelined to smtp-sink');
  const { connection, trace } = await connectTraced(sink.port);
  expect(connection.capabilities.pipelining).toBe(true);
  await connection.send(
    { from: 'a@example.test', to: ['b@example.test', 'c@example.test'] },
    octets(message),
  );
  await connection.quit();
  expect(sentGroup(trace, 'MAIL FROM:')).toEqual([
    'MAIL FROM:<a@example.test>',
    'RCPT TO:<b@example.test>',
    'RCPT TO:<c@example.test>',
    'DATA',
  ]);
  const [dump] = await dumpsOf(1, subject(message));
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
});

cell(FROM_CLIENT, 'smtp-sink', 'STARTTLS', async ({ unsupported }) => {
  const { connection } = await connectTraced(sink.port);
  expect(connection.capabilities.startTls).toBe(false);
  await connection.quit();
  const error = await connectTraced(sink.port, { tls: 'starttls' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CapabilityError);
  expect(error).toMatchObject({ requirement: 'STARTTLS' });
  unsupported(
    'no STARTTLS in its EHLO reply; `tls: "starttls"` fails with CapabilityError STARTTLS before MAIL',
  );
});

for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
  cell(FROM_CLIENT, 'smtp-sink', `AUTH ${mechanism}`, async ({ unsupported }) => {
    // smtp-sink offers AUTH PLAIN LOGIN but answers the AUTH command itself with 250, where
    // RFC 4954 §4 requires 235 for success (or 334 for a challenge): the client stops there.
    const trace: string[] = [];
    const error = await connectTraced(sink.port, {
      auth: { user: 'bob', pass: 's3cret', method: mechanism },
      allowInsecureAuth: true,
      trace: (line) => trace.push(line),
    }).catch((e: unknown) => e);
    expect(trace.some((line) => line.startsWith(`C: AUTH ${mechanism}`))).toBe(true);
    expect(error).toMatchObject({ name: 'SmtpError', code: 250, phase: 'auth' });
    const reply = trace[trace.findIndex((line) => line.startsWith(`C: AUTH ${mechanism}`)) + 1];
    unsupported(
      `its EHLO offers \`AUTH PLAIN LOGIN\` but \`AUTH ${mechanism} …\` is answered \`${reply?.slice(3)}\` ` +
        '(RFC 4954 §4: 235 on success, 334 for a challenge); the client reports SmtpError 250 in phase auth, as ' +
        'Python smtplib does (nodemailer takes any 2xx as success)',
    );
  });
}

cell(FROM_CLIENT, 'smtp-sink', 'AUTH CRAM-MD5', async ({ unsupported }) => {
  const { connection } = await connectTraced(sink.port);
  expect(connection.capabilities.auth).toEqual(['PLAIN', 'LOGIN']);
  await connection.quit();
  const error = await connectTraced(sink.port, {
    auth: { user: 'bob', pass: 's3cret', method: 'CRAM-MD5' },
    allowInsecureAuth: true,
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CapabilityError);
  expect(error).toMatchObject({ requirement: 'AUTH' });
  unsupported(
    'its EHLO offers `AUTH PLAIN LOGIN`; asking for CRAM-MD5 fails with CapabilityError AUTH, nothing sent',
  );
});

cell(FROM_CLIENT, 'smtp-sink', '8BITMIME', async () => {
  const message = eightBitMessage('8bit to smtp-sink');
  const { connection } = await connectTraced(sink.port);
  await connection.send(ENVELOPE, octets(message));
  await connection.quit();
  const [dump] = await dumpsOf(1, subject(message));
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
  expect(sinkFields(dump as string).get('X-Mail-Args')?.[0]).toMatch(/ BODY=8BITMIME\b/);
});

cell(FROM_CLIENT, 'smtp-sink', 'SMTPUTF8', async ({ unsupported }) => {
  const { connection } = await connectTraced(sink.port);
  expect(connection.capabilities.smtputf8).toBe(false);
  const error = await connection
    .send(
      { from: 'andr\u00e9@example.test', to: ['b@example.test'] },
      octets(asciiMessage('utf8 to smtp-sink')),
    )
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CapabilityError);
  expect(error).toMatchObject({ requirement: 'SMTPUTF8' });
  // The connection stays usable after a refusal made before sending.
  const message = asciiMessage('after the utf8 refusal at smtp-sink');
  await connection.send(ENVELOPE, octets(message));
  await connection.quit();
  expect(await dumpsOf(1, subject(message))).toHaveLength(1);
  unsupported(
    'no SMTPUTF8 in its EHLO reply; a non-ASCII sender fails with CapabilityError SMTPUTF8 before MAIL',
  );
});

cell(FROM_CLIENT, 'smtp-sink', 'SIZE', async ({ unsupported }) => {
  const { connection } = await connectTraced(sink.port);
  expect(connection.capabilities.size).toBeUndefined();
  const message = asciiMessage('no size to smtp-sink');
  await connection.send(ENVELOPE, octets(message));
  await connection.quit();
  const [dump] = await dumpsOf(1, subject(message));
  expect(sinkFields(dump as string).get('X-Mail-Args')?.[0]).not.toMatch(/SIZE=/);
  unsupported(
    'no SIZE in its EHLO reply; the client sends MAIL without a SIZE= parameter (seen in its X-Mail-Args)',
  );
});

cell(FROM_CLIENT, 'smtp-sink', 'DSN', async () => {
  const message = asciiMessage('dsn to smtp-sink');
  const { connection } = await connectTraced(sink.port);
  expect(connection.capabilities.dsn).toBe(true);
  await connection.send(
    {
      from: 'a@example.test',
      to: [{ address: 'b@example.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'b@example.test' }],
    },
    octets(message),
    { dsn: { ret: 'HDRS', envid: 'sink-dsn-1' } },
  );
  await connection.quit();
  const [dump] = await dumpsOf(1, subject(message));
  const fields = sinkFields(dump as string);
  expect(fields.get('X-Mail-Args')?.[0]).toMatch(/ RET=HDRS\b/);
  expect(fields.get('X-Mail-Args')?.[0]).toMatch(/ ENVID=sink-dsn-1\b/);
  expect(fields.get('X-Rcpt-Args')?.[0]).toMatch(/NOTIFY=SUCCESS,FAILURE/);
  expect(fields.get('X-Rcpt-Args')?.[0]).toMatch(/ORCPT=rfc822;b@example\.test/);
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
});

cell(FROM_CLIENT, 'smtp-sink', 'CHUNKING (BDAT)', async ({ unsupported }) => {
  const message = asciiMessage('data to smtp-sink');
  const { connection, trace } = await connectTraced(sink.port);
  expect(connection.capabilities.chunking).toBe(false);
  await connection.send(ENVELOPE, octets(message));
  await connection.quit();
  expect(trace).toContain('C: DATA');
  expect(trace.some((line) => line.startsWith('C: BDAT'))).toBe(false);
  const [dump] = await dumpsOf(1, subject(message));
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
  unsupported('no CHUNKING in its EHLO reply; the client sends with DATA');
});

cell(FROM_CLIENT, 'smtp-sink', 'refused recipient', async ({ note }) => {
  // A second sink that refuses every RCPT with a hard error.
  const refusing = await startSmtpSink(['-f', 'RCPT']);
  try {
    const { connection } = await connectTraced(refusing.port);
    const error = await connection
      .send(
        { from: 'a@example.test', to: ['b@example.test', 'c@example.test'] },
        octets(asciiMessage('refused')),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientsRefusedError);
    const refused = error as RecipientsRefusedError;
    expect(refused.recipients.map((r) => r.address)).toEqual(['b@example.test', 'c@example.test']);
    const codes = refused.recipients.map((r) => (r.accepted ? 250 : r.error.code));
    expect(codes.every((code) => code >= 500 && code < 600)).toBe(true);
    expect(connection.usable).toBe(true);
    await connection.quit();
    expect(refusing.dumps()).toEqual([]);
    const first = refused.recipients[0];
    note(
      `smtp-sink -f RCPT answers every RCPT \`${first && !first.accepted ? first.error.lines.join(' ') : ''}\``,
    );
  } finally {
    await refusing.stop();
  }
});

cell(FROM_CLIENT, 'smtp-sink', 'pool', async () => {
  const pool = new SmtpPool({ host: '127.0.0.1', port: sink.port, tls: 'none', maxConnections: 4 });
  const messages = Array.from({ length: 40 }, (_, n) => asciiMessage(`pooled to smtp-sink ${n}`));
  try {
    const results = await Promise.all(messages.map((message) => pool.send(ENVELOPE, octets(message))));
    expect(results.every((result) => result.accepted.length === 1)).toBe(true);
  } finally {
    await pool.close();
  }
  const dumps = await dumpsOf(messages.length, 'Subject: pooled to smtp-sink ');
  expect(dumps.map(dumpedMessage).sort()).toEqual(messages.map(asDumped).sort());
});

cell(FROM_CLIENT, 'smtp-sink', '`smtp send`', async () => {
  const message = asciiMessage('smtp send to smtp-sink');
  const result = await smtpSend(
    [
      '--server',
      `127.0.0.1:${sink.port}`,
      '--from',
      'a@example.test',
      '--to',
      'b@example.test',
      '--helo',
      'cli.example.test',
    ],
    message,
  );
  expect(result.code, result.output).toBe(0);
  const [dump] = await dumpsOf(1, subject(message));
  expect(dumpedMessage(dump as string)).toBe(asDumped(message));
});
