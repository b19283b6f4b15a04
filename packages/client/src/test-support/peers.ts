/**
 * Starting real, independent SMTP servers on loopback for interop tests: Postfix's smtp-sink,
 * aiosmtpd (Debian's /usr/bin/python3) and smtp-server from npm (in-process, resolved from
 * bench/, where it is installed). A missing peer throws with a message, so its tests fail —
 * never skip. Every process started is stopped by its process group id.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (packages/client/src/test-support → ../../../..). */
export const repoRoot = path.resolve(here, '../../../..');

/** A free TCP port on 127.0.0.1 (bound, read back, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port, or rejects after `ms`. */
export async function waitForPort(
  port: number,
  ms = 10_000,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the server on port ${port} exited before it accepted connections`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing accepted connections on 127.0.0.1:${port} within ${ms} ms`);
}

/** A server process started by a test. */
export interface PeerProcess {
  readonly port: number;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it by its process group (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
}

function requireExecutable(file: string, install: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${install} (bash scripts/install-peers.sh)`);
}

/** Starts `command` in its own process group and waits until it listens on `port`. */
export async function startProcess(
  command: string,
  args: readonly string[],
  port: number,
): Promise<PeerProcess> {
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
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
  try {
    await waitForPort(port, 10_000, () => !exited);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; output: ${output.slice(0, 2000)}`);
  }
  return { port, pid, output: () => output, stop };
}

/** A scratch directory removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `smtp-client-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Postfix's smtp-sink, dumping every message into a directory. */
export interface SmtpSink extends PeerProcess {
  readonly dumpDir: string;
  /** The dumped messages, oldest first: smtp-sink's own header lines, then the message with LF line ends. */
  messages(): string[];
  dispose(): Promise<void>;
}

/** Starts smtp-sink on a free port; `extra` are more flags (e.g. `-r` / `-f` refusal tests). */
export async function startSmtpSink(extra: readonly string[] = []): Promise<SmtpSink> {
  requireExecutable('/usr/sbin/smtp-sink', 'install Debian package postfix');
  const scratch = scratchDir('sink');
  const dumpDir = path.join(scratch.dir, 'dump');
  mkdirSync(dumpDir);
  chmodSync(scratch.dir, 0o755);
  execFileSync('chown', ['nobody', dumpDir]);
  const port = await freePort();
  const peer = await startProcess(
    '/usr/sbin/smtp-sink',
    ['-u', 'nobody', '-d', `${dumpDir}/%H%M%S.`, ...extra, `127.0.0.1:${port}`, '64'],
    port,
  );
  return {
    ...peer,
    dumpDir,
    messages: () =>
      readdirSync(dumpDir)
        .map((name) => path.join(dumpDir, name))
        .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs || a.localeCompare(b))
        .map((file) => readFileSync(file, 'latin1')),
    dispose: async () => {
      await peer.stop();
      scratch.remove();
    },
  };
}

/** The message part of an smtp-sink dump: what follows its `X-…` lines and its `Received:` field. */
export function sinkMessage(dump: string): string {
  const lines = dump.split('\n');
  let at = 0;
  while (at < lines.length && /^X-[A-Za-z-]+: /.test(lines[at] as string)) at++;
  if (lines[at]?.startsWith('Received: ')) {
    at++;
    while (at < lines.length && /^[ \t]/.test(lines[at] as string)) at++;
  }
  return lines.slice(at).join('\n');
}

/** Options of the aiosmtpd test server (test-support/aiosmtpd_server.py). */
export interface AiosmtpdOptions {
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly requireStartTls?: boolean;
  readonly auth?: string;
  readonly token?: string;
  readonly smtputf8?: boolean;
  readonly size?: number;
}

/** A stored message of the aiosmtpd server. */
export interface StoredMessage {
  readonly bytes: Buffer;
  readonly meta: {
    mail_from: string;
    rcpt_tos: string[];
    mail_options: string[];
    rcpt_options: string[];
    tls: boolean;
    authenticated: boolean;
  };
}

/** aiosmtpd with a message store. */
export interface Aiosmtpd extends PeerProcess {
  messages(): StoredMessage[];
  dispose(): Promise<void>;
}

const PYTHON = '/usr/bin/python3';

/** Starts aiosmtpd (Debian's python3 and python3-aiosmtpd) on a free port. */
export async function startAiosmtpd(options: AiosmtpdOptions = {}): Promise<Aiosmtpd> {
  requireExecutable(PYTHON, 'install Debian package python3');
  try {
    execFileSync(PYTHON, ['-c', 'import aiosmtpd'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'aiosmtpd does not import in /usr/bin/python3: install python3-aiosmtpd (bash scripts/install-peers.sh)',
    );
  }
  const scratch = scratchDir('aiosmtpd');
  const port = await freePort();
  const args = [path.join(here, 'aiosmtpd_server.py'), '--port', String(port), '--dir', scratch.dir];
  if (options.tls) args.push('--tls-cert', options.tls.cert, '--tls-key', options.tls.key);
  if (options.requireStartTls) args.push('--require-starttls');
  if (options.auth) args.push('--auth', options.auth);
  if (options.token) args.push('--token', options.token);
  if (options.smtputf8) args.push('--smtputf8');
  if (options.size !== undefined) args.push('--size', String(options.size));
  const peer = await startProcess(PYTHON, args, port);
  return {
    ...peer,
    messages: () =>
      readdirSync(scratch.dir)
        .filter((name) => name.endsWith('.eml'))
        .sort()
        .map((name) => ({
          bytes: readFileSync(path.join(scratch.dir, name)),
          meta: JSON.parse(readFileSync(path.join(scratch.dir, name.replace(/\.eml$/, '.json')), 'utf8')),
        })),
    dispose: async () => {
      await peer.stop();
      scratch.remove();
    },
  };
}

/** A self-signed certificate for `names` (DNS names and IPs), made with openssl. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly pem: Buffer;
  remove(): void;
}

/** Generates a self-signed certificate whose subjectAltName lists `names`. */
export function makeCertificate(names: readonly string[] = ['localhost', '127.0.0.1']): TestCertificate {
  requireExecutable('/usr/bin/openssl', 'install Debian package openssl');
  const scratch = scratchDir('cert');
  const cert = path.join(scratch.dir, 'cert.pem');
  const key = path.join(scratch.dir, 'key.pem');
  const san = names.map((name) => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  execFileSync(
    '/usr/bin/openssl',
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
      `/CN=${names[0] ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${san}`,
    ],
    { stdio: 'pipe' },
  );
  return { cert, key, pem: readFileSync(cert), remove: scratch.remove };
}

/** smtp-server from npm, loaded from bench/ where the workspace installs it. */
export function loadSmtpServer(): SmtpServerModule {
  const benchRequire = createRequire(path.join(repoRoot, 'bench', 'package.json'));
  try {
    return benchRequire('smtp-server') as SmtpServerModule;
  } catch (error) {
    throw new Error(`smtp-server is not installed in bench/ (pnpm install): ${(error as Error).message}`);
  }
}

/** The part of smtp-server's API the tests use. */
export interface SmtpServerModule {
  SMTPServer: new (
    options: Record<string, unknown>,
  ) => {
    listen(port: number, host: string, callback: () => void): void;
    close(callback: () => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
  };
}
