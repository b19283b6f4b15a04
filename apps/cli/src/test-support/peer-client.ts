import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

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
