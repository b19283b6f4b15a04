/**
 * aiosmtpd (Python, independent of this project) on loopback for the runner's interop tests:
 * Debian's /usr/bin/python3 with python3-aiosmtpd, started in its own process group and
 * stopped by that group's id. A missing peer throws, so its tests fail — they never skip.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptsConnections, unusedPort } from './ports.js';

const PYTHON = '/usr/bin/python3';
const OPENSSL = '/usr/bin/openssl';
const INSTALL = 'run bash scripts/install-peers.sh (as root)';

/** A running aiosmtpd. */
export interface Aiosmtpd {
  readonly port: number;
  readonly pid: number;
  /** What it printed. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `python3 -m aiosmtpd` (Sink handler: accepts and discards) with extra flags. */
export async function startAiosmtpd(extra: readonly string[] = []): Promise<Aiosmtpd> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import aiosmtpd'], { stdio: 'pipe' });
  } catch {
    throw new Error(`aiosmtpd does not import in ${PYTHON}: install python3-aiosmtpd (${INSTALL})`);
  }
  const port = await unusedPort();
  const child: ChildProcess = spawn(
    PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Sink', ...extra],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start aiosmtpd');
  const stop = async (): Promise<void> => {
    if (exited) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    await exit;
    clearTimeout(killer);
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`aiosmtpd exited before listening: ${output.slice(0, 2000)}`);
    if (await acceptsConnections(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`aiosmtpd did not listen on 127.0.0.1:${port} within 10 s: ${output.slice(0, 2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, pid, output: () => output, stop };
}

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly pem: string;
  remove(): void;
}

/** Makes a certificate (RSA 2048, 2 days) in a scratch folder. */
export function makeCertificate(): TestCertificate {
  if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing: ${INSTALL}`);
  const dir = mkdtempSync(join(tmpdir(), 'smtp-runner-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    OPENSSL,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return {
    cert,
    key,
    pem: readFileSync(cert, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
