import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, requirePeer, runPeer, SWAKS, swaksArgs, swaksTlsAuth } from '../test-support/peer-client.js';
import { type CliRun, runCli } from '../test-support/run-cli.js';
import { listeningPort, startCli } from '../test-support/start-cli.js';

// Real clients under test (swaks, Python's smtplib, and the project's own `smtp send`) talk to
// `smtp serve --script`; passing scripts must exit 0, deliberately failing ones 1 with the
// difference reported at its line. The peers come from Debian (scripts/install-peers.sh).

interface ScriptRun {
  readonly port: number;
  /** Resolves when `serve --script` has ended by itself (every session played) or was stopped. */
  readonly finished: Promise<CliRun>;
  stop(): Promise<CliRun>;
}

let dir: string;
let scripts = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-serve-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` as a script and runs `smtp serve --script` on it until it listens. */
async function serveScript(
  text: string,
  env: Record<string, string> = {},
  extra: readonly string[] = [],
): Promise<ScriptRun> {
  const path = join(dir, `s${++scripts}.serve.smtp`);
  await writeFile(path, text);
  const serve = startCli(['serve', '--script', path, '--port', '0', ...extra], { env, cwd: dir });
  return {
    port: await listeningPort(serve),
    finished: serve.finished,
    stop: () => serve.stop('SIGTERM'),
  };
}

/** Resolves with the run, or fails after 15 s (a script that waits for more sessions). */
async function ended(run: ScriptRun): Promise<CliRun> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('serve --script did not end within 15 s')), 15_000);
  });
  try {
    return await Promise.race([run.finished, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// swaks's message: the file's lines, then it ends DATA itself.
const SWAKS_MESSAGE = 'Subject: script test\r\n\r\n.dot-led line\r\nbody';

const SWAKS_PLAIN = `# swaks, pipelining: MAIL, RCPT and DATA arrive in one write.
S: 220 mx.example.test ESMTP script
C: EHLO *
S: 250-mx.example.test
S: 250 PIPELINING
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
C: DATA
S: 250 2.1.0 ok
S: 250 2.1.5 ok
S: 354 go ahead
C: Subject: script test
C:
C: ..dot-led line
C: body
C: .
S: 250 2.0.0 queued as 1
C: QUIT
S: 221 2.0.0 bye
`;

const STARTTLS_AUTH = `# STARTTLS, then AUTH PLAIN whose secret comes from the environment.
S: 220 mx.example.test ESMTP script
C: EHLO *
S: 250-mx.example.test
S: 250 STARTTLS
C: STARTTLS
S: 220 2.0.0 ready for TLS
C: EHLO *
S: 250-mx.example.test
S: 250 AUTH PLAIN
C: AUTH PLAIN {{base64:\\0bob\\0{{env:SMTP_PASSWORD}}}}
S: 235 2.7.0 authenticated
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 ok
C: RCPT TO:<b@example.test>
S: 250 2.1.5 ok
C: DATA
S: 354 go ahead
C: Subject: script test
C:
C: ..dot-led line
C: body
C: .
S: 250 2.0.0 queued as 2
C: QUIT
S: 221 2.0.0 bye
`;

let messageFile: string;
beforeAll(async () => {
  messageFile = join(dir, 'message.eml');
  await writeFile(messageFile, SWAKS_MESSAGE);
});

describe('smtp serve --script with swaks', () => {
  it('plays a pipelined delivery and exits 0 once the session was played', async () => {
    requirePeer(SWAKS);
    const run = await serveScript(SWAKS_PLAIN);
    const swaks = await runPeer(SWAKS, swaksArgs(run.port, messageFile, ['--pipeline']));
    expect(swaks.code, swaks.output).toBe(0);
    const result = await ended(run);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /session 1 \(.*s\d+\.serve\.smtp:2\) from 127\.0\.0\.1:\d+ passed: 10 client lines matched/,
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 session: 1 passed, 0 failed');
  });

  it('plays STARTTLS and AUTH PLAIN with the password from the environment', async () => {
    requirePeer(SWAKS);
    const run = await serveScript(STARTTLS_AUTH, { SMTP_PASSWORD: 's3cret' });
    const swaks = await runPeer(SWAKS, swaksArgs(run.port, messageFile, swaksTlsAuth('bob', 's3cret')));
    expect(swaks.code, swaks.output).toBe(0);
    const result = await ended(run);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('1 session: 1 passed, 0 failed');
  });

  it('fails a client that sends something else: swaks sees the 500, the report names the line', async () => {
    requirePeer(SWAKS);
    const run = await serveScript(
      SWAKS_PLAIN.replace('RCPT TO:<b@example.test>', 'RCPT TO:<carol@example.test>'),
    );
    const swaks = await runPeer(SWAKS, swaksArgs(run.port, messageFile));
    // swaks: exit 24 is "RCPT failed".
    expect(swaks.code, swaks.output).toBe(24);
    expect(swaks.output).toContain('500 5.5.2 transcript expected: RCPT TO:<carol@example.test>');
    const result = await ended(run);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /s\d+\.serve\.smtp:7: line `RCPT TO:<b@example.test>` does not match `RCPT TO:<carol@example.test>` at column 10\n {4}expected: C: RCPT TO:<carol@example.test>\n {4}received: C: RCPT TO:<b@example.test>/,
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 session: 0 passed, 1 failed');
  });

  it('fails a password that differs, without printing it', async () => {
    requirePeer(SWAKS);
    const run = await serveScript(STARTTLS_AUTH, { SMTP_PASSWORD: 'expected-secret' });
    const swaks = await runPeer(SWAKS, swaksArgs(run.port, messageFile, swaksTlsAuth('bob', 'wrong-secret')));
    expect(swaks.code).not.toBe(0);
    const result = await ended(run);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('received: C: AUTH PLAIN …');
    expect(result.stdout).not.toContain(Buffer.from('\0bob\0wrong-secret').toString('base64'));
  });
});

describe('smtp serve --script with Python smtplib', () => {
  const python = (port: number, body: string) => `
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", ${port}, timeout=10)
${body}
s.quit()
`;

  it('serves a one-command-at-a-time client from a pipelined script (replies as each command comes)', async () => {
    requirePeer(PYTHON);
    // smtplib never pipelines and writes its verbs in lower case; both are fine.
    const run = await serveScript(SWAKS_PLAIN);
    const client = await runPeer(PYTHON, [
      '-c',
      python(
        run.port,
        's.sendmail("a@example.test", ["b@example.test"], b"Subject: script test\\r\\n\\r\\n.dot-led line\\r\\nbody\\r\\n")',
      ),
    ]);
    expect(client.code, client.output).toBe(0);
    const result = await ended(run);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('1 session: 1 passed, 0 failed');
  });

  it('plays STARTTLS and AUTH to smtplib', async () => {
    requirePeer(PYTHON);
    const run = await serveScript(STARTTLS_AUTH, { SMTP_PASSWORD: 's3cret' });
    const client = await runPeer(PYTHON, [
      '-c',
      python(
        run.port,
        's.starttls(context=ctx); s.login("bob", "s3cret"); ' +
          's.sendmail("a@example.test", ["b@example.test"], b"Subject: script test\\r\\n\\r\\n.dot-led line\\r\\nbody\\r\\n")',
      ),
    ]);
    expect(client.code, client.output).toBe(0);
    const result = await ended(run);
    expect(result.code, result.stdout).toBe(0);
  });

  it('reports a message body that differs at the line where it differs', async () => {
    requirePeer(PYTHON);
    const run = await serveScript(SWAKS_PLAIN);
    const client = await runPeer(PYTHON, [
      '-c',
      python(
        run.port,
        'try:\n    s.sendmail("a@example.test", ["b@example.test"], b"Subject: another\\r\\n\\r\\nbody\\r\\n")\n' +
          'except smtplib.SMTPDataError as e:\n    print("refused", e.smtp_code, e.smtp_error.decode())',
      ),
    ]);
    expect(client.output).toContain('refused 500 5.5.2 transcript expected: Subject: script test');
    const result = await ended(run);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /s\d+\.serve\.smtp:12: line `Subject: another` does not match `Subject: script test`/,
    );
  });
});

describe("smtp serve --script with the project's client (smtp send)", () => {
  it('plays two sessions to two connections, BDAT included, then ends by itself', async () => {
    const script = `# Session 1: the client sees CHUNKING and sends the message with BDAT.
