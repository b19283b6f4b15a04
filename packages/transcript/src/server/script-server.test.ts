import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendMail } from '@smtp/client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTranscript } from '../parser.js';
import { createScriptServer, ScriptError, type ScriptServer } from './script-server.js';

let servers: ScriptServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(text: string, options: Parameters<typeof createScriptServer>[1] = {}) {
  const server = createScriptServer(parseTranscript(text, { uri: 'client.serve.smtp' }), {
    dotenv: false,
    ...options,
  });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** A raw client: sends each step, collecting everything the server writes until it closes. */
function talk(port: number, steps: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    let next = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; received ${JSON.stringify(received)}`));
    }, 5000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // One step per complete reply: a line whose code is followed by a space.
      const replies = received.match(/^\d{3} .*\r\n/gm)?.length ?? 0;
      while (next < steps.length && next < replies) socket.write(steps[next++] as string, 'latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

const DELIVERY = `# The client under test sends one message with STARTTLS.
S: 220 mx.example.test ESMTP script
C: EHLO *
S: 250-mx.example.test
S: 250-PIPELINING
S: 250 STARTTLS
C: STARTTLS
S: 220 2.0.0 ready
C: EHLO *
S: 250-mx.example.test
S: 250 PIPELINING
C: MAIL FROM:<alice@example.test>
C: RCPT TO:<bob@example.test>
C: DATA
S: 250 2.1.0 ok
S: 250 2.1.5 ok
S: 354 go ahead
C: Subject: served
C:
C: ..dot
C: .
S: 250 2.0.0 queued as SCRIPT1
C: QUIT
S: 221 2.0.0 bye
`;

describe('createScriptServer', () => {
  it("plays a script to the project's client over STARTTLS and resolves done when it was played", async () => {
    const { server, port } = await serve(DELIVERY);
    const failures: string[] = [];
    server.on('failure', (f) => failures.push(f.explanation));
    const sent = await sendMail(
      { host: '127.0.0.1', port, tls: 'starttls', rejectUnauthorized: false, name: 'client.test' },
      { from: 'alice@example.test', to: ['bob@example.test'] },
      'Subject: served\r\n\r\n.dot\r\n',
    );
    expect(sent.accepted).toEqual(['bob@example.test']);
    const result = await server.done;
    expect(failures).toEqual([]);
    expect(result).toMatchObject({ status: 'passed', extraConnections: 0 });
    expect(result.sessions[0]).toMatchObject({ status: 'passed', matched: 11 });
  });

  it('reports what a client did differently, and the client sees the 500', async () => {
    const { server, port } = await serve(
      DELIVERY.replace('STARTTLS\n', 'STARTTLS\n').replace('bob@', 'carol@'),
    );
    await expect(
      sendMail(
        { host: '127.0.0.1', port, tls: 'starttls', rejectUnauthorized: false, name: 'client.test' },
        { from: 'alice@example.test', to: ['bob@example.test'] },
        'Subject: served\r\n\r\n.dot\r\n',
      ),
    ).rejects.toThrow(/transcript expected: RCPT TO:<carol@example.test>/);
    await server.close();
    const result = await server.done;
    expect(result.status).toBe('failed');
    expect(result.sessions[0]?.failures[0]).toMatchObject({
      expected: 'C: RCPT TO:<carol@example.test>',
      received: 'C: RCPT TO:<bob@example.test>',
    });
  });

  it('gives each connection the next session and refuses connections beyond the script', async () => {
    const { server, port } = await serve(
      'S: 220 one\nC: QUIT\nS: 221 bye\n@connect\nS: 220 two\nC: QUIT\nS: 221 bye\n',
    );
    expect(await talk(port, ['QUIT\r\n'])).toBe('220 one\r\n221 bye\r\n');
    expect(await talk(port, ['QUIT\r\n'])).toBe('220 two\r\n221 bye\r\n');
    const result = await server.done;
    expect(result.status).toBe('passed');
    expect(await talk(port, [])).toBe(
      '554 5.3.2 transcript: no session left for this connection (the script has 2)\r\n',
    );
    expect(server.result()).toMatchObject({ status: 'failed', extraConnections: 1 });
  });

  it('reports sessions no client reached as not-run when closed early', async () => {
    const { server, port } = await serve(
      'S: 220 one\nC: QUIT\nS: 221 bye\n@connect\nS: 220 two\nC: QUIT\nS: 221 bye\n',
    );
    await talk(port, ['QUIT\r\n']);
    await server.close();
    const result = await server.done;
    expect(result.status).toBe('failed');
    expect(result.sessions.map((s) => s.status)).toEqual(['passed', 'not-run']);
  });

  it('sends 421 to a client still in session when the server is closed', async () => {
    const { server, port } = await serve('S: 220 hi\nC: QUIT\nS: 221 bye\n');
    const talking = talk(port, []);
    await new Promise((resolve) => server.once('session-start', resolve));
    await server.close();
    expect(await talking).toBe('220 hi\r\n421 4.3.2 transcript server shutting down\r\n');
    expect((await server.done).sessions[0]?.failures[0]?.explanation).toBe(
      'the server was stopped before the session was done',
    );
  });

  it('closes when its signal is aborted', async () => {
    const controller = new AbortController();
    const { server } = await serve('S: 220 hi\n', { signal: controller.signal });
    controller.abort();
    expect((await server.done).sessions[0]?.status).toBe('not-run');
  });

  it('refuses a script that cannot be served, saying where', () => {
    const make = () =>
      createScriptServer(parseTranscript('S: 220 *\nC: QUIT\nS: 221 bye\n', { uri: 'x.serve.smtp' }));
    expect(make).toThrow(ScriptError);
    try {
      make();
    } catch (error) {
      expect((error as ScriptError).diagnostics.map((d) => d.code)).toEqual(['serve-pattern']);
    }
    expect(() => createScriptServer(parseTranscript('# nothing\n'))).toThrow(/no session/);
  });

  it('reads {{env:…}} from the environment, then from a .env file beside the script', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'script-env-'));
    try {
      const path = join(dir, 'greet.serve.smtp');
      const text = 'S: 220 {{env:GREETING}} {{env:WHO}}\n';
      await writeFile(join(dir, '.env'), 'GREETING=hello\nWHO=file\n');
      const server = createScriptServer(parseTranscript(text, { uri: path }), { env: { WHO: 'process' } });
      servers.push(server);
      const { port } = await server.listen();
      expect(await talk(port, [])).toBe('220 hello process\r\n');

      const missing = createScriptServer(parseTranscript(text, { uri: 'elsewhere.serve.smtp' }), {
        env: {},
        cwd: dir,
        dotenv: false,
      });
      await expect(missing.listen()).rejects.toThrow(ScriptError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
