import { createServer, MemoryStore, type ServerOptions } from '@smtp/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import type { Endpoint, RunOptions } from './options.js';
import type { Failure, FileResult } from './results.js';
import { runTranscript } from './run-transcript.js';
import { type Scratch, scratch } from './test-support/files.js';
import { acceptsConnections, unusedPort } from './test-support/ports.js';
import { type RawServer, startRawServer } from './test-support/raw-server.js';

let files: Scratch;
let cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  files = scratch('run');
});
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
  files.remove();
});

interface Ran {
  readonly result: FileResult;
  readonly events: RunEvent[];
  readonly failures: Failure[];
}

async function run(text: string, options: RunOptions = {}, name = 'test.smtp'): Promise<Ran> {
  const path = files.write(name, text);
  const events: RunEvent[] = [];
  const result = await runTranscript(
    { path, name },
    {
      env: {},
      ...options,
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
  );
  return { result, events, failures: [...result.failures, ...result.sessions.flatMap((s) => s.failures)] };
}

async function server(options: ServerOptions = {}): Promise<{ endpoint: Endpoint; store: MemoryStore }> {
  const store = new MemoryStore();
  const smtp = createServer({ hostname: 'other.example.test', store, ...options });
  const { port } = await smtp.listen(0, '127.0.0.1');
  cleanups.push(() => smtp.close({ grace: 0 }));
  return { endpoint: { host: '127.0.0.1', port }, store };
}

async function raw(handle: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
  const started = await startRawServer(handle);
  cleanups.push(() => started.close());
  return started;
}

/** Every line of the session log, to check what was written. */
function logText(result: FileResult): string {
  return result.log.flatMap((entry) => entry.lines).join('\n');
}

const DELIVERY = `# A plain delivery
S: 220 mx.example.test ESMTP *
C: EHLO client.example.test
S: 250-mx.example.test *
S: ...
S: 250 HELP
C: MAIL FROM:<alice@example.test>
C: RCPT TO:<bob@example.test>
C: DATA
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 354 *
C: Subject: dots
C:
C: ..a line that starts with a dot
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 2.0.0 *
`;

describe('runTranscript against the embedded server', () => {
  it('passes a plain delivery, pipelined, and reports every step and what went over the wire', async () => {
    const { result, events } = await run(DELIVERY);
    expect(result.status).toBe('passed');
    expect(result.failures).toEqual([]);
    expect(result.sessions).toHaveLength(1);
    const session = result.sessions[0];
    expect(session?.status).toBe('passed');
    expect(session?.target).toMatch(/^embedded server 127\.0\.0\.1:\d+$/);
    expect(session?.steps.map((s) => `${s.kind}@${s.line}:${s.status}`)).toEqual([
      'expect@2:passed',
      'send@3:passed',
      'expect@4:passed',
      'send@7:passed',
      'expect@10:passed',
      'expect@11:passed',
      'expect@12:passed',
      'send@13:passed',
      'expect@17:passed',
      'send@18:passed',
      'expect@19:passed',
    ]);
    // The three envelope commands went in one write.
    const sent = result.log.filter((e) => e.kind === 'sent');
    expect(sent[1]?.lines).toEqual([
      'C: MAIL FROM:<alice@example.test>',
      'C: RCPT TO:<bob@example.test>',
      'C: DATA',
    ]);
    expect(sent[2]?.lines).toEqual(['C: Subject: dots', 'C:', 'C: ..a line that starts with a dot', 'C: .']);
    expect(result.log.filter((e) => e.kind === 'received')[0]?.lines[0]).toMatch(
      /^S: 220 mx\.example\.test ESMTP /,
    );
    expect(events[0]?.type).toBe('file-start');
    expect(events[1]?.type).toBe('session-start');
    expect(events.at(-2)?.type).toBe('session-end');
    expect(events.at(-1)?.type).toBe('file-end');
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'step-start')).toHaveLength(11);
    expect(types.filter((t) => t === 'step-pass')).toHaveLength(11);
    expect(types.filter((t) => t === 'sent')).toHaveLength(4);
    expect(types.filter((t) => t === 'received')).toHaveLength(7);
    expect(events.every((e) => typeof e.time === 'number')).toBe(true);
  });

  it('stores exactly the bytes meant: C: lines are wire-exact, so ..dot arrives as .dot', async () => {
    const other = await server();
    const { result } = await run(
      DELIVERY.replace('mx.example.test', 'other.example.test').replace(
        'S: 250-mx.example.test *',
        'S: 250-other.example.test *',
      ),
      { server: other.endpoint },
    );
    expect(result.status).toBe('passed');
    expect(other.store.messages[0]?.data.toString('latin1')).toBe(
      'Subject: dots\r\n\r\n.a line that starts with a dot\r\n',
    );
  });

  it('fails a reply that does not match, says why, and goes on with the session', async () => {
    const { result, failures } = await run(`S: 220 *
C: MAIL FROM:<a@example.test>
S: 250 *
C: EHLO client.example.test
S: 250 SIZE *
C: NOOP
S: 250 2.0.0 *
C: RSET
S: 550 *
`);
    expect(result.status).toBe('failed');
    expect(failures.map((f) => [f.line, f.kind, f.severity])).toEqual([
      [3, 'mismatch', 'failed'],
      [5, 'mismatch', 'failed'],
      [9, 'mismatch', 'failed'],
    ]);
    const [mail, ehlo] = failures;
    expect(mail).toMatchObject({
      answers: 'the reply to `MAIL FROM:<a@example.test>` (line 2)',
      expected: 'S: 250 *',
      explanation: 'code 503 does not match 250',
      reply: { code: 503 },
      session: 0,
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 8 } },
    });
    expect(mail?.actual).toMatch(/^S: 503 5\.5\.1 /);
    expect(mail?.message).toBe(
      'the reply to `MAIL FROM:<a@example.test>` (line 2): code 503 does not match 250',
    );
    expect(ehlo?.explanation).toMatch(
      /^line \d+ \(the last\): text `HELP` does not match glob `SIZE \*` at column 1$/,
    );
    expect(result.sessions[0]?.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'failed',
      'passed',
      'failed',
      'passed',
      'passed',
      'passed',
      'failed',
    ]);
  });

  it('reads the greeting itself when a session starts with C:, and applies @server options', async () => {
    const { result, failures } = await run(`@server hostname=relay.example.test size=100
C: EHLO client.example.test
S: 250-relay.example.test *
S: 250-PIPELINING
S: 250-SIZE 100
S: ...
S: 250 HELP
C: MAIL FROM:<a@example.test> SIZE=1000
S: 552 5.3.4 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.log.find((e) => e.kind === 'received')?.lines[0]).toMatch(/^S: 220 relay\.example\.test /);
  });

  it('fails when the greeting the runner reads itself is not 220', async () => {
    const busy = await raw(({ socket }) => {
      socket.end('554 5.3.2 go away\r\n');
    });
    const { result, failures } = await run(`@connect 127.0.0.1:${busy.port}\nC: QUIT\nS: 221 *\n`);
    expect(result.status).toBe('failed');
    expect(failures[0]).toMatchObject({
      kind: 'mismatch',
      line: 1,
      message: 'the greeting: expected a 220 reply, got `554 5.3.2 go away`',
    });
  });

  it('upgrades to TLS after the 220 to STARTTLS, trusting the embedded server’s own certificate', async () => {
    const { result, failures } = await run(`S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250-STARTTLS
S: ...
S: 250 HELP
C: STARTTLS
S: 220 2.0.0 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250 HELP
C: STARTTLS
S: 503 5.5.1 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.log.find((e) => e.kind === 'tls')?.lines[0]).toMatch(/^TLS established: TLSv1\.[23] /);
    const ehlo = result.log.filter((e) => e.kind === 'received').map((e) => e.lines.join('\n'));
    expect(ehlo[1]).toContain('S: 250-STARTTLS');
    expect(ehlo[3]).not.toContain('STARTTLS');
  });

  it('upgrades wherever the STARTTLS stood in its group: what was written behind it is discarded', async () => {
    const { result, failures } = await run(`S: 220 *
C: EHLO client.example.test
S: 250 *
C: STARTTLS
C: NOOP injected before the handshake
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250 HELP
C: NOOP
S: 250 2.0.0 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.log.filter((e) => e.kind === 'sent')[1]?.lines).toEqual([
      'C: STARTTLS',
      'C: NOOP injected before the handshake',
    ]);
  });

  it('fails when the server sends bytes in plain text after its 220 to STARTTLS', async () => {
    const injector = await raw(async (connection) => {
      connection.socket.write('220 raw ESMTP\r\n');
      await connection.line();
      connection.socket.write('220 2.0.0 go ahead\r\n250 2.0.0 smuggled\r\n');
    });
    const { result, failures } = await run(
      `@connect 127.0.0.1:${injector.port}\nC: STARTTLS\nS: 220 *\nC: EHLO x\nS: 250 *\n`,
    );
    expect(result.status).toBe('failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'plaintext-after-starttls', line: 3, severity: 'failed' });
    expect(failures[0]?.message).toBe(
      'the server sent `250 2.0.0 smuggled` in plain text after its 220 to STARTTLS, before the TLS handshake',
    );
    expect(result.sessions[0]?.steps.map((s) => s.status)).toEqual([
      'passed',
      'failed',
      'skipped',
      'skipped',
    ]);
  });

  it('speaks TLS from the first byte with @tls implicit (an implicit-TLS listener of the embedded server)', async () => {
    const { result, failures } = await run(`@tls implicit
@connect
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250 HELP
C: QUIT
S: 221 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.log[0]?.lines[0]).toMatch(
      /^connected to embedded server 127\.0\.0\.1:\d+ over TLSv1\.[23] /,
    );
    expect(logText(result)).not.toContain('STARTTLS');
  });

  it('verifies other servers’ certificates unless @tls insecure or allowSelfSigned', async () => {
    const other = await server({ tls: { selfSigned: true } });
    const text = (preamble: string) => `${preamble}@connect 127.0.0.1:${other.endpoint.port}
S: 220 *
C: EHLO client.example.test
S: 250 *
C: STARTTLS
S: 220 *
C: EHLO client.example.test
S: 250 *
`;
    const refused = await run(text(''));
    expect(refused.result.status).toBe('error');
    expect(refused.failures[0]).toMatchObject({ kind: 'tls', line: 6 });
    expect(refused.failures[0]?.message).toMatch(
      /^TLS handshake after STARTTLS with 127\.0\.0\.1:\d+ failed: self[- ]signed certificate \(add `@tls insecure` to the transcript, or run with --insecure, to accept any certificate\)$/,
    );
    expect((await run(text('@tls insecure\n'))).result.status).toBe('passed');
    expect((await run(text(''), { insecure: true })).result.status).toBe('passed');
    expect((await run(text(''), { allowSelfSigned: true })).result.status).toBe('passed');
  });

  it('authenticates with base64 variables from @set and the environment, and hides the secret in the log', async () => {
    const text = `@server auth=alice:s3cret
@set user alice
S: 220 *
C: EHLO client.example.test
S: 250 *
C: STARTTLS
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250-AUTH PLAIN LOGIN CRAM-MD5
S: ...
S: 250 HELP
C: AUTH PLAIN {{base64:\\0{{user}}\\0{{env:SMTP_PASSWORD}}}}
S: 235 2.7.0 *
`;
    const ok = await run(text, { env: { SMTP_PASSWORD: 's3cret' } });
    expect(ok.failures).toEqual([]);
    expect(ok.result.status).toBe('passed');
    const secret = Buffer.from('\0alice\0s3cret').toString('base64');
    expect(logText(ok.result)).not.toContain(secret);
    expect(logText(ok.result)).toContain('C: AUTH PLAIN … (hidden)');
    const wrong = await run(text, { env: { SMTP_PASSWORD: 'nope' } });
    expect(wrong.result.status).toBe('failed');
    expect(wrong.failures[0]?.actual).toMatch(/^S: 535 5\.7\.8 /);
  });

  it('hides the responses of an AUTH LOGIN exchange in the log', async () => {
    const { result, failures } = await run(`@server auth=bob:pw allowInsecureAuth=on tls=off
S: 220 *
C: EHLO client.example.test
S: 250 *
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: {{base64:bob}}
S: 334 UGFzc3dvcmQ6
C: {{base64:pw}}
S: 235 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    const log = logText(result);
    expect(log).not.toContain(Buffer.from('bob').toString('base64'));
    expect(log).toContain('C: … (authentication data hidden)');
  });

  it('reads {{env:…}} from a .env file beside the transcript; the environment wins', async () => {
    files.write('.env', '# local settings\nGREETING_NAME=from-dotenv\nOTHER="x"\n');
    const text = 'C: EHLO {{env:GREETING_NAME}}\nS: 250 *\n';
    const fromFile = await run(text);
    expect(fromFile.result.status).toBe('passed');
    expect(logText(fromFile.result)).toContain('C: EHLO from-dotenv');
    const fromEnv = await run(text, { env: { GREETING_NAME: 'from-env' } });
    expect(logText(fromEnv.result)).toContain('C: EHLO from-env');
  });

  it('refuses to run a file with an unset {{env:…}}, before it connects or starts a server', async () => {
    const { result, events } = await run(
      'S: 220 *\nC: AUTH PLAIN {{base64:\\0u\\0{{env:NOT_SET}}}}\nS: 235 *\n',
    );
    expect(result.status).toBe('error');
    expect(result.sessions).toEqual([]);
    expect(result.failures).toEqual([
      expect.objectContaining({
        kind: 'env',
        severity: 'error',
        line: 2,
        message:
          'environment variable `NOT_SET` is not set (set it, or add `NOT_SET=…` to a .env file beside the transcript)',
      }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['file-start', 'file-end']);
  });

  it('refuses to run a file with parse errors, one failure per error', async () => {
    const { result } = await run('S: 220 *\n@conect 127.0.0.1:25\nC: NOOP\nS: 2500 x\n');
    expect(result.status).toBe('error');
    expect(result.failures.map((f) => [f.kind, f.line])).toEqual([
      ['parse', 2],
      ['parse', 4],
    ]);
    expect(result.failures[0]?.message).toBe('unknown directive @conect (did you mean @connect?)');
  });

  it('reports a file that cannot be read', async () => {
    const result = await runTranscript({ path: `${files.dir}/missing.smtp`, name: 'missing.smtp' });
    expect(result.status).toBe('error');
    expect(result.failures[0]).toMatchObject({
      kind: 'read',
      message: 'cannot read missing.smtp: no such file or directory',
    });
  });

  it('sends BDAT chunks as counted octets, whatever lines they span', async () => {
    const other = await server();
    const { result, failures } = await run(
      `S: 220 *
C: EHLO client.example.test
S: 250 *
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
C: BDAT 9
C: abc
C! def\\r
S: 250 *
S: 250 *
S: 250 *
C: BDAT 5 LAST
C: xyz
S: 250 2.0.0 *
`,
      { server: other.endpoint },
    );
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(other.store.messages[0]?.data.toString('latin1')).toBe('abc\r\ndef\rxyz\r\n');
  });

  it('reads what follows a refused DATA as commands', async () => {
    const { result, failures } = await run(`S: 220 *
C: EHLO client.example.test
S: 250 *
C: DATA
S: 503 5.5.1 *
C: NOOP
S: 250 2.0.0 *
`);
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('@closed passes when the server closes with no further reply', async () => {
    const { result, failures } = await run('S: 220 *\nC: QUIT\nS: 221 *\n@closed\n');
    expect(failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.log.map((e) => e.kind)).toContain('closed-by-server');
  });

  it('@closed fails when the server replies or keeps the connection open', async () => {
    const replies = await run('S: 220 *\nC: NOOP\nC: NOOP\nS: 250 *\n@closed\n');
    expect(replies.result.status).toBe('failed');
    expect(replies.failures[0]).toMatchObject({ kind: 'not-closed', line: 5 });
    expect(replies.failures[0]?.message).toMatch(
      /^expected the server to close the connection, but it replied `250 2\.0\.0 /,
    );
    const open = await run('@timeout 200ms\nS: 220 *\nC: NOOP\nS: 250 *\n@closed\n');
    expect(open.failures[0]).toMatchObject({
      kind: 'not-closed',
      message: 'expected the server to close the connection, but it kept it open for 200ms',
    });
  });

  it('fails the waiting step when the server closes the connection (anywhere but after 221)', async () => {
    const closer = await raw(async (connection) => {
      connection.socket.write('220 raw ESMTP\r\n');
      await connection.line();
      connection.socket.end();
    });
    const { result, failures } = await run(
      `@connect 127.0.0.1:${closer.port}\nS: 220 *\nC: NOOP\nS: 250 *\n`,
    );
    expect(result.status).toBe('failed');
    expect(failures).toEqual([
      expect.objectContaining({
        kind: 'closed',
        severity: 'failed',
        line: 4,
        message: 'waiting for the reply to `NOOP` (line 3): the server closed the connection',
      }),
    ]);
    // After 221 the same close is normal: nothing waits any more.
    expect((await run('S: 220 *\nC: QUIT\nS: 221 *\n')).result.status).toBe('passed');
  });

  it('fails a session when the server sends something that is not an SMTP reply', async () => {
    const web = await raw(({ socket }) => {
      socket.write('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    const { result, failures } = await run(`@connect 127.0.0.1:${web.port}\nS: 220 *\nC: QUIT\nS: 221 *\n`);
    expect(result.status).toBe('failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'bad-reply', severity: 'failed', line: 2 });
    expect(failures[0]?.message).toMatch(/^waiting for the greeting: /);
    expect(result.sessions[0]?.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped']);
  });

  it('times out a reply that does not come (an error: the file could not run to its end)', async () => {
    const silent = await raw((connection) => {
      connection.socket.write('220 raw ESMTP\r\n');
    });
    const { result, failures } = await run(
      `@timeout 200ms\n@connect 127.0.0.1:${silent.port}\nS: 220 *\nC: NOOP\nS: 250 *\nC: QUIT\nS: 221 *\n`,
    );
    expect(result.status).toBe('error');
    expect(failures).toEqual([
      expect.objectContaining({
        kind: 'timeout',
        line: 5,
        message: 'waiting for the reply to `NOOP` (line 4): nothing came within 200ms',
      }),
    ]);
    expect(result.sessions[0]?.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'error',
      'skipped',
      'skipped',
    ]);
  });

  it('says in one line when the server cannot be reached', async () => {
    const port = await unusedPort();
    const { result, failures } = await run(`@connect 127.0.0.1:${port}\nS: 220 *\n`);
    expect(result.status).toBe('error');
    expect(failures).toEqual([
      expect.objectContaining({
        kind: 'unreachable',
        line: 1,
        message: `cannot connect to 127.0.0.1:${port}: connection refused`,
      }),
    ]);
  });

  it('cancels at once: sockets close, the embedded server stops, the rest is skipped', async () => {
    const controller = new AbortController();
    const pending = run('S: 220 *\nC: NOOP\nS: 250 *\n@sleep 10m\nC: QUIT\nS: 221 *\n@connect\nS: 220 *\n', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step-start' && event.step.kind === 'directive') controller.abort();
      },
    });
    const { result, failures } = await pending;
    expect(result.status).toBe('error');
    expect(failures).toEqual([expect.objectContaining({ kind: 'cancelled', line: 4 })]);
    expect(result.sessions.map((s) => s.status)).toEqual(['error', 'skipped']);
    expect(result.sessions[1]?.skipReason).toBe('the run was cancelled');
    const port = Number(/:(\d+)$/.exec(result.sessions[0]?.target ?? '')?.[1]);
    expect(await acceptsConnections(port)).toBe(false);
  });

  it('cancels a read in progress', async () => {
    const silent = await raw((connection) => {
      connection.socket.write('220 raw ESMTP\r\n');
    });
    const controller = new AbortController();
    const { result, failures } = await run(
      `@connect 127.0.0.1:${silent.port}\nS: 220 *\nC: NOOP\nS: 250 *\n`,
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'sent') setTimeout(() => controller.abort(), 20);
        },
      },
    );
    expect(result.status).toBe('error');
    expect(failures).toEqual([expect.objectContaining({ kind: 'cancelled', line: 4 })]);
  });

  const SESSIONS = `@set who first
S: 220 *
C: EHLO {{who}}.example.test
S: 250 *
@close
@set who second
@connect
S: 220 *
C: EHLO {{who}}.example.test
S: 250 *
C: NOOP
S: 250 *
@connect
C: EHLO third.example.test
S: 250 *
`;

  it('runs several sessions in order; variables carry over from one to the next', async () => {
    const { result } = await run(SESSIONS);
    expect(result.status).toBe('passed');
    expect(result.sessions.map((s) => [s.name, s.status])).toEqual([
      ['session 1 (line 2)', 'passed'],
      ['session 2 (line 7)', 'passed'],
      ['session 3 (line 13)', 'passed'],
    ]);
    expect(logText(result)).toContain('C: EHLO second.example.test');
  });

  it('runs one session only, by index or by line, with the variables of the sessions before it', async () => {
    const byIndex = await run(SESSIONS, { session: { index: 1 } });
    expect(byIndex.result.sessions.map((s) => s.status)).toEqual(['skipped', 'passed', 'skipped']);
    expect(byIndex.result.sessions[0]?.skipReason).toBe('not selected to run');
    expect(logText(byIndex.result)).toContain('C: EHLO second.example.test');
    expect(logText(byIndex.result)).not.toContain('first');
    const byLine = await run(SESSIONS, { session: { line: 13 } });
    expect(byLine.result.sessions.map((s) => s.status)).toEqual(['skipped', 'skipped', 'passed']);
    const none = await run(SESSIONS, { session: { index: 5 } });
    expect(none.result.status).toBe('error');
    expect(none.result.failures[0]).toMatchObject({
      kind: 'usage',
      message: 'there is no session 6 (the file has 3)',
    });
  });

  it('runs to a line: stops after the step there, later steps and sessions skipped', async () => {
    const { result } = await run(SESSIONS, { stopAfterLine: 8 });
    expect(result.status).toBe('passed');
    expect(result.sessions.map((s) => s.status)).toEqual(['passed', 'passed', 'skipped']);
    expect(result.sessions[1]?.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(logText(result)).not.toContain('C: NOOP');
  });

  it('runs against --server instead of every target, ignoring @server with a warning', async () => {
    const other = await server();
    const port = await unusedPort();
    const { result } = await run(
      `@server size=10\n@connect 127.0.0.1:${port}\nS: 220 other.example.test *\nC: QUIT\nS: 221 *\n`,
      { server: other.endpoint },
    );
    expect(result.status).toBe('passed');
    expect(result.sessions[0]?.target).toBe(`127.0.0.1:${other.endpoint.port}`);
    expect(result.warnings).toContainEqual({
      message: `@server options are ignored: the file runs against --server 127.0.0.1:${other.endpoint.port}`,
      line: 1,
    });
  });

  it('uses a default server for sessions without @connect host:port', async () => {
    const other = await server();
    const { result } = await run('S: 220 other.example.test *\nC: QUIT\nS: 221 *\n', {
      defaultServer: other.endpoint,
    });
    expect(result.status).toBe('passed');
  });

  it('waits at @sleep and logs it', async () => {
    const { result } = await run('S: 220 *\n@sleep 20ms\nC: NOOP\nS: 250 *\n');
    expect(result.status).toBe('passed');
    expect(result.log.find((e) => e.kind === 'sleep')?.lines).toEqual(['waiting 20ms']);
  });

  it('plays @server script=FILE: the embedded server is the reverse server playing that script', async () => {
    files.write(
      'helo-only.serve.smtp',
      `S: 220 old.example.test ESMTP
C: EHLO *
S: 500 5.5.2 command not recognized
C: HELO *
S: 250 old.example.test
C: QUIT
S: 221 2.0.0 bye
`,
    );
    const { result, failures } = await run(`@server script=helo-only.serve.smtp
S: 220 old.example.test *
C: EHLO client.example.test
S: 5xx *
C: HELO client.example.test
S: 250 *
C: QUIT
S: 221 *
`);
    expect(failures).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.sessions[0]?.target).toMatch(/^server script helo-only\.serve\.smtp at 127\.0\.0\.1:\d+$/);
    const missing = await run('@server script=nowhere.serve.smtp\nC: QUIT\nS: 221 *\n');
    expect(missing.result.status).toBe('error');
    expect(missing.result.failures[0]).toMatchObject({
      kind: 'server',
      message: 'cannot read the server script nowhere.serve.smtp: no such file or directory',
    });
  });
});
