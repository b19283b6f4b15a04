import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions } from '../options.js';
import { createServer, type SmtpServer } from '../smtp-server.js';
import { MemoryStore } from '../stores/memory-store.js';
import { TestClient, type TestClientOptions } from './test-client.js';

/** A server listening on a free loopback port, with the store tests look into. */
export interface RunningServer {
  readonly server: SmtpServer;
  readonly port: number;
  /** The memory store, when the test did not give its own store or hook. */
  readonly memory: MemoryStore;
  /** Connects a test client and reads the greeting. */
  connect(options?: TestClientOptions): Promise<TestClient>;
  /** Connects, reads the greeting and says EHLO (reading its reply). */
  connectReady(options?: TestClientOptions): Promise<TestClient>;
  /** Closes the server (grace 1 s unless told otherwise). */
  close(grace?: number): Promise<void>;
}

/** Starts a server on 127.0.0.1 with test defaults (hostname mx.test, memory store). */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const memory = new MemoryStore();
  const useMemory = options.store === undefined && options.onMessage === undefined;
  const server = createServer({ hostname: 'mx.test', ...options, ...(useMemory ? { store: memory } : {}) });
  // A failing hook in a test shows up as a failed expectation, not as a process warning.
  server.on('error', () => {});
  const { port } = await server.listen(0, '127.0.0.1');
  const connect = async (clientOptions: TestClientOptions = {}) => {
    const client = await TestClient.connect(port, clientOptions);
    const greeting = await client.reply();
    if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.raw}`);
    return client;
  };
  return {
    server,
    port,
    memory,
    connect,
    async connectReady(clientOptions = {}) {
      const client = await connect(clientOptions);
      const ehlo = await client.command('EHLO client.test');
      if (ehlo.code !== 250) throw new Error(`unexpected EHLO reply ${ehlo.raw}`);
      return client;
    },
    close: (grace = 1000) => server.close({ grace }),
  };
}

/** A fresh temporary directory, removed by the returned function. */
export async function temporaryDirectory(
  prefix = 'smtp-server-',
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The files of a Maildir, by sub-directory, with their contents from new/. */
export async function readMaildir(dir: string): Promise<{ tmp: string[]; new: Buffer[]; cur: string[] }> {
  const list = (sub: string) => readdir(join(dir, sub)).catch(() => [] as string[]);
  const fresh = (await list('new')).sort();
  return {
    tmp: await list('tmp'),
    new: await Promise.all(fresh.map((name) => readFile(join(dir, 'new', name)))),
    cur: await list('cur'),
  };
}

/** Polls `check` every 10 ms until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
