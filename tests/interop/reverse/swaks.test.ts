import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { REVERSE } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from '../support/messages.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { type CommandResult, runCommand } from '../support/process.js';
import { type Scratch, scratchDir } from '../support/scratch.js';
import { expectScriptPasses, startScriptServer } from '../support/script-server.js';
import { greeting, QUIT, sessionPerMessage, transaction } from '../support/script-text.js';

// swaks is the client under test; each script is what a correct swaks session must look like.
let scratch: Scratch;
let files = 0;
beforeAll(() => {
  scratch = scratchDir('reverse-swaks');
});
afterAll(() => scratch?.remove());

const HELO = 'swaks.example.test';

async function swaks(port: number, message: string, extra: readonly string[] = []): Promise<CommandResult> {
  const file = scratch.file(`message-${++files}.eml`);
  // swaks adds the last line end itself.
  writeFileSync(file, octets(message.slice(0, -2)));
  return runCommand(requireTool(APT_TOOLS.swaks), [
    '--server',
    `127.0.0.1:${port}`,
    '--helo',
    HELO,
    '--from',
    'a@example.test',
    '--data',
    file,
    ...extra,
  ]);
}

const ok = (result: CommandResult) => {
  expect(result.code, result.output).toBe(0);
  return result;
};

cell(REVERSE, 'swaks', 'plain text', async () => {
  const message = asciiMessage('swaks reverse plain');
  await expectScriptPasses(greeting(HELO, ['8BITMIME']) + transaction(message) + QUIT, async (port) =>
    ok(await swaks(port, message, ['--to', 'b@example.test'])),
  );
});

cell(REVERSE, 'swaks', 'PIPELINING', async () => {
  const message = asciiMessage('swaks reverse pipelining');
  const script =
    greeting(HELO, ['PIPELINING']) +
    transaction(message, { to: ['b@example.test', 'c@example.test'], pipelined: true }) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(await swaks(port, message, ['--pipeline', '--to', 'b@example.test,c@example.test'])),
  );
});

cell(REVERSE, 'swaks', 'STARTTLS', async () => {
  const message = asciiMessage('swaks reverse starttls');
  const script =
    greeting(HELO, ['STARTTLS']) +
    'C: STARTTLS\nS: 220 2.0.0 ready for TLS\n' +
    greeting(HELO, ['8BITMIME']).replace(/^S: 220 .*\n/, '') +
    transaction(message) +
    QUIT;
  const result = await expectScriptPasses(script, async (port) =>
    ok(await swaks(port, message, ['--tls', '--to', 'b@example.test'])),
  );
  expect(result.output).toContain('~> MAIL FROM:<a@example.test>');
});

cell(REVERSE, 'swaks', 'AUTH PLAIN', async () => {
  const message = asciiMessage('swaks reverse auth plain');
  const script =
    greeting(HELO, ['AUTH PLAIN']) +
    'C: AUTH PLAIN {{base64:\\0bob\\0s3cret}}\nS: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(
      await swaks(port, message, [
        '--to',
        'b@example.test',
        '--auth',
        'PLAIN',
        '--auth-user',
        'bob',
        '--auth-password',
        's3cret',
      ]),
    ),
  );
});

cell(REVERSE, 'swaks', 'AUTH LOGIN', async () => {
  const message = asciiMessage('swaks reverse auth login');
  const script =
    greeting(HELO, ['AUTH LOGIN']) +
    'C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: {{base64:bob}}\nS: 334 UGFzc3dvcmQ6\nC: {{base64:s3cret}}\n' +
    'S: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(
      await swaks(port, message, [
        '--to',
        'b@example.test',
        '--auth',
        'LOGIN',
        '--auth-user',
        'bob',
        '--auth-password',
        's3cret',
      ]),
    ),
  );
});

cell(REVERSE, 'swaks', '8-bit body', async () => {
  const message = eightBitMessage('swaks reverse 8bit');
  await expectScriptPasses(greeting(HELO, ['8BITMIME']) + transaction(message) + QUIT, async (port) =>
    ok(await swaks(port, message, ['--to', 'b@example.test'])),
  );
});

cell(REVERSE, 'swaks', 'refused recipient', async () => {
  const message = asciiMessage('swaks reverse refused');
  const script =
    greeting(HELO, ['8BITMIME']) +
    transaction(message, {
      to: ['nobody@example.test', 'b@example.test'],
      refuse: { 'nobody@example.test': '550 5.1.1 no such user here' },
    }) +
    QUIT;
  const result = await expectScriptPasses(script, (port) =>
    swaks(port, message, ['--to', 'nobody@example.test,b@example.test']),
  );
  expect(result.output).toContain('550 5.1.1 no such user here');
});

cell(REVERSE, 'swaks', 'two sessions', async () => {
  const first = asciiMessage('swaks reverse first session');
  const second = asciiMessage('swaks reverse second session');
  const script = sessionPerMessage(HELO, [first, second]);
  await expectScriptPasses(
    script,
    async (port) => {
      ok(await swaks(port, first, ['--to', 'b@example.test']));
      ok(await swaks(port, second, ['--to', 'b@example.test']));
    },
    2,
  );
});

cell(REVERSE, 'swaks', 'a difference caught', async ({ note }) => {
  const message = asciiMessage('swaks reverse difference');
  const server = await startScriptServer(
    greeting(HELO, ['8BITMIME']) + transaction(message, { to: ['carol@example.test'] }) + QUIT,
  );
  try {
    const result = await swaks(server.port, message, ['--to', 'b@example.test']);
    // swaks: exit status 24 means its RCPT was refused.
    expect(result.code).toBe(24);
    expect(result.output).toContain('500 5.5.2 transcript expected: RCPT TO:<carol@example.test>');
    const { code, output } = await server.finished();
    expect(code).toBe(1);
    expect(output).toMatch(
      /session\.smtp:\d+: line `RCPT TO:<b@example\.test>` does not match `RCPT TO:<carol@example\.test>`/,
    );
    expect(output.trimEnd().split('\n').at(-1)).toBe('1 session: 0 passed, 1 failed');
    note('swaks exits 24 (RCPT refused) on `500 5.5.2 transcript expected: RCPT TO:<carol@example.test>`');
  } finally {
    await server.stop();
  }
});
