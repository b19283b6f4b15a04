/**
 * The project's server as users run it: `smtp serve` from the built CLI, in its own process,
 * storing to a Maildir; stopped with SIGTERM by its PID (it must exit 0 after a graceful stop).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './peers.js';
import { type ServerProcess, startServer, waitForOutput } from './process.js';
import { type Scratch, scratchDir } from './scratch.js';

/** The built `smtp` binary. */
export const SMTP_BIN = path.join(repoRoot, 'apps', 'cli', 'dist', 'bin.js');

/** Throws unless the CLI is built. */
export function requireBuiltCli(): string {
  if (!existsSync(SMTP_BIN)) throw new Error(`${SMTP_BIN} is missing: run \`pnpm build\` first`);
  return SMTP_BIN;
}

/** A running `smtp serve --maildir`. */
export interface OurServer {
  readonly port: number;
  readonly process: ServerProcess;
  readonly maildir: string;
  /**
   * The messages in `new/` that no earlier call returned, oldest first (modification time, then
   * name), as latin1 text (one char per octet).
   */
  take(): string[];
  /** The files left in `tmp/` (must stay empty). */
  leftovers(): string[];
  /** SIGTERM, then waits (SIGKILL after 12 s); resolves with the exit code, null when killed. */
  stop(): Promise<number | null>;
}

/** Starts `smtp serve --port 0 --maildir DIR ARGS` and waits for its `listening on` line. */
export async function startOurServer(args: readonly string[] = []): Promise<OurServer> {
  const bin = requireBuiltCli();
  const scratch: Scratch = scratchDir('serve');
  const maildir = scratch.file('Maildir');
  const server = await startServer(
    process.execPath,
    [bin, 'serve', '--port', '0', '--hostname', 'mx.example.test', '--maildir', maildir, ...args],
    {
      ready: async (started) => {
        await waitForOutput(started, /^listening on smtp:\/\/127\.0\.0\.1:\d+$/m);
      },
    },
  );
  const match = /^listening on smtp:\/\/127\.0\.0\.1:(\d+)$/m.exec(server.output());
  const port = Number(match?.[1]);
  const list = (sub: string) => {
    const dir = path.join(maildir, sub);
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };
  const taken = new Set<string>();
  return {
    port,
    process: server,
    maildir,
    take() {
      const fresh = list('new')
        .filter((name) => !taken.has(name))
        .map((name) => ({ name, file: path.join(maildir, 'new', name) }))
        .map((entry) => ({ ...entry, time: statSync(entry.file).mtimeMs }))
        .sort((a, b) => a.time - b.time || a.name.localeCompare(b.name));
      for (const entry of fresh) taken.add(entry.name);
      return fresh.map((entry) => readFileSync(entry.file, 'latin1'));
    },
    leftovers: () => list('tmp'),
    async stop() {
      // The graceful stop may let a command in progress finish: up to the server's 10 s grace.
      const code = await server.stop({ graceMs: 12_000 });
      scratch.remove();
      return code;
    },
  };
}

/** The lines `smtp serve` writes before the message: Return-Path, then one Delivered-To per recipient. */
export function maildirEnvelope(from: string, ...to: string[]): string {
  return `Return-Path: <${from}>\r\n${to.map((rcpt) => `Delivered-To: ${rcpt}\r\n`).join('')}`;
}
