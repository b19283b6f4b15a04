import { createServer, MemoryStore, type ServerOptions, type SmtpServer } from '@smtp/server';
import { RawClient } from './raw-client.js';

/** A server in this process on a free loopback port, with everything the checks look at. */
export interface ObservedServer {
  readonly server: SmtpServer;
  readonly port: number;
  /** The memory store, when the check gave no store of its own. */
  readonly memory: MemoryStore;
  /** Every sender and recipient address the server accepted a command for (the hooks saw). */
  readonly mails: string[];
  readonly rcpts: string[];
  /** Every `error` event: a hook or the store failed in a way the server did not expect. */
  readonly errors: Error[];
  /** Connects and reads the greeting. */
  greeted(options?: Parameters<typeof RawClient.greeted>[1]): Promise<RawClient>;
  /** Stops the server (grace 1 s). */
  close(): Promise<void>;
}

/**
 * Starts a server with hostname `mx.test`, a memory store unless the options name a store, and
 * hooks that record every MAIL and RCPT that reached the application (so a smuggled command that
 * ran cannot go unseen).
 */
export async function startObservedServer(options: ServerOptions = {}): Promise<ObservedServer> {
  const memory = new MemoryStore();
  const mails: string[] = [];
  const rcpts: string[] = [];
  const errors: Error[] = [];
  const ownStore = options.store !== undefined || options.onMessage !== undefined;
  const server = createServer({
    hostname: 'mx.test',
    onMail: (from) => {
      mails.push(from.address);
    },
    onRcpt: (to) => {
      rcpts.push(to.address);
    },
    ...options,
    ...(ownStore ? {} : { store: memory }),
  });
  server.on('error', (error) => errors.push(error));
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    server,
    port,
    memory,
    mails,
    rcpts,
    errors,
    greeted: (clientOptions) => RawClient.greeted(port, clientOptions),
    close: () => server.close({ grace: 1000 }),
  };
}

/** Waits until `check` holds, polling every `intervalMs`; fails after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * One plain delivery on a fresh connection (EHLO, MAIL, RCPT, DATA, QUIT); resolves with the
 * reply to the data. Used after every limit and fault to show the server is still healthy.
 */
export async function deliverOnce(
  port: number,
  body: string,
  envelope: { from: string; to: string } = { from: 'health@example.test', to: 'check@example.test' },
): Promise<number> {
  const client = await RawClient.greeted(port);
  try {
    const replies = [
      await client.command('EHLO health.test'),
      await client.command(`MAIL FROM:<${envelope.from}>`),
      await client.command(`RCPT TO:<${envelope.to}>`),
      await client.command('DATA'),
    ];
    const codes = replies.map((reply) => reply.code);
    if (codes.join() !== '250,250,250,354') throw new Error(`health delivery refused: ${codes.join(' ')}`);
    client.write(`${body.replace(/(^|\r\n)\./g, '$1..')}.\r\n`);
    return (await client.reply()).code;
  } finally {
    await client.quit();
  }
}
