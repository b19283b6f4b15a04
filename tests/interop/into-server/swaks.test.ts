import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { runCommand } from '../support/process.js';
import { type Scratch, scratchDir } from '../support/scratch.js';

// swaks drives `smtp serve`: swaks ends DATA itself after the file, adding the last line end, so
// the file holds the message without its final CRLF.
let server: OurServer;
let scratch: Scratch;
beforeAll(async () => {
  scratch = scratchDir('swaks');
  server = await startOurServer(['--tls-self-signed', '--auth', 'bob:s3cret']);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  scratch?.remove();
});

async function swaks(
  message: string,
  extra: readonly string[],
): Promise<{ output: string; stored: string[] }> {
  const file = scratch.file(`message-${Math.random().toString(36).slice(2)}.eml`);
  writeFileSync(file, octets(message.slice(0, -2)));
  server.take();
  const result = await runCommand(requireTool(APT_TOOLS.swaks), [
    '--server',
    `127.0.0.1:${server.port}`,
    '--helo',
    'swaks.example.test',
    '--from',
    'a@example.test',
    '--data',
    file,
    ...extra,
  ]);
  expect(result.code, result.output).toBe(0);
  expect(server.leftovers()).toEqual([]);
  return { output: result.output, stored: server.take() };
}

const auth = (mechanism: string) => [
  '--tls',
  '--auth',
  mechanism,
  '--auth-user',
  'bob',
  '--auth-password',
  's3cret',
];

cell(INTO_SERVER, 'swaks', 'plain text', async () => {
  const message = asciiMessage('swaks plain');
  const { stored } = await swaks(message, ['--to', 'b@example.test']);
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});

cell(INTO_SERVER, 'swaks', 'PIPELINING', async () => {
  const message = asciiMessage('swaks pipelining');
  const { output, stored } = await swaks(message, ['--pipeline', '--to', 'b@example.test,c@example.test']);
  // Pipelined: MAIL and both RCPTs go out before any of their replies is printed.
  expect(output).toMatch(
    / -> MAIL FROM:<a@example\.test>\n -> RCPT TO:<b@example\.test>\n -> RCPT TO:<c@example\.test>\n/,
  );
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test', 'c@example.test') + message]);
});

cell(INTO_SERVER, 'swaks', 'STARTTLS', async () => {
  const message = asciiMessage('swaks starttls');
  const { output, stored } = await swaks(message, ['--tls', '--to', 'b@example.test']);
  expect(output).toMatch(/<- {2}220 2\.0\.0/);
  expect(output).toMatch(/~> MAIL FROM:<a@example\.test>/);
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});

for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const) {
  cell(INTO_SERVER, 'swaks', `AUTH ${mechanism}`, async () => {
    const message = asciiMessage(`swaks auth ${mechanism}`);
    const { output, stored } = await swaks(message, [...auth(mechanism), '--to', 'b@example.test']);
    expect(output).toContain(`~> AUTH ${mechanism}`);
    expect(output).toMatch(/<~ {2}235 2\.7\.0/);
    expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
  });
}

cell(INTO_SERVER, 'swaks', '8-bit body', async () => {
  const message = eightBitMessage('swaks 8bit');
  const { stored } = await swaks(message, ['--to', 'b@example.test']);
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});
