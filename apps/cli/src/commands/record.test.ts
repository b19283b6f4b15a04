import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTranscript } from '@smtp/transcript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer, SWAKS, swaksArgs, swaksTlsAuth } from '../test-support/peer-client.js';
import { type CliRun, runCli } from '../test-support/run-cli.js';
import { type ServeRun, startServe } from '../test-support/serve.js';
import { startCli } from '../test-support/start-cli.js';

// swaks sends through `smtp record` to `smtp serve` (plain, then STARTTLS with AUTH); the file
// must be complete after SIGINT and replay green with `smtp run` against the same server.
const swaks = (port: number, extra: readonly string[]) =>
  runPeer(SWAKS, swaksArgs(port, messageFile, ['--helo', 'client.example.test', ...extra]));

interface RecordRun {
  readonly port: number;
  /** Stops the recorder as SIGINT would and resolves with its run. */
  stop(): Promise<CliRun>;
  /** Resolves once `count` sessions have been recorded. */
  sessions(count: number): Promise<void>;
}

async function startRecord(upstream: number, out: string): Promise<RecordRun> {
  const record = startCli([
    'record',
    '--listen',
    '127.0.0.1:0',
    '--upstream',
    `127.0.0.1:${upstream}`,
    '--out',
    out,
  ]);
  const port = Number((await record.waitForOutput(/^listening on smtp:\/\/127\.0\.0\.1:(\d+)$/m))[1]);
  return {
    port,
    stop: () => record.stop('SIGINT'),
    sessions: async (count) => {
      await record.waitForOutput(new RegExp(`^session ${count} from 127\\.0\\.0\\.1:\\d+ recorded`, 'm'));
    },
  };
}

let dir: string;
let serve: ServeRun;
let messageFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-record-cli-'));
  messageFile = join(dir, 'message.eml');
  await writeFile(messageFile, 'Subject: recorded\r\n\r\n.dot-led line\r\nbody');
  serve = await startServe(['--tls-self-signed', '--auth', 'bob:s3cret', '--hostname', 'mx.example.test']);
});
afterAll(async () => {
  await serve.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('smtp record', () => {
  it('records swaks sessions, plain and with STARTTLS and AUTH, into a file that replays green', async () => {
    const out = join(dir, 'recorded.smtp');
    const record = await startRecord(serve.port, out);
    const plain = await swaks(record.port, ['--pipeline']);
    expect(plain.code, plain.output).toBe(0);
    await record.sessions(1);
    const tls = await swaks(record.port, swaksTlsAuth('bob', 's3cret'));
    expect(tls.code, tls.output).toBe(0);
    await record.sessions(2);
    const stopped = await record.stop();
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/recorded 2 sessions to .*recorded\.smtp\n$/);

    const text = await readFile(out, 'utf8');
    expect(text.match(/^@connect 127\.0\.0\.1:\d+$/gm)).toHaveLength(2);
    expect(text).toContain('@tls insecure\n');
    expect(text).toContain('C: AUTH PLAIN {{base64:\\0bob\\0{{env:SMTP_PASSWORD}}}}');
    expect(text).not.toContain('s3cret');
    expect(parseTranscript(text).diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);

    const replay = await runCli(['run', out], { env: { SMTP_PASSWORD: 's3cret' }, cwd: dir });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain('2 passed, 0 failed');
    // Aimed at the server with --server instead of the recorded @connect address: the same.
    const aimed = await runCli(['run', out, '--server', `127.0.0.1:${serve.port}`], {
      env: { SMTP_PASSWORD: 's3cret' },
      cwd: dir,
    });
    expect(aimed.code, aimed.stdout).toBe(0);
  });

  it('writes a complete file even when stopped before any session', async () => {
    const out = join(dir, 'empty.smtp');
    const record = await startRecord(serve.port, out);
    expect((await record.stop()).code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text).toContain('# No session was recorded.\n');
    expect(parseTranscript(text).diagnostics).toEqual([]);
  });

  it.each([
    [[], 'record: --listen HOST:PORT is required'],
    [['--listen', '127.0.0.1:0', '--out', 'x.smtp'], 'record: --upstream HOST:PORT is required'],
    [['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:25'], 'record: --out FILE.smtp is required'],
    [['--listen', 'localhost', '--upstream', '127.0.0.1:25', '--out', 'x.smtp'], 'record: --listen: '],
    [
      ['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:0', '--out', 'x.smtp'],
      'record: --upstream: port 0 is out of range',
    ],
    [
      ['--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:25', '--out', 'x.smtp', '--tls-cert', 'c.pem'],
      'record: --tls-cert and --tls-key go together',
    ],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const run = await runCli(['record', ...args], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^smtp: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\n]*\n$`),
    );
  });

  it('says when the file cannot be written (exit 2)', async () => {
    const run = await runCli([
      'record',
      '--listen',
      '127.0.0.1:0',
      '--upstream',
      '127.0.0.1:25',
      '--out',
      join(dir, 'no-such-dir', 'x.smtp'),
    ]);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^smtp: record: cannot write .*x\.smtp: no such directory\n$/),
    });
  });
});
