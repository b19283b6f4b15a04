/**
 * `smtp serve --script FILE.smtp`: the transcript plays the server to test a client. Prints
 * `listening on smtp://HOST:PORT`, one block per session as it ends, and a last line
 * `N sessions: P passed, F failed[, R not run]`; exits when every session has been played (or on
 * SIGINT/SIGTERM): 0 when every session was played and passed, 1 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ListenError } from '@smtp/server';
import {
  createScriptServer,
  type Diagnostic,
  parseTranscript,
  ScriptError,
  type ScriptFailure,
  type ScriptResult,
  type ScriptServer,
  type ScriptSessionResult,
} from '@smtp/transcript';
import { type FlagValues, integerFlag, stringFlag, stringsFlag } from '../args.js';
import { loadCertificateFlags } from '../certificate-flags.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** Flags of `serve` that configure the project's own server and mean nothing with `--script`. */
const SERVER_ONLY_FLAGS = [
  'hostname',
  'maildir',
  'size',
  'auth',
  'allow-insecure-auth',
  'max-recipients',
  'max-errors',
  'idle-timeout',
  'lenient-line-endings',
  'lmtp',
  'proxy-protocol',
] as const;

/** Runs `serve --script`; resolves to the exit status. */
export async function serveScript(values: FlagValues, io: CliIo): Promise<number> {
  const scriptPath = stringFlag(values, 'script') as string;
  if (scriptPath === '')
    throw new UsageError('serve: --script needs a transcript file, e.g. client.serve.smtp');
  for (const flag of SERVER_ONLY_FLAGS) {
    if (
      values[flag] !== undefined &&
      !(Array.isArray(values[flag]) && stringsFlag(values, flag).length === 0)
    ) {
      throw new UsageError(
        `serve: --${flag} has no effect with --script (the script's S: lines are the server)`,
      );
    }
  }
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  if (host === '') throw new UsageError('serve: --host needs an address, e.g. 127.0.0.1 or ::1');
  const port = integerFlag('serve', 'port', stringFlag(values, 'port'), { max: 65535 }) ?? 2525;
  const tls = await scriptTls(values);

  const text = await readScript(scriptPath, io.cwd);
  const file = parseTranscript(text, { uri: scriptPath });
  let server: ScriptServer;
  try {
    server = createScriptServer(file, {
      env: io.env,
      cwd: io.cwd,
      signal: io.stop,
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (error) {
    throw scriptProblem(error, scriptPath, io);
  }
  for (const warning of file.diagnostics.filter((d) => d.severity === 'warning')) {
    io.stderr.write(`${formatDiagnostic(scriptPath, warning)}\n`);
  }
  server.on('session-end', (session) => io.stdout.write(formatSession(scriptPath, session)));
  server.on('extra-connection', (remote) =>
    io.stdout.write(`extra connection from ${remote}: refused, every session of the script was played\n`),
  );
  let address: { host: string; port: number };
  try {
    address = await server.listen(port, host);
  } catch (error) {
    throw scriptProblem(error, scriptPath, io);
  }
  const sessions = file.sessions.length;
  io.stdout.write(`listening on smtp://${formatAddress(address.host, address.port)}\n`);
  io.stdout.write(
    `serving ${scriptPath}: ${sessions} session${sessions === 1 ? '' : 's'}, one per connection\n`,
  );
  const result = await server.done;
  await server.close();
  for (const session of result.sessions) {
    if (session.status === 'not-run') io.stdout.write(formatSession(scriptPath, session));
  }
  io.stdout.write(`${summaryLine(result)}\n`);
  return result.status === 'passed' ? 0 : 1;
}

async function scriptTls(values: FlagValues): Promise<{ key: string; cert: string } | undefined> {
  // Without files, a STARTTLS in the script gets a self-signed certificate (--tls-self-signed).
  return loadCertificateFlags(values, 'serve');
}

async function readScript(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
    throw new CliError(`serve: cannot read script ${path}: ${reason}`, 2);
  }
}

function scriptProblem(error: unknown, path: string, io: CliIo): CliError {
  if (error instanceof ScriptError) {
    for (const diagnostic of error.diagnostics) io.stderr.write(`${formatDiagnostic(path, diagnostic)}\n`);
    return new CliError(`serve: ${error.message}`, 2);
  }
  if (error instanceof ListenError) return new CliError(`serve: ${error.message}`, 2);
  return new CliError(`serve: ${error instanceof Error ? error.message : String(error)}`, 2);
}

/** `FILE:LINE:COLUMN: severity: message`, 1-based, the way compilers write it. */
function formatDiagnostic(path: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${path}:${line + 1}:${character + 1}: ${diagnostic.severity}: ${diagnostic.message}`;
}

/** One block per session: a headline, then each failure with its place, expectation and what came. */
export function formatSession(path: string, session: ScriptSessionResult): string {
  const number = session.index + 1;
  const where = `${path}:${session.range.start.line + 1}`;
  const from = session.remote === undefined ? '' : ` from ${session.remote}`;
  if (session.status === 'not-run')
    return `session ${number} (${where}) not run: no client connected for it\n`;
  const matched = `${session.matched} client line${session.matched === 1 ? '' : 's'} matched`;
  if (session.status === 'passed') return `session ${number} (${where})${from} passed: ${matched}\n`;
  const lines = [`session ${number} (${where})${from} failed: ${matched}, ${countOf(session.failures)}`];
  for (const failure of session.failures) lines.push(...formatFailure(path, failure));
  return `${lines.join('\n')}\n`;
}

function formatFailure(path: string, failure: ScriptFailure): string[] {
  return [
    `  ${path}:${failure.range.start.line + 1}: ${failure.explanation}`,
    `    expected: ${failure.expected}`,
    `    received: ${failure.received}`,
  ];
}

function countOf(failures: readonly ScriptFailure[]): string {
  return `${failures.length} difference${failures.length === 1 ? '' : 's'}`;
}

/** The last line: sessions counted by outcome (`N passed, M failed` is what CI scripts read). */
export function summaryLine(result: ScriptResult): string {
  const count = (status: string) => result.sessions.filter((s) => s.status === status).length;
  const notRun = count('not-run');
  const extra = result.extraConnections;
  return (
    `${result.sessions.length} session${result.sessions.length === 1 ? '' : 's'}: ` +
    `${count('passed')} passed, ${count('failed')} failed` +
    (notRun > 0 ? `, ${notRun} not run` : '') +
    (extra > 0 ? `, ${extra} extra connection${extra === 1 ? '' : 's'} refused` : '')
  );
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
