import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  CapabilityError,
  type ConnectionOptions,
  type MessageInput,
  RecipientsRefusedError,
  type SendResult,
  SmtpClientError,
  SmtpConnection,
  SmtpError,
  type TlsMode,
} from '@smtp/client';
import { CommandFormatError } from '@smtp/codec';
import { booleanFlag, parseHostPort, stringFlag, stringsFlag } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** Password mechanisms by preference when tracing: those whose transcript replays come first. */
const REPLAYABLE_FIRST = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

/** Exit status when the server refused (the contract's 1). */
const REFUSED = 1;
/** Exit status for usage, connection and TLS errors (the contract's 2). */
const FAILED = 2;

/** `smtp send`: sends one message with @smtp/client. */
export const sendCommand: CommandDefinition = {
  name: 'send',
  summary: 'send one message (a file or stdin) with the project’s SMTP client',
  usage:
    'send --server HOST:PORT --from ADDR --to ADDR [--to ADDR]… [--starttls | --tls] [--insecure] ' +
    '[--auth USER:PASS] [--allow-insecure-auth] [--helo NAME] [--trace] [FILE | -]',
  description: [
    'Sends FILE (or stdin, with - or no FILE) as one RFC 5322 message: EHLO (HELO when refused),',
    'STARTTLS with --starttls or TLS from the first byte with --tls (certificates and host names are',
    'checked unless --insecure), AUTH with --auth, PIPELINING, BDAT, 8BITMIME and SMTPUTF8 as offered.',
    'Bare LF line ends in the message are sent as CRLF. Without --starttls or --tls it speaks plain',
    'text, and --auth then needs --allow-insecure-auth.',
    '',
    'When some recipients are accepted and others refused, the message is delivered to the accepted',
    'ones, each refusal is printed (one line each, with its reply) and the exit status is 1.',
    '',
    '--trace prints the session on stdout as a .smtp transcript that `smtp run` replays against the',
    'same server: volatile reply texts (greeting, queue id, challenges) are written as *, and the',
    'password as {{env:SMTP_PASSWORD}} — set SMTP_PASSWORD when replaying. With --trace, AUTH prefers',
    'PLAIN and LOGIN, whose lines replay (a CRAM-MD5 answer depends on a random challenge).',
  ].join('\n'),
  exitStatuses: [
    '0 the message was accepted for every recipient',
    '1 the server refused (the sender, a recipient, the message, AUTH) or cannot take the message (SIZE, 8BITMIME, SMTPUTF8)',
    '2 bad usage, connection, TLS or protocol error, timeout',
  ],
  flags: {
    server: { type: 'string', value: 'HOST:PORT', description: 'the server to send to (required)' },
    from: { type: 'string', value: 'ADDR', description: 'envelope sender; "" for the null sender <>' },
    to: { type: 'string', multiple: true, value: 'ADDR', description: 'envelope recipient (at least one)' },
    starttls: {
      type: 'boolean',
      description: 'upgrade with STARTTLS; fail when the server does not offer it',
    },
    tls: { type: 'boolean', description: 'TLS from the first byte (port 465 style)' },
    insecure: { type: 'boolean', description: 'accept any server certificate (tests, self-signed servers)' },
    auth: {
      type: 'string',
      value: 'USER:PASS',
      description: 'authenticate (the strongest mechanism offered)',
    },
    'allow-insecure-auth': { type: 'boolean', description: 'allow --auth over a connection without TLS' },
    helo: { type: 'string', value: 'NAME', description: 'name given with EHLO/HELO (default: this host)' },
    trace: { type: 'boolean', description: 'print the session as a replayable .smtp transcript on stdout' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const settings = readSettings(values, positionals);
    const trace = settings.trace;
    const connection = await connect(settings, io);
    let result: SendResult;
    try {
      result = await connection.send(
        { from: settings.from, to: settings.to },
        await openMessage(settings.file, io),
      );
    } catch (error) {
      await connection.quit();
      throw failure(error);
    }
    await connection.quit();
    const summary = `sent to ${result.accepted.length} of ${settings.to.length} recipients: ${replyText(result.reply)}`;
    io.stdout.write(trace ? `# ${summary}\n` : `${summary}\n`);
    if (result.rejected.length === 0) return 0;
    for (const { address, error } of result.rejected) {
      io.stderr.write(`smtp: recipient ${address} refused: ${describeRefusal(error)}\n`);
    }
    return REFUSED;
  },
};

interface SendSettings {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  readonly to: string[];
  readonly tls: TlsMode;
  readonly insecure: boolean;
  readonly auth: { user: string; pass: string } | undefined;
  readonly allowInsecureAuth: boolean;
  readonly helo: string | undefined;
  readonly trace: boolean;
  readonly file: string;
}

function readSettings(
  values: Parameters<CommandDefinition['run']>[0]['values'],
  positionals: string[],
): SendSettings {
  const server = stringFlag(values, 'server');
  if (server === undefined) throw new UsageError('send: --server HOST:PORT is required');
  const { host, port } = parseHostPort('send', 'server', server);
  const from = stringFlag(values, 'from');
  if (from === undefined) throw new UsageError('send: --from ADDR is required ("" for the null sender)');
  const to = stringsFlag(values, 'to');
  if (to.length === 0) throw new UsageError('send: at least one --to ADDR is required');
  if (booleanFlag(values, 'starttls') && booleanFlag(values, 'tls')) {
    throw new UsageError('send: use either --starttls or --tls, not both');
  }
  const tls: TlsMode = booleanFlag(values, 'tls')
    ? 'implicit'
    : booleanFlag(values, 'starttls')
      ? 'starttls'
      : 'none';
  const authText = stringFlag(values, 'auth');
  let auth: { user: string; pass: string } | undefined;
  if (authText !== undefined) {
    const colon = authText.indexOf(':');
    if (colon <= 0 || colon === authText.length - 1) {
      throw new UsageError(`send: --auth needs USER:PASS, got '${authText.replace(/:.*/, ':…')}'`);
    }
    auth = { user: authText.slice(0, colon), pass: authText.slice(colon + 1) };
  }
  const allowInsecureAuth = booleanFlag(values, 'allow-insecure-auth');
  if (auth !== undefined && tls === 'none' && !allowInsecureAuth) {
    throw new UsageError(
      'send: --auth without --starttls or --tls would send the password in clear; add --allow-insecure-auth to do it anyway',
    );
  }
  if (positionals.length > 1)
    throw new UsageError(`send: one message at a time, got ${positionals.length} files`);
  return {
    host,
    port,
    from,
    to,
    tls,
    insecure: booleanFlag(values, 'insecure'),
    auth,
    allowInsecureAuth,
    helo: stringFlag(values, 'helo'),
    trace: booleanFlag(values, 'trace'),
    file: positionals[0] ?? '-',
  };
}

async function connect(settings: SendSettings, io: CliIo): Promise<SmtpConnection> {
  const options: ConnectionOptions = {
    host: settings.host,
    port: settings.port,
    tls: settings.tls,
    ...(settings.insecure ? { rejectUnauthorized: false } : {}),
    ...(settings.auth === undefined
      ? {}
      : // A traced CRAM-MD5 answer depends on the server's random challenge and cannot replay,
        // so a traced session prefers PLAIN and LOGIN (sent over TLS, or explicitly allowed).
        { auth: settings.trace ? { ...settings.auth, method: REPLAYABLE_FIRST } : settings.auth }),
    ...(settings.allowInsecureAuth ? { allowInsecureAuth: true } : {}),
    ...(settings.helo === undefined ? {} : { name: settings.helo }),
    ...(settings.trace ? { trace: (line: string) => io.stdout.write(`${line}\n`) } : {}),
  };
  try {
    return await SmtpConnection.connect(options);
  } catch (error) {
    throw failure(error);
  }
}

/** Files up to this size are read whole, so their size is declared with SIZE and checked first. */
const READ_WHOLE_LIMIT = 64 * 1024 * 1024;

/** A file (read whole when not huge); stdin and huge files are streamed. */
async function openMessage(file: string, io: CliIo): Promise<MessageInput> {
  if (file === '-') return io.stdin;
  const path = resolve(io.cwd, file);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`send: ${file} is not a file`, FAILED);
    return info.size <= READ_WHOLE_LIMIT ? await readFile(path) : createReadStream(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`send: cannot read ${file}: ${code ?? String(error)}`, FAILED);
  }
}

