import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  DiscoveryError,
  type Endpoint,
  findTranscripts,
  isReporterName,
  MAX_DURATION_MS,
  parseDuration,
  parseShard,
  prettyProgress,
  REPORTERS,
  type ReporterName,
  type RunEventListener,
  type RunFilesOptions,
  runFiles,
  type SessionSelector,
  shardItems,
} from '@smtp/transcript';
import { booleanFlag, type FlagValues, integerFlag, parseHostPort, stringFlag } from '../args.js';
import type { CommandDefinition } from '../command.js';
import { CliError, UsageError } from '../errors.js';

/** `smtp run`: runs `.smtp` transcripts and reports. */
export const runCommand: CommandDefinition = {
  name: 'run',
  summary: 'run .smtp transcripts against the embedded server or another one, and report',
  usage:
    'run [PATH…] [--server HOST:PORT] [--reporter pretty|junit|tap|json] [--output FILE] [--update] ' +
    '[--bail] [--shard i/n] [--jobs N] [--timeout DURATION] [--insecure] [--default-server HOST:PORT] ' +
    '[--session N | --session-at LINE] [--until LINE]',
  description: [
    'Runs each transcript as the client: C: lines are sent (consecutive ones in one write), each',
    'reply is checked against its S: lines. PATHs are files, or folders searched for *.smtp',
    '(skipping node_modules, .git and *.serve.smtp server scripts); default: the current folder.',
    'Files run in the order of their paths. Without @connect (or with a bare @connect) a file runs',
    'against its own embedded server, started in this process on a free loopback port and',
    'configured by its @server lines; --server HOST:PORT replaces every server of every file.',
    '{{env:NAME}} reads the environment, then a .env file beside the transcript.',
    '',
    'The pretty report (default) shows each file as it finishes, every failure at FILE:LINE with the',
    'expectation and the reply side by side, and ends with one line "N passed, M failed" counting',
    'sessions (a file that cannot start at all counts as one). --reporter junit|tap|json writes that',
    'report instead, to stdout or to --output FILE (the pretty progress then stays on the terminal).',
    '',
    '--update rewrites each failing S: expectation to the reply that came (nothing else in the file',
    'changes) and lists what it rewrote; rewritten expectations no longer count as failures.',
    '--shard i/n runs the i-th of n equal slices of the sorted file list (every file is in exactly',
    'one). --session, --session-at and --until take one file: run only one session (by number, or',
    'the one at a line), or stop after the step at a line.',
  ].join('\n'),
  exitStatuses: [
    '0 every session passed',
    '1 an expectation failed',
    '2 a file could not run (parse error, unset variable, unreachable server, timeout) or bad usage',
  ],
  flags: {
    server: {
      type: 'string',
      value: 'HOST:PORT',
      description: 'run every file against this server (overrides @connect and the embedded server)',
    },
    reporter: {
      type: 'string',
      value: 'NAME',
      description: 'pretty (default), junit, tap or json',
    },
    output: { type: 'string', value: 'FILE', description: 'write the report to FILE' },
    update: { type: 'boolean', description: 'rewrite failing S: lines to the replies that came' },
    bail: { type: 'boolean', description: 'stop at the first file that fails' },
    shard: { type: 'string', value: 'i/n', description: 'run the i-th of n slices of the files' },
    jobs: { type: 'string', value: 'N', description: 'files run at once (default 1)' },
    timeout: {
      type: 'string',
      value: 'DURATION',
      description: 'per-reply timeout until a file says @timeout (default 10s)',
    },
    insecure: { type: 'boolean', description: 'accept any server certificate (as @tls insecure)' },
    'default-server': {
      type: 'string',
      value: 'HOST:PORT',
      description: 'server for sessions without @connect HOST:PORT (instead of the embedded one)',
    },
    session: { type: 'string', value: 'N', description: 'run only the N-th session (one file)' },
    'session-at': {
      type: 'string',
      value: 'LINE',
      description: 'run only the session at LINE (one file)',
    },
    until: { type: 'string', value: 'LINE', description: 'stop after the step at LINE (one file)' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const settings = readSettings(values);
    let found: Awaited<ReturnType<typeof findTranscripts>>;
    try {
      found = await findTranscripts(positionals, io.cwd);
    } catch (error) {
      if (error instanceof DiscoveryError) throw new UsageError(`run: ${error.message}`);
      throw error;
    }
    const files = settings.shard === undefined ? found : shardItems(found, settings.shard);
    if (settings.oneFile && files.length !== 1) {
      throw new UsageError(
        `run: --session, --session-at and --until need exactly one file, got ${files.length}`,
      );
    }
    const toTerminal = settings.reporter === 'pretty' || settings.output !== undefined;
    const progress: RunEventListener | undefined = toTerminal
      ? prettyProgress((text) => io.stdout.write(text), { color: io.color })
      : undefined;
    if (settings.shard !== undefined && files.length === 0 && toTerminal) {
      io.stdout.write(
        `shard ${settings.shard.index}/${settings.shard.count} has no files (${found.length} in all)\n`,
      );
    }
    const result = await runFiles(files, {
      ...settings.run,
      cwd: io.cwd,
      env: io.env,
      signal: io.stop,
      ...(progress === undefined ? {} : { onEvent: progress }),
    });
    const format = REPORTERS.get(settings.reporter) as NonNullable<ReturnType<typeof REPORTERS.get>>;
    if (settings.output !== undefined) {
      await writeReport(resolve(io.cwd, settings.output), format(result, { color: false }), settings.output);
    } else if (settings.reporter !== 'pretty') {
      io.stdout.write(format(result, { color: false }));
    }
    return result.exitCode;
  },
};

interface RunSettings {
  readonly reporter: ReporterName;
  readonly output: string | undefined;
  readonly shard: { index: number; count: number } | undefined;
  /** --session / --session-at / --until: the run needs exactly one file. */
  readonly oneFile: boolean;
  readonly run: RunFilesOptions;
}

function readSettings(values: FlagValues): RunSettings {
  const reporter = stringFlag(values, 'reporter') ?? 'pretty';
  if (!isReporterName(reporter)) {
    throw new UsageError(`run: --reporter must be pretty, junit, tap or json, got '${reporter}'`);
  }
  const shardText = stringFlag(values, 'shard');
  let shard: RunSettings['shard'];
  if (shardText !== undefined) {
    const parsed = parseShard(shardText);
    if (!parsed.ok) throw new UsageError(`run: ${parsed.reason}`);
    shard = parsed.shard;
  }
  const jobs = integerFlag('run', 'jobs', stringFlag(values, 'jobs'), { min: 1, max: 256 });
  const server = endpointFlag(values, 'server');
  const defaultServer = endpointFlag(values, 'default-server');
  if (server !== undefined && defaultServer !== undefined) {
    throw new UsageError('run: give either --server or --default-server, not both');
  }
  const timeoutText = stringFlag(values, 'timeout');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const parsed = parseDuration(timeoutText);
    if (!parsed.ok || parsed.value < 1 || parsed.value > MAX_DURATION_MS) {
      throw new UsageError(
        `run: --timeout needs a duration from 1ms to 10m, like 5s or 500ms, got '${timeoutText}'`,
      );
    }
    timeoutMs = parsed.value;
  }
  const sessionNumber = integerFlag('run', 'session', stringFlag(values, 'session'), { min: 1 });
  const sessionLine = integerFlag('run', 'session-at', stringFlag(values, 'session-at'), { min: 1 });
  const until = integerFlag('run', 'until', stringFlag(values, 'until'), { min: 1 });
  if (sessionNumber !== undefined && sessionLine !== undefined) {
    throw new UsageError('run: give either --session or --session-at, not both');
  }
  const session: SessionSelector | undefined =
    sessionNumber !== undefined
      ? { index: sessionNumber - 1 }
      : sessionLine !== undefined
        ? { line: sessionLine - 1 }
        : undefined;
  return {
    reporter,
    output: stringFlag(values, 'output'),
    shard,
    oneFile: session !== undefined || until !== undefined,
    run: {
      ...(server === undefined ? {} : { server }),
      ...(defaultServer === undefined ? {} : { defaultServer }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(jobs === undefined ? {} : { jobs }),
      ...(session === undefined ? {} : { session }),
      ...(until === undefined ? {} : { stopAfterLine: until - 1 }),
      insecure: booleanFlag(values, 'insecure'),
      update: booleanFlag(values, 'update'),
      bail: booleanFlag(values, 'bail'),
    },
  };
}

function endpointFlag(values: FlagValues, flag: string): Endpoint | undefined {
  const text = stringFlag(values, flag);
  return text === undefined ? undefined : parseHostPort('run', flag, text);
}

async function writeReport(path: string, report: string, shown: string): Promise<void> {
  try {
    await writeFile(path, report);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such folder'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a folder'
            : String(code ?? error);
    throw new CliError(`run: cannot write the report to ${shown}: ${reason}`, 2);
  }
}
