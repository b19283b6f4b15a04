/**
 * A server process for the load checks: @smtp/server (the built package, as users run it) with a
 * Maildir store, configured by the JSON in RELIABILITY_SERVER. It talks to the suite over the IPC
 * channel: `listening` once it accepts connections, `stats` on request (heap after a full
 * collection, RSS, open file descriptors, counters), `error` for every error event. SIGTERM stops
 * it gracefully (exit 0).
 */
import { readdirSync } from 'node:fs';
import { createServer, MaildirStore, type ServerOptions } from '@smtp/server';

/** What the suite sends in RELIABILITY_SERVER. */
interface ChildConfig {
  readonly maildir: string;
  readonly options: ServerOptions;
}

/** What the child reports about itself. */
interface ChildStats {
  readonly heapUsed: number;
  readonly rss: number;
  readonly fds: number;
  readonly activeConnections: number;
  readonly messages: number;
  readonly connections: number;
  readonly refusedConnections: number;
  readonly errors: number;
}

const send = (message: unknown) => process.send?.(message);
const config = JSON.parse(process.env.RELIABILITY_SERVER ?? '{}') as ChildConfig;
let errors = 0;

const server = createServer({
  hostname: 'mx.test',
  ...config.options,
  store: new MaildirStore(config.maildir),
});
server.on('error', (error) => {
  errors++;
  send({ type: 'error', message: error.stack ?? error.message });
});

function stats(): ChildStats {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  const memory = process.memoryUsage();
  const counters = server.counters;
  return {
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    fds: readdirSync('/proc/self/fd').length,
    activeConnections: counters.activeConnections,
    messages: counters.messages,
    connections: counters.connections,
    refusedConnections: counters.refusedConnections,
    errors,
  };
}

process.on('message', (message: { type?: string; id?: number }) => {
  if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: stats() });
});
process.once('SIGTERM', () => {
  void server.close({ grace: 2000 }).then(() => process.exit(0));
});
process.on('uncaughtException', (error) => {
  send({ type: 'crash', message: error.stack ?? error.message });
  process.exit(70);
});

const address = await server.listen(0, '127.0.0.1');
send({ type: 'listening', port: address.port });
