import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ListenError } from '@smtp/server';
import { createRecorder, parseHostPort, type RecordingProxy } from '@smtp/transcript';
import { type FlagValues, stringFlag } from '../args.js';
import { loadCertificateFlags } from '../certificate-flags.js';
import type { CommandDefinition } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** `smtp record`: a proxy that writes every session passing through as a replayable transcript. */
export const recordCommand: CommandDefinition = {
  name: 'record',
  summary: 'proxy clients to a server and write every session as a replayable transcript',
  usage: 'record --listen HOST:PORT --upstream HOST:PORT --out FILE.smtp [--tls-cert FILE --tls-key FILE]',
  description: [
    'Listens on --listen, passes every connection on to --upstream unchanged, and writes each',
    'session as a transcript in --out (rewritten after each session, so it is complete whenever',
    'you look; one `@connect UPSTREAM` block per session). Replay it with `smtp run FILE.smtp`',
    '(or with --server HOST:PORT to aim it elsewhere). Prints `listening on smtp://HOST:PORT` once',
    'it accepts connections and one line per recorded session; SIGINT or SIGTERM stops it, cuts',
    'sessions still going on (recorded up to there) and writes the file a last time.',
    '',
    'Reply texts that change from run to run (greeting, queue ids, random AUTH challenges) are',
    'written as *, the first line of an EHLO reply too. AUTH passwords and tokens are never',
    'written: they become {{env:SMTP_PASSWORD}}, {{env:SMTP_TOKEN}}… and the file says which to',
    'set before replaying. STARTTLS is passed through by ending TLS in the proxy on both sides: the',
    'client gets a self-signed certificate (or --tls-cert), the upstream certificate is not checked,',
    'and the file starts with `@tls insecure` so that the replay does not check it either.',
  ].join('\n'),
  exitStatuses: [
    '0 stopped by SIGINT/SIGTERM, the file written',
    '2 bad usage, address in use, unusable TLS files, or the file cannot be written',
  ],
  flags: {
    listen: {
      type: 'string',
      value: 'HOST:PORT',
      description: 'where clients connect (required; port 0: any free port)',
    },
    upstream: { type: 'string', value: 'HOST:PORT', description: 'the server sessions go to (required)' },
    out: { type: 'string', value: 'FILE.smtp', description: 'the transcript to write (required; replaced)' },
    'tls-cert': {
      type: 'string',
      value: 'FILE',
      description: 'PEM certificate shown to clients after STARTTLS (default: self-signed)',
    },
    'tls-key': { type: 'string', value: 'FILE', description: 'the PEM private key of --tls-cert' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    const listen = address(values, 'listen');
    const upstream = address(values, 'upstream');
    const out = stringFlag(values, 'out');
    if (out === undefined || out === '') throw new UsageError('record: --out FILE.smtp is required');
    const path = resolve(io.cwd, out);
    const tls = await loadCertificateFlags(values, 'record');
    const recorder = createRecorder({ upstream, ...(tls === undefined ? {} : { tls }) });
    const file = new RecordingFile(path, out, recorder);
    await file.write();
    recorder.on('upstream-error', (client, message) =>
      io.stderr.write(`smtp: record: ${client}: ${message}\n`),
    );
    recorder.on('session-end', (session) => {
      const lines = session.lines.length;
      io.stdout.write(`session ${session.index + 1} from ${session.client} recorded (${lines} lines)\n`);
      file.write().catch((error: unknown) => io.stderr.write(`smtp: record: ${describe(error)}\n`));
    });
    let bound: { host: string; port: number };
    try {
      bound = await recorder.listen(listen.port, listen.host);
    } catch (error) {
      if (error instanceof ListenError) throw new CliError(`record: ${error.message}`, 2);
      throw error;
    }
    io.stdout.write(`listening on smtp://${hostPort(bound.host, bound.port)}\n`);
    io.stdout.write(`recording sessions with ${hostPort(upstream.host, upstream.port)} to ${out}\n`);
    await stopped(io);
    await recorder.close();
    await file.write();
    const count = recorder.recording().sessions.length;
    io.stdout.write(`recorded ${count} session${count === 1 ? '' : 's'} to ${out}\n`);
    return 0;
  },
};

/** Writes the recording whole each time (to a temporary file, then renamed), one write at a time. */
class RecordingFile {
  readonly #path: string;
  readonly #shown: string;
  readonly #recorder: RecordingProxy;
  #last: Promise<void> = Promise.resolve();

  constructor(path: string, shown: string, recorder: RecordingProxy) {
    this.#path = path;
    this.#shown = shown;
    this.#recorder = recorder;
  }

  /** Writes what is recorded now, after any write still under way. */
  write(): Promise<void> {
    const text = this.#recorder.text();
    // A failed write must not stop the next one: each write is whole.
    this.#last = this.#last
      .catch(() => {})
      .then(async () => {
        const temporary = `${this.#path}.${process.pid}.tmp`;
        try {
          await writeFile(temporary, text);
          await rename(temporary, this.#path);
        } catch (error) {
          throw new CliError(`record: cannot write ${this.#shown}: ${describe(error)}`, 2);
        }
      });
    return this.#last;
  }
}

function address(values: FlagValues, flag: 'listen' | 'upstream'): { host: string; port: number } {
  const text = stringFlag(values, flag);
  if (text === undefined) throw new UsageError(`record: --${flag} HOST:PORT is required`);
  // Port 0 (any free port) makes sense to listen on, not to connect to.
  const anyPort = flag === 'listen' && text.endsWith(':0');
  const parsed = parseHostPort(anyPort ? `${text.slice(0, -1)}1` : text);
  if (!parsed.ok) throw new UsageError(`record: --${flag}: ${parsed.reason}`);
  return { host: parsed.value.host, port: anyPort ? 0 : parsed.value.port };
}

function stopped(io: CliIo): Promise<void> {
  if (io.stop.aborted) return Promise.resolve();
  return new Promise((resolve) => io.stop.addEventListener('abort', () => resolve(), { once: true }));
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function describe(error: unknown): string {
  if (error instanceof CliError) return error.message.replace(/^record: /, '');
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
