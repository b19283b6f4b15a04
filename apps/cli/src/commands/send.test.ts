import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, MemoryStore, type ServerOptions } from '@smtp/server';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

interface Running {
  readonly address: string;
  readonly store: MemoryStore;
  close(): Promise<void>;
}

let running: Running | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

async function serve(options: ServerOptions = {}): Promise<Running> {
  const store = new MemoryStore();
  const server = createServer({ hostname: 'mx.example.test', store, ...options });
  const { port } = await server.listen(0, '127.0.0.1');
  running = { address: `127.0.0.1:${port}`, store, close: () => server.close() };
  return running;
}

function messageFile(text: string): string {
  scratch = mkdtempSync(path.join(tmpdir(), 'smtp-send-'));
  const file = path.join(scratch, 'message.eml');
  writeFileSync(file, text);
  return file;
}

/** `smtp send --server SERVER` from a@example.test to b@example.test, then `extra`. */
function sendArgs(server: string, ...extra: string[]): string[] {
  return ['send', '--server', server, '--from', 'a@example.test', '--to', 'b@example.test', ...extra];
}

const MESSAGE = 'From: alice@example.test\r\nSubject: cli\r\n\r\n.dot\r\nbody\r\n';

/**
 * Replays a transcript with `smtp run` (the project's runner), from a file in a scratch folder,
 * so the trace is checked the way a user would check it.
 */
