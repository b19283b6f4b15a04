import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { type CommandResult, runCommand } from '../support/process.js';

// msmtp (one message per process, the message on stdin) drives `smtp serve`; -d prints the
// dialogue on stdout (`-->` sent, `<--` received), which shows its pipelining.
let server: OurServer;
beforeAll(async () => {
  server = await startOurServer(['--tls-self-signed', '--auth', 'bob:s3cret']);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

async function msmtp(
  message: string,
  args: readonly string[],
  recipients: readonly string[] = ['b@example.test'],
): Promise<CommandResult & { dialogue: string; stored: string[] }> {
  server.take();
  const result = await runCommand(
    requireTool(APT_TOOLS.msmtp),
    [
      '-C',
      '/dev/null',
      '-d',
      '--host=127.0.0.1',
      `--port=${server.port}`,
      '--domain=msmtp.example.test',
      ...args,
      ...recipients,
    ],
    { input: octets(message) },
  );
  expect(server.leftovers()).toEqual([]);
  // Its -d dialogue lines end in CRLF, as on the wire.
  return { ...result, dialogue: result.stdout.replace(/\r\n/g, '\n'), stored: server.take() };
}

const PLAIN = ['--auth=off', '--tls=off', '--from=a@example.test'];
const STARTTLS = ['--tls=on', '--tls-starttls=on', '--tls-certcheck=off', '--from=a@example.test'];
const envelope = maildirEnvelope('a@example.test', 'b@example.test');

cell(INTO_SERVER, 'msmtp', 'plain text', async () => {
  const message = asciiMessage('msmtp plain');
  const result = await msmtp(message, PLAIN);
  expect(result.code, result.output).toBe(0);
  expect(result.stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'msmtp', 'PIPELINING', async () => {
  const message = asciiMessage('msmtp pipelining');
  const result = await msmtp(message, PLAIN, ['b@example.test', 'c@example.test']);
  expect(result.code, result.output).toBe(0);
  // MAIL, both RCPTs and DATA leave before the first reply to them is read.
  expect(result.dialogue).toMatch(
    /--> MAIL FROM:<a@example\.test>.*\n--> RCPT TO:<b@example\.test>\n--> RCPT TO:<c@example\.test>\n--> DATA\n<-- 250 2\.1\.0/,
  );
  expect(result.stored).toEqual([
    maildirEnvelope('a@example.test', 'b@example.test', 'c@example.test') + message,
  ]);
});

cell(INTO_SERVER, 'msmtp', 'STARTTLS', async () => {
  const message = asciiMessage('msmtp starttls');
  const result = await msmtp(message, [...STARTTLS, '--auth=off']);
  expect(result.code, result.output).toBe(0);
  expect(result.dialogue).toContain('--> STARTTLS');
  expect(result.dialogue).toContain('<-- 220 2.0.0');
  expect(result.stored).toEqual([envelope + message]);
});

for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
  cell(INTO_SERVER, 'msmtp', `AUTH ${mechanism}`, async () => {
    const message = asciiMessage(`msmtp auth ${mechanism}`);
    const result = await msmtp(message, [
      ...STARTTLS,
      `--auth=${mechanism.toLowerCase()}`,
      '--user=bob',
      '--passwordeval=echo s3cret',
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.dialogue).toContain(`--> AUTH ${mechanism}`);
    expect(result.dialogue).toMatch(/<-- 235 2\.7\.0/);
    expect(result.stored).toEqual([envelope + message]);
  });
}

cell(INTO_SERVER, 'msmtp', '8-bit body', async () => {
  const message = eightBitMessage('msmtp 8bit');
  const result = await msmtp(message, PLAIN);
  expect(result.code, result.output).toBe(0);
  expect(result.stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'msmtp', 'SMTPUTF8', async ({ unsupported }) => {
  const message = asciiMessage('msmtp smtputf8');
  const result = await msmtp(
    message,
    ['--auth=off', '--tls=off', '--from=andr\u00e9@example.test'],
    ['zo\u00eb@example.test'],
  );
  // msmtp sends the non-ASCII address without the SMTPUTF8 parameter although the server offers it.
  expect(result.dialogue).toContain('<-- 250-SMTPUTF8');
  expect(result.dialogue).toContain('--> MAIL FROM:<andr\u00e9@example.test>\n');
  expect(result.dialogue).toContain('<-- 553 5.6.7');
  expect(result.code).not.toBe(0);
  expect(result.stored).toEqual([]);
  unsupported(
    'msmtp sends `MAIL FROM:<andré@example.test>` without the SMTPUTF8 parameter although the EHLO reply offers it; our server answers `553 5.6.7` (RFC 6531 §3.4) and msmtp exits non-zero',
  );
});

cell(INTO_SERVER, 'msmtp', 'DSN', async () => {
  const message = asciiMessage('msmtp dsn');
  const result = await msmtp(message, [...PLAIN, '--dsn-notify=success,failure', '--dsn-return=headers']);
  expect(result.code, result.output).toBe(0);
  expect(result.dialogue).toMatch(/--> MAIL FROM:<a@example\.test> RET=HDRS/);
  expect(result.dialogue).toContain('--> RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE');
  expect(result.stored).toEqual([envelope + message]);
});
