import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { runCommand } from '../support/process.js';
import { type Scratch, scratchDir } from '../support/scratch.js';

// curl uploads files to `smtp serve` (smtp:// URLs, -T); it dot-stuffs and ends DATA itself.
let server: OurServer;
let scratch: Scratch;
let files = 0;
beforeAll(async () => {
  scratch = scratchDir('curl');
  server = await startOurServer(['--tls-self-signed', '--auth', 'bob:s3cret']);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  scratch?.remove();
});

function file(message: string): string {
  const name = scratch.file(`message-${++files}.eml`);
  writeFileSync(name, octets(message));
  return name;
}

async function curl(args: readonly string[]): Promise<{ output: string; stored: string[] }> {
  server.take();
  const result = await runCommand(requireTool(APT_TOOLS.curl), [
    '-sS',
    '-v',
    '--mail-from',
    'a@example.test',
    '--mail-rcpt',
    'b@example.test',
    ...args,
  ]);
  expect(result.code, result.output).toBe(0);
  expect(server.leftovers()).toEqual([]);
  return { output: result.output, stored: server.take() };
}

const url = () => `smtp://127.0.0.1:${server.port}/curl.example.test`;
const envelope = maildirEnvelope('a@example.test', 'b@example.test');

cell(INTO_SERVER, 'curl', 'plain text', async () => {
  const message = asciiMessage('curl plain');
  const { output, stored } = await curl([url(), '-T', file(message)]);
  expect(output).not.toContain('> STARTTLS');
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'curl', 'STARTTLS', async () => {
  const message = asciiMessage('curl ssl-reqd');
  const { output, stored } = await curl(['--ssl-reqd', '-k', url(), '-T', file(message)]);
  expect(output).toContain('> STARTTLS');
  expect(output).toMatch(/< 220 2\.0\.0/);
  expect(stored).toEqual([envelope + message]);
});

for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
  cell(INTO_SERVER, 'curl', `AUTH ${mechanism}`, async () => {
    const message = asciiMessage(`curl auth ${mechanism}`);
    const { output, stored } = await curl([
      '--ssl-reqd',
      '-k',
      '--user',
      'bob:s3cret',
      '--login-options',
      `AUTH=${mechanism}`,
      url(),
      '-T',
      file(message),
    ]);
    expect(output).toContain(`> AUTH ${mechanism}`);
    expect(output).toMatch(/< 235 2\.7\.0/);
    expect(stored).toEqual([envelope + message]);
  });
}

cell(INTO_SERVER, 'curl', '8-bit body', async () => {
  const message = eightBitMessage('curl 8bit');
  const { stored } = await curl([url(), '-T', file(message)]);
  expect(stored).toEqual([envelope + message]);
});

cell(INTO_SERVER, 'curl', 'many messages, one connection', async () => {
  const messages = [1, 2, 3].map((n) => asciiMessage(`curl reuse ${n}`));
  const { output, stored } = await curl(messages.flatMap((message) => [url(), '-T', file(message)]));
  expect(output.match(/> EHLO /g)).toHaveLength(1);
  expect(output.match(/> MAIL FROM:/g)).toHaveLength(3);
  expect(stored).toEqual(messages.map((message) => envelope + message));
});