async function replay(text: string, env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'smtp-replay-'));
  try {
    writeFileSync(path.join(folder, 'trace.smtp'), text);
    const run = await runCli(['run', 'trace.smtp'], { cwd: folder, env });
    return { code: run.code, stdout: run.stdout };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('smtp send', () => {
  it('sends a file and exits 0 when every recipient is accepted', async () => {
    const server = await serve();
    const run = await runCli([
      'send',
      '--server',
      server.address,
      '--from',
      'alice@example.test',
      '--to',
      'bob@example.test',
      '--to',
      'carol@example.test',
      messageFile(MESSAGE),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sent to 2 of 2 recipients: 250 2\.0\.0 /);
    expect(server.store.messages).toHaveLength(1);
    expect(server.store.messages[0]?.data.toString()).toBe(MESSAGE);
  });

  it('reads the message from stdin with - and turns LF line ends into CRLF', async () => {
    const server = await serve();
    const run = await runCli(
      ['send', '--server', server.address, '--from', 'alice@example.test', '--to', 'bob@example.test', '-'],
      { stdin: 'Subject: stdin\n\nline\n' },
    );
    expect(run.code).toBe(0);
    expect(server.store.messages[0]?.data.toString()).toBe('Subject: stdin\r\n\r\nline\r\n');
  });

  it('reads stdin when no file is given', async () => {
    const server = await serve();
    const run = await runCli(['send', '--server', server.address, '--from', '', '--to', 'bob@example.test'], {
      stdin: 'Subject: bounce\r\n\r\n',
    });
    expect(run.code).toBe(0);
    expect(server.store.messages[0]?.data.toString()).toBe('Subject: bounce\r\n\r\n');
  });

  it('exits 1 and prints the reply with its enhanced code when the sender is refused', async () => {
    const server = await serve({
      onMail: () => ({ code: 550, enhanced: '5.7.1', message: 'sender blocked' }),
    });
    const run = await runCli(
      ['send', '--server', server.address, '--from', 'spam@example.test', '--to', 'bob@example.test'],
      { stdin: MESSAGE },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'smtp: the server refused the sender: 550 5.7.1 sender blocked (after MAIL FROM:<spam@example.test> BODY=8BITMIME)\n',
    );
  });

  it('exits 1 when every recipient is refused, naming each', async () => {
    const server = await serve({ onRcpt: () => ({ code: 550, enhanced: '5.1.1', message: 'no such user' }) });
    const run = await runCli(
      [
        'send',
        '--server',
        server.address,
        '--from',
        'a@example.test',
        '--to',
        'x@example.test',
        '--to',
        'y@example.test',
      ],
      { stdin: MESSAGE },
    );
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(
      /^smtp: the server refused every recipient: x@example\.test: 550 5\.1\.1 no such user/,
    );
    expect(run.stderr).toContain('y@example.test: 550 5.1.1 no such user');
    expect(server.store.messages).toHaveLength(0);
  });

  it('delivers to the accepted recipients, prints each refusal and exits 1 when some are refused', async () => {
    const server = await serve({
      onRcpt: (to) =>
        to.address.startsWith('no') ? { code: 550, enhanced: '5.1.1', message: 'unknown' } : undefined,
    });
    const run = await runCli(
      [
        'send',
        '--server',
        server.address,
        '--from',
        'a@example.test',
        '--to',
        'bob@example.test',
        '--to',
        'nobody@example.test',
      ],
      { stdin: MESSAGE },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^sent to 1 of 2 recipients/);
    expect(run.stderr).toBe(
      'smtp: recipient nobody@example.test refused: 550 5.1.1 unknown (after RCPT TO:<nobody@example.test>)\n',
    );
    expect(server.store.messages[0]?.to).toEqual(['bob@example.test']);
  });

  it('exits 1 when the message is over the server SIZE (refused before it is sent)', async () => {
    const server = await serve({ maxMessageSize: 10 });
    const run = await runCli(sendArgs(server.address, messageFile(MESSAGE)));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^smtp: message of \d+ octets is larger than the server's limit of 10 octets\n$/,
    );
  });

  it('exits 2 when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const run = await runCli(sendArgs(`127.0.0.1:${port}`), { stdin: MESSAGE });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`smtp: connection refused by 127.0.0.1:${port}\n`);
  });

  it('exits 2 on usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['send', '--from', 'a@example.test', '--to', 'b@example.test'], /--server HOST:PORT is required/],
      [['send', '--server', '127.0.0.1:25', '--to', 'b@example.test'], /--from ADDR is required/],
      [['send', '--server', '127.0.0.1:25', '--from', 'a@example.test'], /at least one --to/],
      [sendArgs('nope'), /--server needs HOST:PORT/],
      [sendArgs('127.0.0.1:25', '--tls', '--starttls'), /either --starttls or --tls/],
      [sendArgs('127.0.0.1:25', '--auth', 'tim:secret'), /--allow-insecure-auth/],
      [sendArgs('127.0.0.1:25', '--auth', 'nopass'), /USER:PASS/],
    ];
    for (const [argv, message] of cases) {
      const run = await runCli(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr, argv.join(' ')).toMatch(message);
      expect(run.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('exits 2 for an address with CR/LF or bad syntax, before anything is sent', async () => {
    const server = await serve();
    for (const from of ['a@example.test\r\nRCPT TO:<x@example.test>', 'not an address']) {
      const run = await runCli(
        ['send', '--server', server.address, '--from', from, '--to', 'b@example.test'],
        {
          stdin: MESSAGE,
        },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^smtp: send: sender address/);
    }
    expect(server.store.messages).toHaveLength(0);
  });

  it('exits 2 on an untrusted certificate with --starttls, and sends with --insecure', async () => {
    const server = await serve({ tls: { selfSigned: true } });
    const argv = sendArgs(server.address, '--starttls');
    const refused = await runCli(argv, { stdin: MESSAGE });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^smtp: TLS handshake after STARTTLS with 127\.0\.0\.1:\d+ failed: /);
    const sent = await runCli([...argv, '--insecure'], { stdin: MESSAGE });
    expect(sent.code).toBe(0);
    expect(server.store.messages).toHaveLength(1);
  });

  it('exits 2 with --starttls when the server does not offer it', async () => {
    const server = await serve();
    const run = await runCli(sendArgs(server.address, '--starttls'), { stdin: MESSAGE });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not offer STARTTLS/);
  });

  it('authenticates and exits 1 with the reply on wrong credentials', async () => {
    const server = await serve({ tls: { selfSigned: true }, auth: { users: { tim: 'secret' } } });
    const base = sendArgs(server.address);
    const ok = await runCli([...base, '--starttls', '--insecure', '--auth', 'tim:secret'], {
      stdin: MESSAGE,
    });
    expect(ok.code).toBe(0);
    const wrong = await runCli([...base, '--starttls', '--insecure', '--auth', 'tim:wrong'], {
      stdin: MESSAGE,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^smtp: the server refused authentication: 535 5\.7\.8 .* \(after AUTH (PLAIN|CRAM-MD5|LOGIN)\)\n$/,
    );
  });

  it('prints the session as a .smtp transcript with --trace, secrets as variables', async () => {
    const server = await serve({
      tls: { selfSigned: true },
      auth: { users: { tim: 'secret' }, mechanisms: ['PLAIN'] },
    });
    const run = await runCli(
      sendArgs(
        server.address,
        '--starttls',
        '--insecure',
        '--auth',
        'tim:secret',
        '--helo',
        'client.example.test',
        '--trace',
      ),
      { stdin: 'Subject: trace\r\n\r\n.dot\r\n' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('secret');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `# session traced by @smtp/client with ${server.address}`,
      '@tls insecure',
      `@connect ${server.address}`,
      'S: 220 *',
    ]);
    expect(lines).toContain('C: EHLO client.example.test');
    expect(lines).toContain('C: STARTTLS');
    expect(lines).toContain('C: AUTH PLAIN {{base64:\\0tim\\0{{env:SMTP_PASSWORD}}}}');
    // The server offers CHUNKING: the body goes as one BDAT chunk, octets as they are.
    expect(lines).toContain('C: BDAT 24 LAST');
    expect(lines).toContain('C: .dot');
    expect(lines).toContain('S: 250 2.0.0 *');
    expect(lines.at(-3)).toBe('C: QUIT');
    expect(lines.at(-1)).toMatch(/^# sent to 1 of 1 recipients: 250 2\.0\.0 /);
    expect(lines.every((line) => /^(# |@|C: |C:$|S: )/.test(line))).toBe(true);
  });

  it('prints a trace that replays against the same server (AUTH preferring PLAIN when tracing)', async () => {
    const server = await serve({ tls: { selfSigned: true }, auth: { users: { tim: 'secret' } } });
    const body = 'Subject: replay\r\n\r\n.dot\r\n\\back {{x}} *star*\r\n';
    const traced = await runCli(
      sendArgs(
        server.address,
        '--starttls',
        '--insecure',
        '--auth',
        'tim:secret',
        '--trace',
        messageFile(body),
      ),
    );
    expect(traced.code).toBe(0);
    expect(traced.stdout).toContain('C: AUTH PLAIN {{base64:\\0tim\\0{{env:SMTP_PASSWORD}}}}');
    const replayed = await replay(traced.stdout, { SMTP_PASSWORD: 'secret' });
    expect(replayed.stdout).toMatch(/^ PASS {2}trace\.smtp \(1 session, /);
    expect(replayed.code).toBe(0);
    expect(server.store.messages.map((m) => m.data.toString())).toEqual([body, body]);
    // A wrong password makes the replay fail at AUTH: the secret really comes from the environment.
    const wrong = await replay(traced.stdout, { SMTP_PASSWORD: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/ the reply to `AUTH PLAIN …` \(line \d+\)\n.*\n.*S: 535 5\.7\.8 /);
  });

  it('a traced CRAM-MD5 answer is marked as not replayable', async () => {
    const server = await serve({
      tls: { selfSigned: true },
      auth: { users: { tim: 'secret' }, mechanisms: ['CRAM-MD5'] },
    });
    const traced = await runCli(
      sendArgs(server.address, '--starttls', '--insecure', '--auth', 'tim:secret', '--trace'),
      { stdin: 'x\r\n' },
    );
    expect(traced.code).toBe(0);
    expect(traced.stdout).toContain('C: {{base64:tim {{cram_md5_digest}}}}');
    expect(traced.stdout).toMatch(/# CRAM-MD5 answers a random challenge: this line cannot be replayed/);
    expect(traced.stdout).toContain('S: 334 *');
    // Replaying stops before anything is sent, naming the variable to set.
    const replayed = await replay(traced.stdout, {});
    expect(replayed.code).toBe(2);
    expect(replayed.stdout).toMatch(/! trace\.smtp:\d+ {2}`\{\{cram_md5_digest\}\}` is not defined/);
  });
});
