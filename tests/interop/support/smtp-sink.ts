/** Postfix's smtp-sink (C, discards) dumping every message into a directory. */
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { APT_TOOLS, requireTool, systemIds } from './peers.js';
import { freePort, type ServerProcess, startServer } from './process.js';
import { scratchDir } from './scratch.js';

/** A running smtp-sink. */
export interface SmtpSink {
  readonly port: number;
  readonly process: ServerProcess;
  /**
   * The dump files, oldest first, by name: smtp-sink's X- lines and Received field, then the
   * message with LF ends.
   */
  dumps(): { name: string; text: string }[];
  stop(): Promise<void>;
}

/** Starts smtp-sink on a free loopback port; `extra` are more flags (e.g. `-f RCPT` to refuse recipients). */
export async function startSmtpSink(extra: readonly string[] = []): Promise<SmtpSink> {
  const sink = requireTool(APT_TOOLS.smtpSink);
  const scratch = scratchDir('sink');
  const dump = scratch.file('dump');
  mkdirSync(dump);
  // It runs as nobody (as root it refuses to start without -u) and writes there.
  const nobody = systemIds('nobody', 'base-passwd');
  chownSync(dump, nobody.uid, nobody.gid);
  const port = await freePort();
  const server = await startServer(
    sink,
    ['-u', 'nobody', '-d', `${dump}/%H%M%S.`, ...extra, `127.0.0.1:${port}`, '64'],
    { port },
  );
  return {
    port,
    process: server,
    dumps: () =>
      readdirSync(dump)
        .map((name) => ({ name, file: path.join(dump, name) }))
        .map((entry) => ({ ...entry, time: statSync(entry.file).mtimeMs }))
        .sort((a, b) => a.time - b.time || a.name.localeCompare(b.name))
        .map(({ name, file }) => ({ name, text: readFileSync(file, 'latin1') })),
    async stop() {
      await server.stop();
      scratch.remove();
    },
  };
}

/** The `X-Name: value` lines smtp-sink writes before the message, by name. */
export function sinkFields(dump: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of dump.split('\n')) {
    const match = /^(X-[A-Za-z-]+): (.*)$/.exec(line);
    if (!match) break;
    const name = match[1] as string;
    fields.set(name, [...(fields.get(name) ?? []), match[2] as string]);
  }
  return fields;
}
