import { expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { REVERSE } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage } from '../support/messages.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { type CommandResult, runCommand } from '../support/process.js';
import { expectScriptPasses, startScriptServer } from '../support/script-server.js';
import { greeting, QUIT, sessionPerMessage, transaction } from '../support/script-text.js';

// Python's smtplib is the client under test (it writes its verbs in lower case, which the script
// server compares case-insensitively, and never pipelines). Each script gets argv: port, then
// base64 of the message octets.
const HELO = 'smtplib.example.test';

const PRELUDE = `
import base64, smtplib, ssl, sys
port = int(sys.argv[1])
data = base64.b64decode(sys.argv[2])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", port, local_hostname="${HELO}", timeout=10)
`;

async function python(port: number, body: string, message: string): Promise<CommandResult> {
  const result = await runCommand(requireTool(APT_TOOLS.python), [
    '-c',
    PRELUDE + body,
    String(port),
    Buffer.from(message, 'latin1').toString('base64'),
  ]);
  return result;
}

const ok = (result: CommandResult) => {
  expect(result.code, result.output).toBe(0);
  return result;
};

const SEND = 's.sendmail("a@example.test", ["b@example.test"], data)\ns.quit()\n';

cell(REVERSE, 'Python smtplib', 'plain text', async () => {
  const message = asciiMessage('smtplib reverse plain');
  await expectScriptPasses(greeting(HELO, ['8BITMIME']) + transaction(message) + QUIT, async (port) =>
    ok(await python(port, SEND, message)),
  );
});

cell(REVERSE, 'Python smtplib', 'STARTTLS', async () => {
  const message = asciiMessage('smtplib reverse starttls');
  const script =
    greeting(HELO, ['STARTTLS']) +
    'C: STARTTLS\nS: 220 2.0.0 ready for TLS\n' +
    greeting(HELO, ['8BITMIME']).replace(/^S: 220 .*\n/, '') +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(await python(port, `s.starttls(context=context)\n${SEND}`, message)),
  );
});

cell(REVERSE, 'Python smtplib', 'AUTH PLAIN', async () => {
  const message = asciiMessage('smtplib reverse auth plain');
  const script =
    greeting(HELO, ['AUTH PLAIN']) +
    'C: AUTH PLAIN {{base64:\\0bob\\0s3cret}}\nS: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(await python(port, `s.login("bob", "s3cret")\n${SEND}`, message)),
  );
});

cell(REVERSE, 'Python smtplib', 'AUTH LOGIN', async ({ note }) => {
  const message = asciiMessage('smtplib reverse auth login');
  // smtplib sends the user name with the command (an initial response), then the password.
  const script =
    greeting(HELO, ['AUTH LOGIN']) +
    'C: AUTH LOGIN {{base64:bob}}\nS: 334 UGFzc3dvcmQ6\nC: {{base64:s3cret}}\nS: 235 2.7.0 authenticated\n' +
    transaction(message) +
    QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(await python(port, `s.login("bob", "s3cret")\n${SEND}`, message)),
  );
  note(
    'smtplib sends the user name as an initial response: `AUTH LOGIN Ym9i`, then only the password after `334`',
  );
});

cell(REVERSE, 'Python smtplib', '8-bit body', async () => {
  const message = eightBitMessage('smtplib reverse 8bit');
  const script = greeting(HELO, ['8BITMIME']) + transaction(message, { mailParams: ' BODY=8BITMIME' }) + QUIT;
  await expectScriptPasses(script, async (port) =>
    ok(
      await python(
        port,
        's.sendmail("a@example.test", ["b@example.test"], data, mail_options=["BODY=8BITMIME"])\ns.quit()\n',
        message,
      ),
    ),
  );
});

cell(REVERSE, 'Python smtplib', 'refused recipient', async () => {
  const message = asciiMessage('smtplib reverse refused');
  const script =
    greeting(HELO, ['8BITMIME']) +
    transaction(message, {
      to: ['nobody@example.test', 'b@example.test'],
      refuse: { 'nobody@example.test': '550 5.1.1 no such user here' },
    }) +
    QUIT;
  const result = await expectScriptPasses(script, async (port) =>
    ok(
      await python(
        port,
        'print(s.sendmail("a@example.test", ["nobody@example.test", "b@example.test"], data))\ns.quit()\n',
        message,
      ),
    ),
  );
  expect(result.stdout).toContain("{'nobody@example.test': (550, b'5.1.1 no such user here')}");
});

cell(REVERSE, 'Python smtplib', 'two sessions', async () => {
  const first = asciiMessage('smtplib reverse first session');
  const second = asciiMessage('smtplib reverse second session');
  const script = sessionPerMessage(HELO, [first, second]);
  await expectScriptPasses(
    script,
    async (port) => {
      ok(await python(port, SEND, first));
      ok(await python(port, SEND, second));
    },
    2,
  );
});

cell(REVERSE, 'Python smtplib', 'a difference caught', async ({ note }) => {
  const message = asciiMessage('smtplib reverse difference');
  const expected = asciiMessage('smtplib reverse expected body');
  const server = await startScriptServer(greeting(HELO, ['8BITMIME']) + transaction(expected) + QUIT);
  try {
    const result = await python(
      server.port,
      'try:\n    s.sendmail("a@example.test", ["b@example.test"], data)\n' +
        'except smtplib.SMTPDataError as e:\n    print("refused", e.smtp_code, e.smtp_error.decode())\n',
      message,
    );
    expect(result.output).toContain(
      'refused 500 5.5.2 transcript expected: Subject: smtplib reverse expected body',
    );
    const { code, output } = await server.finished();
    expect(code).toBe(1);
    expect(output).toMatch(/session\.smtp:\d+: line `Subject: smtplib reverse difference` does not match/);
    note(
      'a body line that differs: smtplib raises SMTPDataError 500 after the message, quoting the expected line',
    );
  } finally {
    await server.stop();
  }
});
