/**
 * The runner against a real third-party server: aiosmtpd (Python), started on loopback for
 * these tests and stopped by its process group. Its replies are its own (`250 OK`, EHLO with
 * only 8BITMIME), so these transcripts check the runner, not our server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunOptions } from './options.js';
import type { FileResult } from './results.js';
import { runTranscript } from './run-transcript.js';
import {
  type Aiosmtpd,
  makeCertificate,
  startAiosmtpd,
  type TestCertificate,
} from './test-support/aiosmtpd.js';
import { type Scratch, scratch } from './test-support/files.js';

let files: Scratch;
let certificate: TestCertificate;
let peer: Aiosmtpd | undefined;
beforeAll(() => {
  files = scratch('aiosmtpd');
  certificate = makeCertificate();
});
afterAll(() => {
  certificate.remove();
  files.remove();
});
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

async function start(extra: readonly string[] = []): Promise<Aiosmtpd> {
  peer = await startAiosmtpd(extra);
  return peer;
}

async function run(text: string, options: RunOptions = {}): Promise<FileResult> {
  const path = files.write('peer.smtp', text);
  return runTranscript({ path, name: 'peer.smtp' }, { env: {}, ...options });
}

const failures = (result: FileResult) => [...result.failures, ...result.sessions.flatMap((s) => s.failures)];

describe('the runner against aiosmtpd', () => {
  it('plays a delivery with a dot-stuffed body, one command per reply (no PIPELINING offered)', async () => {
    const server = await start();
    const result = await run(
      `S: 220 * Python SMTP *
C: EHLO client.example.test
S: 250-*
S: 250-8BITMIME
S: 250 HELP
C: MAIL FROM:<alice@example.test>
S: 250 OK
C: RCPT TO:<bob@example.test>
S: 250 OK
C: DATA
S: 354 End data with <CR><LF>.<CR><LF>
C: Subject: interop
C:
C: ..a line that starts with a dot
C: .
S: 250 OK
C: QUIT
S: 221 Bye
@closed
`,
      { server: { host: '127.0.0.1', port: server.port } },
    );
    expect(failures(result)).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('reports what aiosmtpd really answered when it differs', async () => {
    const server = await start();
    const result = await run(`@connect 127.0.0.1:${server.port}
S: 220 *
C: HELO client.example.test
S: 250 *
C: VRFY bob
S: 252 2.5.0 *
`);
    expect(result.status).toBe('failed');
    expect(failures(result)).toEqual([
      expect.objectContaining({
        kind: 'mismatch',
        line: 6,
        expected: 'S: 252 2.5.0 *',
        actual: expect.stringMatching(/^S: 252 /),
      }),
    ]);
  });

  it('upgrades with STARTTLS; the certificate is checked unless the file or the run accepts it', async () => {
    const server = await start([
      '--tlscert',
      certificate.cert,
      '--tlskey',
      certificate.key,
      '--no-requiretls',
    ]);
    const text = (preamble: string) => `${preamble}@connect 127.0.0.1:${server.port}
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250-STARTTLS
S: 250 HELP
C: STARTTLS
S: 220 *
C: EHLO client.example.test
S: 250-*
S: 250-8BITMIME
S: 250-AUTH LOGIN PLAIN
S: 250 HELP
C: QUIT
S: 221 *
`;
    const verified = await run(text(''));
    expect(verified.status).toBe('error');
    expect(failures(verified)[0]).toMatchObject({ kind: 'tls', line: 9 });
    expect((await run(text('@tls insecure\n'))).status).toBe('passed');
    const selfSigned = await run(text(''), { allowSelfSigned: true });
    expect(failures(selfSigned)).toEqual([]);
    expect(selfSigned.log.find((e) => e.kind === 'tls')?.lines[0]).toMatch(/^TLS established: TLSv1\.[23] /);
  });

  it('speaks implicit TLS to an SMTPS listener', async () => {
    const server = await start(['--smtpscert', certificate.cert, '--smtpskey', certificate.key]);
    const result = await run(`@tls implicit insecure
@connect 127.0.0.1:${server.port}
S: 220 *
C: NOOP
S: 250 OK
C: QUIT
S: 221 Bye
`);
    expect(failures(result)).toEqual([]);
    expect(result.status).toBe('passed');
  });
});