function replyText(reply: { code: number; lines: readonly string[] }): string {
  return `${reply.code} ${reply.lines.join(' ')}`.trim();
}

/** `550 5.1.1 text (RCPT TO:<x>)`: the reply with its enhanced code, and the command it answered. */
function describeRefusal(error: SmtpError): string {
  const enhanced = error.enhanced === undefined ? '' : ` ${error.enhanced}`;
  const command = error.command === undefined || error.command === '' ? '' : ` (after ${error.command})`;
  return `${error.code}${enhanced} ${error.lines.join(' ')}${command}`;
}

const PHASE_WORDS: Readonly<Record<string, string>> = {
  greeting: 'the connection',
  ehlo: 'EHLO',
  helo: 'HELO',
  starttls: 'STARTTLS',
  auth: 'authentication',
  mail: 'the sender',
  rcpt: 'the recipients',
  data: 'DATA',
  bdat: 'the message',
  message: 'the message',
};

/** Maps an error of the client to the CLI's one line and exit status. */
function failure(error: unknown): CliError {
  if (error instanceof RecipientsRefusedError) {
    const lines = error.recipients.flatMap((r) =>
      r.accepted ? [] : [`${r.address}: ${describeRefusal(r.error)}`],
    );
    return new CliError(`the server refused every recipient: ${lines.join('; ')}`, REFUSED);
  }
  if (error instanceof SmtpError) {
    const what = PHASE_WORDS[error.phase ?? ''] ?? error.phase ?? 'the session';
    return new CliError(`the server refused ${what}: ${describeRefusal(error)}`, REFUSED);
  }
  if (error instanceof CapabilityError) {
    const status = error.requirement === 'STARTTLS' || error.requirement === 'ENCRYPTION' ? FAILED : REFUSED;
    return new CliError(error.message, status);
  }
  if (error instanceof SmtpClientError) return new CliError(error.message, FAILED);
  if (error instanceof CommandFormatError) return new UsageError(`send: ${error.message}`);
  if (error instanceof CliError) return error;
  // Anything else is a bug: main() reports it as an internal error.
  throw error;
}
