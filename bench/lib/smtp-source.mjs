/**
 * Postfix's smtp-source, the load generator of the server cells: SESSIONS sessions in parallel,
 * HELO, no pipelining, MESSAGES messages of BYTES octets of payload (80-column lines after its
 * own headers), each connection kept for the next message (`-d`) or one connection per message.
 */
import { spawn } from 'node:child_process';
import { SMTP_SOURCE } from './environment.mjs';

/** Sends `messages` messages; resolves with that count, rejects when smtp-source fails. */
export function runSource(port, { sessions, messages, bytes, reuse }) {
  return new Promise((resolve, reject) => {
    const args = ['-s', String(sessions), '-m', String(messages), '-l', String(bytes)];
    if (reuse) args.push('-d');
    args.push('-f', 'a@example.test', '-t', 'b@example.test', `127.0.0.1:${port}`);
    const child = spawn(SMTP_SOURCE, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(messages);
      else reject(new Error(`smtp-source exited ${code}: ${errors.trim().slice(0, 300)}`));
    });
  });
}
