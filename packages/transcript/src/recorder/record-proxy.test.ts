import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type SmtpServer } from '@smtp/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTranscript } from '../parser.js';
import { runTranscript } from '../runner/run-transcript.js';
import { createRecorder, type RecordingProxy } from './record-proxy.js';

// swaks talks to the project's server through the recording proxy; the recording must parse
// cleanly and replay green against the same server with the runner.
const SWAKS = '/usr/bin/swaks';

function swaks(args: readonly string[]): Promise<{ code: number; output: string }> {
  if (!existsSync(SWAKS))
    throw new Error(`${SWAKS} not found: run \`bash scripts/install-peers.sh\` (as root)`);
  return new Promise((resolve, reject) => {
    const child = spawn(SWAKS, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`swaks did not finish within 30 s:\n${output}`));
    }, 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

let dir: string;
let messageFile: string;
let server: SmtpServer;
let serverPort: number;
let recorder: RecordingProxy | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-record-'));
  messageFile = join(dir, 'message.eml');
  await writeFile(messageFile, 'Subject: recorded\r\n\r\n.dot-led line\r\nbody');
  server = createServer({
    hostname: 'mx.example.test',
    tls: { selfSigned: true },
    auth: { users: new Map([['bob', 's3cret']]) },
  });
  serverPort = (await server.listen(0, '127.0.0.1')).port;
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await recorder?.close();
  recorder = undefined;
});

async function startRecorder(): Promise<number> {
  recorder = createRecorder({ upstream: { host: '127.0.0.1', port: serverPort } });
  return (await recorder.listen(0, '127.0.0.1')).port;
}

/** Writes the recording and replays it with the runner against the same server. */
async function replay(text: string, env: Record<string, string> = {}) {
  const path = join(dir, `recorded-${Date.now()}.smtp`);
  await writeFile(path, text);
  return runTranscript({ path }, { env });
}

const swaksArgs = (port: number, extra: readonly string[] = []) => [
  '--server',
  `127.0.0.1:${port}`,
  '--helo',
  'client.example.test',
  '--from',
  'a@example.test',
  '--to',
  'b@example.test',
  '--data',
  messageFile,
  ...extra,
];

describe('createRecorder', () => {
  it('records a plain swaks session that parses cleanly and replays green', async () => {
    const port = await startRecorder();
    const sent = await swaks(swaksArgs(port, ['--pipeline']));
    expect(sent.code, sent.output).toBe(0);
    await recorder?.idle();
    const text = recorder?.text() ?? '';
    expect(text).toContain(
      `@connect 127.0.0.1:${serverPort}\nS: 220 *\nC: EHLO client.example.test\nS: 250-*\n`,
    );
    expect(text).toContain(
      'C: MAIL FROM:<a@example.test>\nC: RCPT TO:<b@example.test>\nC: DATA\nS: 250 2.1.0 ',
    );
    expect(text).toContain(
      'C: Subject: recorded\nC:\nC: ..dot-led line\nC: body\nC: .\nS: 250 2.0.0 *\nC: QUIT\nS: 221 ',
    );
    expect(text).not.toContain('@tls insecure');
    expect(parseTranscript(text).diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const result = await replay(text);
    expect(result.status, JSON.stringify(result.sessions, null, 1)).toBe('passed');
  });

  it('records STARTTLS and AUTH through the proxy; the replay needs only the password variable', async () => {
    const port = await startRecorder();
    const sent = await swaks(
      swaksArgs(port, ['--tls', '--auth', 'PLAIN', '--auth-user', 'bob', '--auth-password', 's3cret']),
    );
    expect(sent.code, sent.output).toBe(0);
    await recorder?.idle();
    const text = recorder?.text() ?? '';
    expect(text).toContain('@tls insecure');
    expect(text).toMatch(/C: STARTTLS\nS: 220 2\.0\.0 [^\n]*\nC: EHLO client\.example\.test\n/);
    expect(text).toContain('C: AUTH PLAIN {{base64:\\0bob\\0{{env:SMTP_PASSWORD}}}}\nS: 235 2.7.0 ');
    expect(text).toContain('#   SMTP_PASSWORD: the password of bob (AUTH PLAIN)');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(Buffer.from('\0bob\0s3cret').toString('base64'));
    expect(parseTranscript(text).diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect((await replay(text, { SMTP_PASSWORD: 's3cret' })).status).toBe('passed');
    // Without the variable the file cannot run: it says so instead of sending something else.
    expect((await replay(text, {})).status).toBe('error');
  });

  it('writes one @connect block per session, in the order the clients came', async () => {
    const port = await startRecorder();
    for (let i = 0; i < 2; i++) expect((await swaks(swaksArgs(port))).code).toBe(0);
    await recorder?.idle();
    const text = recorder?.text() ?? '';
    expect(text.match(/^@connect /gm)).toHaveLength(2);
    expect(text).toMatch(/# Session 1: client 127\.0\.0\.1:\d+\n@connect[\s\S]*# Session 2: client/);
    expect((await replay(text)).status).toBe('passed');
  });

  it('records a session cut short by close(), saying so', async () => {
    const port = await startRecorder();
    const client = connect({ port, host: '127.0.0.1' });
    client.on('error', () => {});
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    client.write('EHLO client.example.test\r\n');
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    await recorder?.close();
    const text = recorder?.text() ?? '';
    expect(text).toContain('S: 220 *\nC: EHLO client.example.test\nS: 250-*\n');
    expect(text).toContain('# smtp record was stopped here; the session was cut short\n');
    client.destroy();
  });

  it('answers 421 when the upstream cannot be reached, and records nothing', async () => {
    const blocked = createRecorder({ upstream: { host: '127.0.0.1', port: 1 } });
    recorder = blocked;
    const { port } = await blocked.listen(0, '127.0.0.1');
    const errors: string[] = [];
    blocked.on('upstream-error', (_client, message) => errors.push(message));
    const reply = await new Promise<string>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => {});
    });
    expect(reply).toBe('421 4.4.1 smtp record: cannot reach upstream 127.0.0.1:1: ECONNREFUSED\r\n');
    expect(errors).toEqual(['cannot reach upstream 127.0.0.1:1: ECONNREFUSED']);
    expect(blocked.recording().sessions).toEqual([]);
  });
});
