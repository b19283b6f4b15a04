import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, runPeer, SWAKS, swaksArgs, swaksTlsAuth } from '../test-support/peer-client.js';
import { type ServeRun, startServe } from '../test-support/serve.js';

// Independent SMTP clients deliver to `smtp serve`; what lands in the Maildir is compared byte
// for byte. The peers come from Debian (scripts/install-peers.sh); a missing one is a failure.

let dir: string;
let serve: ServeRun | undefined;
let maildir: string;
let messageFile: string;

// A line starting with a dot checks that the client stuffed it and the server unstuffed it.
const MESSAGE =
  'From: a@example.test\r\nTo: b@example.test\r\nSubject: peer test\r\n\r\n.dot-led line\r\nbody\r\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-serve-peers-'));
  messageFile = join(dir, 'message.eml');
  // swaks ends DATA with CRLF . CRLF after the file's last line, adding the line end itself.
  await writeFile(messageFile, MESSAGE.slice(0, -2));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  const run = await serve?.stop();
  serve = undefined;
  expect(run?.code).toBe(0);
});

let boxes = 0;
async function startWithMaildir(extra: readonly string[] = []): Promise<ServeRun> {
  maildir = join(dir, `Maildir${++boxes}`);
  serve = await startServe(['--maildir', maildir, '--tls-self-signed', '--auth', 'bob:s3cret', ...extra]);
  return serve;
}

async function storedMessages(): Promise<string[]> {
  const names = (await readdir(join(maildir, 'new'))).sort();
  expect(await readdir(join(maildir, 'tmp'))).toEqual([]);
  return Promise.all(names.map((name) => readFile(join(maildir, 'new', name), 'latin1')));
}

const envelope = (from: string, ...to: string[]) =>
  `Return-Path: <${from}>\r\n${to.map((rcpt) => `Delivered-To: ${rcpt}\r\n`).join('')}`;

describe('swaks delivers to smtp serve', () => {
  const swaks = async (port: number, extra: readonly string[]) => {
    const result = await runPeer(SWAKS, swaksArgs(port, messageFile, ['--helo', 'swaks.test', ...extra]));
    expect(result.code, result.output).toBe(0);
    return result.output;
  };

  it('in plain text', async () => {
    const { port } = await startWithMaildir();
    await swaks(port, []);
    expect(await storedMessages()).toEqual([envelope('a@example.test', 'b@example.test') + MESSAGE]);
  });

  it('with PIPELINING', async () => {
    const { port } = await startWithMaildir();
    const output = await swaks(port, ['--pipeline', '--to', 'b@example.test,c@example.test']);
    expect(output).toMatch(/-> MAIL FROM:<a@example\.test>\n -> RCPT TO:<b@example\.test>/);
    expect(await storedMessages()).toEqual([
      envelope('a@example.test', 'b@example.test', 'c@example.test') + MESSAGE,
    ]);
  });

  it('over STARTTLS', async () => {
    const { port } = await startWithMaildir();
    const output = await swaks(port, ['--tls']);
    expect(output).toContain('220 2.0.0');
    expect(await storedMessages()).toEqual([envelope('a@example.test', 'b@example.test') + MESSAGE]);
  });

  it('with AUTH PLAIN over STARTTLS', async () => {
    const { port } = await startWithMaildir();
    const output = await swaks(port, swaksTlsAuth('bob', 's3cret'));
    expect(output).toContain('235 2.7.0');
    expect(await storedMessages()).toEqual([envelope('a@example.test', 'b@example.test') + MESSAGE]);
  });

  it('is refused with a bad password (exit code of the AUTH step)', async () => {
    const { port } = await startWithMaildir();
    const result = await runPeer(SWAKS, [
      '--server',
      `127.0.0.1:${port}`,
      '--to',
      'b@example.test',
      ...swaksTlsAuth('bob', 'wrong'),
    ]);
    expect(result.output).toContain('535 5.7.8');
    expect(result.code).not.toBe(0);
    expect(await storedMessages()).toEqual([]);
  }, 20_000);
});

describe('Python smtplib delivers to smtp serve', () => {
  const python = async (port: number, script: string) => {
    const result = await runPeer(PYTHON, ['-c', script, String(port)]);
    expect(result.code, result.output).toBe(0);
    return result.output;
  };

  it('with sendmail in plain text', async () => {
    const { port } = await startWithMaildir();
    await python(
      port,
      `
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.sendmail("a@example.test", ["b@example.test"], ${JSON.stringify(MESSAGE)}.encode())
s.quit()
`,
    );
    expect(await storedMessages()).toEqual([envelope('a@example.test', 'b@example.test') + MESSAGE]);
  });

  it('with starttls, login and send_message', async () => {
    const { port } = await startWithMaildir();
    const output = await python(
      port,
      `
import smtplib, ssl, sys, base64
from email.message import EmailMessage
from email import policy
m = EmailMessage()
m["From"] = "a@example.test"
m["To"] = "b@example.test, c@example.test"
m["Subject"] = "smtplib"
m.set_content("caf\\u00e9\\n.line with a dot\\n")
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.starttls(context=context)
s.login("bob", "s3cret")
s.send_message(m)
s.quit()
print(base64.b64encode(m.as_bytes(policy=policy.SMTP)).decode())
`,
    );
    const sent = Buffer.from(output.trim(), 'base64').toString('latin1');
    expect(sent).toContain('\r\n.line with a dot\r\n');
    expect(await storedMessages()).toEqual([
      envelope('a@example.test', 'b@example.test', 'c@example.test') + sent,
    ]);
  });
});
