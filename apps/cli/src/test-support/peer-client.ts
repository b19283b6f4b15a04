import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** swaks, the independent SMTP client most peer tests drive (Debian package swaks). */
export const SWAKS = '/usr/bin/swaks';
/** Debian's Python, for clients written with smtplib. */
export const PYTHON = '/usr/bin/python3';

const INSTALL_HINT = 'run `bash scripts/install-peers.sh` (as root) to install the SMTP peers';

/** What an independent SMTP client printed (stdout and stderr together) and its exit code. */
export interface PeerRun {
  readonly code: number;
  readonly output: string;
}

/** Throws when the peer program at `path` is missing: its tests must fail, never skip. */
export function requirePeer(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} not found: ${INSTALL_HINT}`);
}

/**
 * Runs an independent SMTP client (swaks, python3…) to its end; killed and failed after 30 s,
 * so a client waiting on a server that never answers cannot hang the suite.
 */
export function runPeer(command: string, args: readonly string[]): Promise<PeerRun> {
  requirePeer(command);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within 30 s:\n${output}`));
    }, 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** swaks arguments that deliver `dataFile` to 127.0.0.1:`port` from a@example.test to b@example.test, then `extra`. */
export function swaksArgs(port: number, dataFile: string, extra: readonly string[] = []): string[] {
  return [
    '--server',
    `127.0.0.1:${port}`,
    '--from',
    'a@example.test',
    '--to',
    'b@example.test',
    '--data',
    dataFile,
    ...extra,
  ];
}

/** swaks arguments for STARTTLS, then AUTH PLAIN as `user` with `password`. */
export function swaksTlsAuth(user: string, password: string): string[] {
  return ['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];
}
