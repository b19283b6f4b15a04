/**
 * The project's client as users run it: `@smtp/client` in this process (traced, so a test can
 * see the commands it grouped) and `smtp send` from the built CLI as its own process.
 */
import { writeFileSync } from 'node:fs';
import { type ConnectionOptions, SmtpConnection } from '@smtp/client';
import type { TestCertificate } from './certificate.js';
import { octets } from './messages.js';
import { requireBuiltCli } from './our-server.js';
import { type CommandResult, runCommand } from './process.js';
import { scratchDir } from './scratch.js';

/** A connection with the transcript lines its trace wrote. */
export interface TracedConnection {
  readonly connection: SmtpConnection;
  /** Trace lines so far (`C: …`, `S: …`, directives and comments). */
  readonly trace: string[];
}

/** Connects to 127.0.0.1:port with a trace; `certificate` makes it STARTTLS checked against that certificate. */
export async function connectTraced(
  port: number,
  options: Partial<ConnectionOptions> & { certificate?: TestCertificate } = {},
): Promise<TracedConnection> {
  const trace: string[] = [];
  const { certificate, ...rest } = options;
  const connection = await SmtpConnection.connect({
    host: '127.0.0.1',
    port,
    name: 'client.example.test',
    tls: certificate ? 'starttls' : 'none',
    ...(certificate ? { tlsOptions: { ca: certificate.certPem } } : {}),
    trace: (line) => trace.push(line),
    ...rest,
  });
  return { connection, trace };
}

/**
 * The `C:` lines written back to back, starting at the first one that begins with `prefix`, up
 * to the next `S:` line: the commands sent as one group.
 */
export function sentGroup(trace: readonly string[], prefix: string): string[] {
  const start = trace.findIndex((line) => line.startsWith(`C: ${prefix}`));
  if (start === -1) return [];
  const group: string[] = [];
  for (const line of trace.slice(start)) {
    if (!line.startsWith('C: ')) break;
    group.push(line.slice(3));
  }
  return group;
}

/** Runs `smtp send ARGS` (the built CLI, its own process) with the message in a file. */
export async function smtpSend(args: readonly string[], message: string): Promise<CommandResult> {
  const bin = requireBuiltCli();
  const scratch = scratchDir('send');
  try {
    const file = scratch.file('message.eml');
    writeFileSync(file, octets(message));
    return await runCommand(process.execPath, [bin, 'send', ...args, file]);
  } finally {
    scratch.remove();
  }
}
