/**
 * Haraka (npm) as a storing server: a config directory with smtp.ini (one process on a loopback
 * port), a full copy of Haraka's connection.ini (a partial one replaces the defaults and every
 * connection then fails on the missing [message] section) with our SIZE limit, the tls and
 * auth/flat_file plugins, and peers/haraka-store.js as the queue.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCertificate } from './certificate.js';
import { npmPeerDir } from './peers.js';
import { freePort, type ServerProcess, startServer } from './process.js';
import { scratchDir } from './scratch.js';
import { readStore, type Stored } from './store-dir.js';

const PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers/haraka-store.js');

/** What Haraka saw of a message. */
export interface HarakaMeta {
  from: string;
  to: string[];
  tls: boolean;
  user: string | null;
}

/** A running Haraka. */
export interface Haraka {
  readonly port: number;
  readonly process: ServerProcess;
  messages(): Stored<HarakaMeta>[];
  stop(): Promise<void>;
}

/** Starts Haraka on a free loopback port with STARTTLS, AUTH (PLAIN, LOGIN, CRAM-MD5) and a SIZE limit. */
export async function startHaraka(options: {
  certificate: TestCertificate;
  auth: string;
  size: number;
}): Promise<Haraka> {
  const home = npmPeerDir('Haraka');
  const scratch = scratchDir('haraka');
  const store = scratch.file('store');
  for (const dir of ['config', 'plugins', 'store', 'queue']) mkdirSync(scratch.file(dir));
  const port = await freePort();
  const config = (name: string, text: string) => writeFileSync(scratch.file('config', name), text);
  config('smtp.ini', `[main]\nlisten=127.0.0.1:${port}\nnodes=0\n`);
  config('log.ini', '[main]\nlevel=error\n');
  config('me', 'haraka.example.test\n');
  config('plugins', 'tls\nauth/flat_file\nstore\n');
  const colon = options.auth.indexOf(':');
  config(
    'auth_flat_file.ini',
    `[core]\nmethods=PLAIN,LOGIN,CRAM-MD5\n[users]\n${options.auth.slice(0, colon)}=${options.auth.slice(colon + 1)}\n`,
  );
  const connection = readFileSync(path.join(home, 'config', 'connection.ini'), 'utf8');
  if (!/^bytes=\d+$/m.test(connection)) throw new Error("Haraka's connection.ini has no [max] bytes= line");
  config('connection.ini', connection.replace(/^bytes=\d+$/m, `bytes=${options.size}`));
  copyFileSync(options.certificate.keyFile, scratch.file('config', 'tls_key.pem'));
  copyFileSync(options.certificate.certFile, scratch.file('config', 'tls_cert.pem'));
  copyFileSync(PLUGIN, scratch.file('plugins', 'store.js'));
  const server = await startServer(process.execPath, [path.join(home, 'bin', 'haraka'), '-c', scratch.dir], {
    port,
    env: { HARAKA_STORE: store },
    timeoutMs: 30_000,
  });
  return {
    port,
    process: server,
    messages: () => readStore<HarakaMeta>(store),
    async stop() {
      await server.stop({ group: true });
      scratch.remove();
    },
  };
}