S: 220 mx.example.test ESMTP script
C: EHLO *
S: 250-mx.example.test
S: 250-PIPELINING
S: 250 CHUNKING
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
S: 250 2.1.0 ok
S: 250 2.1.5 ok
C: BDAT * LAST
C: Subject: chunked
C:
C: .dot-led lines are not stuffed in BDAT
S: 250 2.0.0 queued as 3
C: QUIT
S: 221 2.0.0 bye

# Session 2: a plain HELO server; the client falls back from EHLO.
@connect
S: 220 old.example.test
C: EHLO *
S: 500 5.5.1 what is EHLO
C: HELO *
S: 250 old.example.test
C: MAIL FROM:<a@example.test>
S: 250 ok
C: RCPT TO:<b@example.test>
S: 250 ok
C: DATA
S: 354 go ahead
C: Subject: chunked
C:
C: ..dot-led lines are not stuffed in BDAT
C: .
S: 250 ok
C: QUIT
S: 221 bye
`;
    const run = await serveScript(script);
    const message = 'Subject: chunked\r\n\r\n.dot-led lines are not stuffed in BDAT\r\n';
    for (let i = 0; i < 2; i++) {
      const send = await runCli(
        [
          'send',
          '--server',
          `127.0.0.1:${run.port}`,
          '--from',
          'a@example.test',
          '--to',
          'b@example.test',
          '-',
        ],
        { stdin: message },
      );
      expect(send.code, send.stderr).toBe(0);
    }
    const result = await ended(run);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('2 sessions: 2 passed, 0 failed');
  });

  it('reports a session no client came for as not run when stopped, and exits 1', async () => {
    const run = await serveScript('S: 220 hi\nC: QUIT\nS: 221 bye\n');
    const result = await run.stop();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/session 1 \(.*:1\) not run: no client connected for it/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 session: 0 passed, 0 failed, 1 not run');
  });
});

describe('smtp serve --script: usage', () => {
  it('refuses a script with patterns it cannot send, with each problem at its line (exit 2)', async () => {
    const path = join(dir, 'bad.serve.smtp');
    await writeFile(path, 'S: 220 *\nC: QUIT\nS: 2xx bye\n');
    const run = await runCli(['serve', '--script', path, '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${path}:1:8: error: served in reverse, \`S:\` lines are sent as written: \`*\` cannot be sent (write \`\\x2a\` for a literal star)\n` +
        `${path}:3:4: error: served in reverse, \`S:\` lines are sent as written: \`2xx\` is not a reply code, write the exact code\n` +
        `smtp: serve: ${path} cannot be served\n`,
    );
  });

  it('says which environment variable is missing (exit 2)', async () => {
    const path = join(dir, 'env.serve.smtp');
    await writeFile(path, 'S: 220 {{env:GREETING_NAME}}\n');
    const run = await runCli(['serve', '--script', path, '--port', '0'], { env: {}, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environment variable `GREETING_NAME` is not set');
  });

  it('refuses flags of the built-in server and a missing file (exit 2)', async () => {
    const maildir = await runCli(['serve', '--script', 'x.serve.smtp', '--maildir', dir]);
    expect(maildir).toMatchObject({
      code: 2,
      stderr: "smtp: serve: --maildir has no effect with --script (the script's S: lines are the server)\n",
    });
    const missing = await runCli(['serve', '--script', 'nowhere.serve.smtp'], { cwd: dir });
    expect(missing).toMatchObject({
      code: 2,
      stderr: 'smtp: serve: cannot read script nowhere.serve.smtp: no such file\n',
    });
  });

  it('documents --script and its exit statuses in --help', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.stdout).toContain('--script FILE.smtp');
    expect(help.stdout).toContain(
      '1 with --script: a check failed, or a session was not played before SIGINT/SIGTERM',
    );
  });
});
