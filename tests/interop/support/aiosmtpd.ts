/** aiosmtpd (Python, Debian's python3-aiosmtpd) as a storing server: peers/aiosmtpd_store.py. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCertificate } from './certificate.js';
import { PYTHON, requirePythonModule } from './peers.js';
import { freePort, type ServerProcess, startServer, waitForOutput } from './process.js';
import { scratchDir } from './scratch.js';
import { readStore, type Stored } from './store-dir.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers/aiosmtpd_store.py');

/** What aiosmtpd saw of a message. */
export interface AiosmtpdMeta {
  from: string;
  to: string[];
  mail_options: string[];
  rcpt_options: string[];
  tls: boolean;
  auth: string | null;
}

/** A running aiosmtpd. */
export interface Aiosmtpd {
  readonly port: number;
  readonly process: ServerProcess;
  messages(): Stored<AiosmtpdMeta>[];
  stop(): Promise<void>;
}

/** Options of the aiosmtpd peer. */
export interface AiosmtpdOptions {
  readonly certificate?: TestCertificate;
  readonly auth?: string;
  readonly smtputf8?: boolean;
  readonly size?: number;
}

/** Starts aiosmtpd on a free loopback port. */
export async function startAiosmtpd(options: AiosmtpdOptions = {}): Promise<Aiosmtpd> {
  requirePythonModule('aiosmtpd', 'python3-aiosmtpd');
  const scratch = scratchDir('aiosmtpd');
  const port = await freePort();
  const args = [SCRIPT, '--port', String(port), '--dir', scratch.dir];
  if (options.certificate) {
    args.push('--tls-cert', options.certificate.certFile, '--tls-key', options.certificate.keyFile);
  }
  if (options.auth) args.push('--auth', options.auth);
  if (options.smtputf8) args.push('--smtputf8');
  if (options.size !== undefined) args.push('--size', String(options.size));
  const server = await startServer(PYTHON, args, {
    ready: async (started) => {
      await waitForOutput(started, /^listening$/m);
    },
  });
  return {
    port,
    process: server,
    messages: () => readStore<AiosmtpdMeta>(scratch.dir),
    async stop() {
      await server.stop();
      scratch.remove();
    },
  };
}
