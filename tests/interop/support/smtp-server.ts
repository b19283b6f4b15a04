/** smtp-server (npm) in its own Node process as a storing server: peers/smtp-server-peer.mjs. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCertificate } from './certificate.js';
import { npmPeerDir } from './peers.js';
import { freePort, type ServerProcess, startServer, waitForOutput } from './process.js';
import { scratchDir } from './scratch.js';
import { readStore, type Stored } from './store-dir.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers/smtp-server-peer.mjs');

/** What smtp-server saw of a message. */
export interface SmtpServerMeta {
  from: string;
  mailArgs: Record<string, string | boolean>;
  to: string[];
  rcptArgs: Record<string, string | boolean>[];
  dsn: { ret?: string; envid?: string } | null;
  tls: boolean;
  user: string | null;
}

/** A running smtp-server. */
export interface SmtpServerPeer {
  readonly port: number;
  readonly process: ServerProcess;
  messages(): Stored<SmtpServerMeta>[];
  stop(): Promise<void>;
}

/** Starts smtp-server on a free loopback port. */
export async function startSmtpServer(
  options: { certificate?: TestCertificate; auth?: string; size?: number } = {},
): Promise<SmtpServerPeer> {
  npmPeerDir('smtp-server');
  const scratch = scratchDir('smtp-server');
  const port = await freePort();
  const settings = {
    port,
    dir: scratch.dir,
    ...(options.certificate ? { key: options.certificate.keyFile, cert: options.certificate.certFile } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.size ? { size: options.size } : {}),
  };
  const server = await startServer(process.execPath, [SCRIPT, JSON.stringify(settings)], {
    ready: async (started) => {
      await waitForOutput(started, /^listening$/m);
    },
  });
  return {
    port,
    process: server,
    messages: () => readStore<SmtpServerMeta>(scratch.dir),
    async stop() {
      await server.stop();
      scratch.remove();
    },
  };
}
