import {
  type AcceptedMessage,
  CertificateError,
  createServer,
  ListenError,
  MaildirStore,
  MemoryStore,
  type ServerOptions,
  type TlsOptions,
} from '@smtp/server';
import { booleanFlag, type FlagValues, integerFlag, stringFlag, stringsFlag } from '../args.js';
import { loadCertificateFlags } from '../certificate-flags.js';
import type { CommandDefinition } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { serveScript } from './serve-script.js';

/** Messages `serve` keeps in memory without `--maildir` (older ones are forgotten; each was printed). */
const MEMORY_CAPACITY = 1000;

/** `smtp serve`: runs the project's SMTP server until SIGINT/SIGTERM. */
export const serveCommand: CommandDefinition = {
  name: 'serve',
  summary: 'run an SMTP server that stores what it receives (memory or Maildir)',
  usage:
    'serve [--host 127.0.0.1] [--port 2525] [--hostname NAME] [--maildir DIR] [--size BYTES] ' +
    '[--tls-self-signed | --tls-cert FILE --tls-key FILE] [--auth USER:PASS]… [--allow-insecure-auth] ' +
    '[--max-recipients N] [--max-errors N] [--idle-timeout SECONDS] [--lenient-line-endings] [--lmtp] ' +
    '[--proxy-protocol] [--script FILE.smtp]',
  description: [
    'Runs an SMTP server (LMTP with --lmtp) and prints `listening on smtp://HOST:PORT` once it accepts',
    'connections. Without --maildir it keeps messages in memory and prints one line per message',
    '(queue id, sender, recipients, size); with --maildir each message becomes a file in DIR/new.',
    'SIGINT or SIGTERM stops it gracefully: idle clients get 421 4.3.2 at once, a message in',
    'progress may finish within 10 seconds.',
    '',
    'With --script FILE.smtp the transcript plays the server to test a client: each connection, in',
    'order, gets the next session of the file; S: lines are sent as written and what the client',
    'sends is checked against the C: lines (globs); a line that differs is answered',
    '`500 5.5.2 transcript expected: <line>`. STARTTLS in the script starts TLS after its 220',
    '(self-signed certificate unless --tls-cert/--tls-key). It prints one block per session as it',
    'ends and stops by itself once every session has been played, with a last line',
    '`N sessions: P passed, F failed`. The flags that configure the built-in server (--maildir,',
    '--auth, --size, …) cannot be combined with --script.',
  ].join('\n'),
  exitStatuses: [
    '0 stopped by SIGINT/SIGTERM; with --script: every session was played and passed',
    '1 with --script: a check failed, or a session was not played before SIGINT/SIGTERM',
    '2 bad usage, address in use, unusable TLS files or Maildir, a script that cannot be served',
  ],
  flags: {
    host: { type: 'string', value: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
    port: {
      type: 'string',
      value: 'PORT',
      description: 'port to listen on, 0 for any free port (default 2525)',
    },
    hostname: {
      type: 'string',
      value: 'NAME',
      description: 'name in the greeting and EHLO reply (default: this host)',
    },
    maildir: {
      type: 'string',
      value: 'DIR',
      description: 'store messages in this Maildir (created if missing)',
    },
    size: {
      type: 'string',
      value: 'BYTES',
      description: 'largest message accepted, 0 = no limit (default 10485760)',
    },
    'tls-self-signed': {
      type: 'boolean',
      description: 'offer STARTTLS with a self-signed certificate made at start',
    },
    'tls-cert': {
      type: 'string',
      value: 'FILE',
      description: 'offer STARTTLS with this PEM certificate (chain)',
    },
    'tls-key': { type: 'string', value: 'FILE', description: 'the PEM private key of --tls-cert' },
    auth: {
      type: 'string',
      multiple: true,
      value: 'USER:PASS',
      description: 'accept AUTH PLAIN/LOGIN/CRAM-MD5 with these credentials',
    },
    'allow-insecure-auth': {
      type: 'boolean',
      description: 'allow AUTH without TLS (default: only after STARTTLS)',
    },
    'max-recipients': { type: 'string', value: 'N', description: 'recipients per message (default 100)' },
    'max-errors': {
      type: 'string',
      value: 'N',
      description: 'error replies before 421 and close, 0 = no limit (default 10)',
    },
    'idle-timeout': {
      type: 'string',
      value: 'SECONDS',
      description: 'close silent clients after this, 0 = never (default 300)',
    },
    'lenient-line-endings': {
      type: 'boolean',
      description: 'accept bare LF line ends (default: 521 and close)',
    },
    lmtp: { type: 'boolean', description: 'speak LMTP (LHLO, one reply per recipient)' },
    'proxy-protocol': {
      type: 'boolean',
      description: 'expect a PROXY protocol v1/v2 header on every connection',
    },
    script: {
      type: 'string',
      value: 'FILE.smtp',
      description: 'play this transcript as the server to test a client (see above)',
    },
  },
  allowPositionals: false,
  async run({ values }, io) {
    if (values.script !== undefined) return serveScript(values, io);
    const settings = readSettings(values);
    const memory =
      settings.maildir === undefined ? new MemoryStore({ capacity: MEMORY_CAPACITY }) : undefined;
    const options: ServerOptions = {
      ...settings.server,
      tls: await loadTls(values),
      store: memory ?? new MaildirStore(settings.maildir as string),
    };
    let server: ReturnType<typeof createServer>;
    try {
      server = createServer(options);
    } catch (error) {
      throw new UsageError(`serve: ${error instanceof Error ? error.message : String(error)}`);
    }
    server.on('error', (error) => io.stderr.write(`smtp: serve: ${error.message}\n`));
    if (memory !== undefined) server.on('message', (message) => io.stdout.write(`${summaryLine(message)}\n`));
    if (settings.authWithoutTls) {
      io.stderr.write(
        'smtp: serve: note: --auth without TLS: AUTH is refused until STARTTLS (see --allow-insecure-auth)\n',
      );
    }
    const address = await listen(server, settings.host, settings.port, settings.maildir);
    io.stdout.write(`listening on smtp://${formatAddress(address.address, address.port)}\n`);
    await stopped(io);
    await server.close();
    return 0;
  },
};

interface ServeSettings {
  readonly host: string;
  readonly port: number;
  readonly maildir: string | undefined;
  readonly authWithoutTls: boolean;
  readonly server: ServerOptions;
}

function readSettings(values: FlagValues): ServeSettings {
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  if (host === '') throw new UsageError('serve: --host needs an address, e.g. 127.0.0.1 or ::1');
  const port = integerFlag('serve', 'port', stringFlag(values, 'port'), { max: 65535 }) ?? 2525;
  const hostname = stringFlag(values, 'hostname');
  if (hostname !== undefined && !/^[\x21-\x7e]{1,255}$/.test(hostname)) {
    throw new UsageError(`serve: --hostname needs a name without spaces, got '${hostname}'`);
  }
  const maildir = stringFlag(values, 'maildir');
  if (maildir === '') throw new UsageError('serve: --maildir needs a directory');
  const users = new Map<string, string>();
  for (const credentials of stringsFlag(values, 'auth')) {
    const colon = credentials.indexOf(':');
    if (colon <= 0) throw new UsageError(`serve: --auth needs USER:PASS, got '${credentials}'`);
    users.set(credentials.slice(0, colon), credentials.slice(colon + 1));
  }
  const allowInsecure = booleanFlag(values, 'allow-insecure-auth');
  if (allowInsecure && users.size === 0)
    throw new UsageError('serve: --allow-insecure-auth needs --auth USER:PASS');
  const idleSeconds = integerFlag('serve', 'idle-timeout', stringFlag(values, 'idle-timeout'), {
    max: 86_400,
  });
  const tls = booleanFlag(values, 'tls-self-signed') || stringFlag(values, 'tls-cert') !== undefined;
  const server: ServerOptions = {
    ...(hostname === undefined ? {} : { hostname }),
    ...optional('maxMessageSize', integerFlag('serve', 'size', stringFlag(values, 'size'))),
    ...optional(
      'maxRecipients',
      integerFlag('serve', 'max-recipients', stringFlag(values, 'max-recipients'), { min: 1 }),
    ),
    ...optional('maxErrors', integerFlag('serve', 'max-errors', stringFlag(values, 'max-errors'))),
    ...optional('idleTimeout', idleSeconds === undefined ? undefined : idleSeconds * 1000),
    ...(booleanFlag(values, 'lenient-line-endings') ? { lineEndings: 'lenient' as const } : {}),
    ...(booleanFlag(values, 'lmtp') ? { lmtp: true } : {}),
    ...(booleanFlag(values, 'proxy-protocol') ? { proxyProtocol: true } : {}),
    ...(users.size === 0 ? {} : { auth: { users, allowInsecure } }),
  };
  return { host, port, maildir, authWithoutTls: users.size > 0 && !tls && !allowInsecure, server };
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

async function loadTls(values: FlagValues): Promise<TlsOptions | undefined> {
  const selfSigned = booleanFlag(values, 'tls-self-signed');
  const files = await loadCertificateFlags(values, 'serve');
  return selfSigned ? { selfSigned: true } : files;
}

async function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
  maildir: string | undefined,
): Promise<{ address: string; port: number }> {
  try {
    return await server.listen(port, host);
  } catch (error) {
    if (error instanceof ListenError || error instanceof CertificateError) {
      throw new CliError(`serve: ${error.message}`, 2);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (maildir !== undefined && typeof code === 'string') {
      throw new CliError(`serve: cannot use Maildir ${maildir}: ${(error as Error).message}`, 2);
    }
    throw error;
  }
}

function stopped(io: CliIo): Promise<void> {
  if (io.stop.aborted) return Promise.resolve();
  return new Promise((resolve) => io.stop.addEventListener('abort', () => resolve(), { once: true }));
}

/** `HOST:PORT` with an IPv6 host in brackets, as in a URL. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One line per stored message: queue id, sender, recipients, size. */
export function summaryLine(message: AcceptedMessage): string {
  const to = message.to.map((address) => `<${address}>`).join(',');
  return `stored ${message.id} from=<${message.from}> to=${to} size=${message.size}`;
}
