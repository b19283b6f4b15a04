import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { converse, startServe } from '../test-support/serve.js';
import { formatAddress } from './serve.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-serve-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const message = [
  'EHLO client.test\r\n',
  'MAIL FROM:<alice@example.test>\r\n',
  'RCPT TO:<bob@example.test>\r\n',
  'RCPT TO:<carol@example.test>\r\n',
  'DATA\r\n',
  'Subject: hi\r\n\r\nhello\r\n.\r\n',
  'QUIT\r\n',
];

describe('smtp serve', () => {
  it('prints the listening line, one summary line per message, and exits 0 when stopped', async () => {
    const serve = await startServe(['--hostname', 'mx.test']);
    expect(serve.stdout()).toBe(`listening on smtp://127.0.0.1:${serve.port}\n`);
    expect(await converse(serve.port, message)).toEqual([220, 250, 250, 250, 250, 354, 250, 221]);
    const run = await serve.stop();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^stored [0-9A-Z]+ from=<alice@example\.test> to=<bob@example\.test>,<carol@example\.test> size=22$/,
    );
  });

  it('listens on IPv6 and prints the address in brackets', async () => {
    const serve = await startServe(['--host', '::1']);
    expect(serve.stdout()).toBe(`listening on smtp://[::1]:${serve.port}\n`);
    expect(await converse(serve.port, ['QUIT\r\n'], '::1')).toEqual([220, 221]);
    expect((await serve.stop()).code).toBe(0);
  });

  it('stores into --maildir with the exact envelope lines and prints no summary', async () => {
    const maildir = join(dir, 'Maildir');
    const serve = await startServe(['--maildir', maildir, '--size', '1000', '--max-recipients', '1']);
    const codes = await converse(serve.port, message);
    // The second recipient is over --max-recipients 1.
    expect(codes).toEqual([220, 250, 250, 250, 452, 354, 250, 221]);
    const run = await serve.stop();
    expect(run.stdout).toBe(`listening on smtp://127.0.0.1:${serve.port}\n`);
    const [name] = await readdir(join(maildir, 'new'));
    expect(await readFile(join(maildir, 'new', name as string), 'latin1')).toBe(
      'Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\nSubject: hi\r\n\r\nhello\r\n',
    );
    expect(await readdir(join(maildir, 'tmp'))).toEqual([]);
  });

  it('passes limits and modes to the server', async () => {
    const serve = await startServe([
      '--lmtp',
      '--max-errors',
      '2',
      '--idle-timeout',
      '30',
      '--lenient-line-endings',
    ]);
    expect(await converse(serve.port, ['LHLO c.test\r\n', 'BOGUS\r\n', 'BOGUS\r\n', 'NOOP\r\n'])).toEqual([
      220, 250, 500, 500, 421,
    ]);
    expect((await serve.stop()).code).toBe(0);
  });

  it('offers STARTTLS with --tls-self-signed and AUTH with --auth', async () => {
    const serve = await startServe(['--tls-self-signed', '--auth', 'bob:secret']);
    const plain = Buffer.from('\0bob\0secret').toString('base64');
    // AUTH needs TLS first (538), as the note on stderr would say without TLS.
    expect(
      await converse(serve.port, ['EHLO c.test\r\n', `AUTH PLAIN ${plain}\r\n`, 'STARTTLS\r\n']),
    ).toEqual([220, 250, 538, 220]);
    const run = await serve.stop();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('accepts AUTH without TLS with --allow-insecure-auth', async () => {
    const serve = await startServe(['--auth', 'bob:secret', '--allow-insecure-auth']);
    const plain = Buffer.from('\0bob\0secret').toString('base64');
    expect(await converse(serve.port, ['EHLO c.test\r\n', `AUTH PLAIN ${plain}\r\n`])).toEqual([
      220, 250, 235,
    ]);
    expect((await serve.stop()).code).toBe(0);
  });
});

describe('smtp serve errors', () => {
  const oneLine = (text: string) => expect(text).toMatch(/^smtp: [^\n]+\n$/);

  it.each([
    [['--port', 'abc'], "serve: --port needs a whole number from 0 to 65535, got 'abc'"],
    [['--port', '70000'], "serve: --port needs a whole number from 0 to 65535, got '70000'"],
    [['--size=-5'], "serve: --size needs a whole number from 0 to 9007199254740991, got '-5'"],
    [
      ['--max-recipients', '0'],
      "serve: --max-recipients needs a whole number from 1 to 9007199254740991, got '0'",
    ],
    [['--auth', 'nopassword'], "serve: --auth needs USER:PASS, got 'nopassword'"],
    [['--tls-cert', 'c.pem'], 'serve: --tls-cert and --tls-key go together'],
    [
      ['--tls-self-signed', '--tls-key', 'k.pem'],
      'serve: use either --tls-self-signed or --tls-cert/--tls-key, not both',
    ],
    [['--hostname', 'two words'], "serve: --hostname needs a name without spaces, got 'two words'"],
    [['--allow-insecure-auth'], 'serve: --allow-insecure-auth needs --auth USER:PASS'],
    [['--script', 'no-such-script.smtp'], 'serve: cannot read script no-such-script.smtp: no such file'],
    [['extra'], "serve: unexpected argument 'extra' (see smtp serve --help)"],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const run = await runCli(['serve', ...args]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `smtp: ${message}\n` });
  });

  it('says the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const run = await runCli(['serve', '--port', String(port)]);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `smtp: serve: cannot listen on 127.0.0.1:${port}: address already in use\n`,
      });
    } finally {
      blocker.close();
    }
  });

  it('says which certificate file it cannot read, and when cert and key do not load', async () => {
    const missing = await runCli([
      'serve',
      '--tls-cert',
      join(dir, 'none.pem'),
      '--tls-key',
      join(dir, 'none.key'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `smtp: serve: cannot read TLS certificate ${join(dir, 'none.pem')}: no such file\n`,
    );
    await writeFile(join(dir, 'junk.pem'), 'not a certificate');
    const junk = await runCli([
      'serve',
      '--tls-cert',
      join(dir, 'junk.pem'),
      '--tls-key',
      join(dir, 'junk.pem'),
    ]);
    expect(junk.code).toBe(2);
    oneLine(junk.stderr);
    expect(junk.stderr).toMatch(/^smtp: serve: cannot use .*junk\.pem/);
  });

  it('says when the Maildir cannot be created', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const run = await runCli(['serve', '--port', '0', '--maildir', join(dir, 'a-file', 'Maildir')]);
    expect(run.code).toBe(2);
    oneLine(run.stderr);
    expect(run.stderr).toContain(`cannot use Maildir ${join(dir, 'a-file', 'Maildir')}`);
  });

  it('prints help with every flag', async () => {
    const run = await runCli(['serve', '--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--hostname',
      '--maildir',
      '--size',
      '--tls-self-signed',
      '--tls-cert',
      '--tls-key',
      '--auth',
      '--allow-insecure-auth',
      '--max-recipients',
      '--max-errors',
      '--idle-timeout',
      '--lenient-line-endings',
      '--lmtp',
      '--proxy-protocol',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});

describe('formatAddress', () => {
  it('brackets IPv6 hosts', () => {
    expect(formatAddress('::1', 25)).toBe('[::1]:25');
    expect(formatAddress('127.0.0.1', 25)).toBe('127.0.0.1:25');
  });
});
