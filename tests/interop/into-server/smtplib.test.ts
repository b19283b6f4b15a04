import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { asciiMessage, eightBitMessage } from '../support/messages.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { runCommand } from '../support/process.js';

// Python's smtplib (Debian's /usr/bin/python3) drives `smtp serve`. Each script gets the port as
// argv[1] and the message (latin1 text, base64) as argv[2], and prints what it wants checked.
let server: OurServer;
beforeAll(async () => {
  server = await startOurServer(['--tls-self-signed', '--auth', 'bob:s3cret']);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const PRELUDE = `
import base64, smtplib, ssl, sys
port = int(sys.argv[1])
data = base64.b64decode(sys.argv[2])
def tls_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
`;

async function python(script: string, message = ''): Promise<{ output: string; stored: string[] }> {
  server.take();
  const result = await runCommand(requireTool(APT_TOOLS.python), [
    '-c',
    PRELUDE + script,
    String(server.port),
    Buffer.from(message, 'latin1').toString('base64'),
  ]);
  expect(result.code, result.output).toBe(0);
  expect(server.leftovers()).toEqual([]);
  return { output: result.output, stored: server.take() };
}

cell(INTO_SERVER, 'Python smtplib', 'plain text', async () => {
  const message = asciiMessage('smtplib plain');
  const { stored } = await python(
    `
s = smtplib.SMTP("127.0.0.1", port)
s.sendmail("a@example.test", ["b@example.test"], data)
s.quit()
`,
    message,
  );
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});

cell(INTO_SERVER, 'Python smtplib', 'STARTTLS', async () => {
  // send_message composes the message itself; it prints the octets it meant to send.
  const { output, stored } = await python(`
from email.message import EmailMessage
from email import policy
m = EmailMessage()
m["From"] = "a@example.test"
m["To"] = "b@example.test, c@example.test"
m["Subject"] = "smtplib starttls"
m.set_content(".a line with a dot\\nlast line\\n")
s = smtplib.SMTP("127.0.0.1", port)
s.starttls(context=tls_context())
s.send_message(m)
s.quit()
print(base64.b64encode(m.as_bytes(policy=policy.SMTP)).decode())
`);
  const sent = Buffer.from(output.trim(), 'base64').toString('latin1');
  expect(sent).toContain('\r\n.a line with a dot\r\n');
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test', 'c@example.test') + sent]);
});

for (const [mechanism, method] of [
  ['PLAIN', 'auth_plain'],
  ['LOGIN', 'auth_login'],
  ['CRAM-MD5', 'auth_cram_md5'],
] as const) {
  cell(INTO_SERVER, 'Python smtplib', `AUTH ${mechanism}`, async () => {
    const message = asciiMessage(`smtplib auth ${mechanism}`);
    const { output, stored } = await python(
      `
s = smtplib.SMTP("127.0.0.1", port)
s.starttls(context=tls_context())
s.ehlo()
s.user, s.password = "bob", "s3cret"
code, text = s.auth("${mechanism}", s.${method})
print(code, text.decode())
s.sendmail("a@example.test", ["b@example.test"], data)
s.quit()
`,
      message,
    );
    expect(output).toMatch(/^235 2\.7\.0/);
    expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
  });
}

cell(INTO_SERVER, 'Python smtplib', '8-bit body', async () => {
  const message = eightBitMessage('smtplib 8bit');
  const { stored } = await python(
    `
s = smtplib.SMTP("127.0.0.1", port)
s.sendmail("a@example.test", ["b@example.test"], data, mail_options=["BODY=8BITMIME"])
s.quit()
`,
    message,
  );
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});

cell(INTO_SERVER, 'Python smtplib', 'SMTPUTF8', async () => {
  const message = eightBitMessage('smtplib smtputf8');
  const { stored } = await python(
    `
s = smtplib.SMTP("127.0.0.1", port)
s.ehlo()
assert s.has_extn("smtputf8"), "SMTPUTF8 not offered"
s.sendmail("andr\\u00e9@example.test", ["zo\\u00eb@\\u00e9xample.test"], data, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
s.quit()
`,
    message,
  );
  const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  expect(stored).toEqual([maildirEnvelope(utf8('andré@example.test'), utf8('zoë@éxample.test')) + message]);
});

cell(INTO_SERVER, 'Python smtplib', 'DSN', async () => {
  const message = asciiMessage('smtplib dsn');
  const { output, stored } = await python(
    `
s = smtplib.SMTP("127.0.0.1", port)
s.ehlo()
assert s.has_extn("dsn"), "DSN not offered"
s.mail("a@example.test", ["RET=HDRS", "ENVID=smtplib+2Ddsn"])
print(*s.rcpt("b@example.test", ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;b@example.test"]))
code, reply = s.data(data)
print(code)
s.quit()
`,
    message,
  );
  expect(output).toMatch(/^250 b'2\.1\.5/);
  expect(output).toMatch(/^250$/m);
  expect(stored).toEqual([maildirEnvelope('a@example.test', 'b@example.test') + message]);
});

cell(INTO_SERVER, 'Python smtplib', 'many messages, one connection', async () => {
  const messages = [1, 2, 3].map((n) => asciiMessage(`smtplib session message ${n}`));
  const script = `
s = smtplib.SMTP("127.0.0.1", port)
for part in data.split(b"\\0"):
    s.sendmail("a@example.test", ["b@example.test"], part)
s.quit()
`;
  const { stored } = await python(script, messages.join('\0'));
  expect(stored).toEqual(messages.map((m) => maildirEnvelope('a@example.test', 'b@example.test') + m));
});
