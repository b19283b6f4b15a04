import { createRequire } from 'node:module';
import { parseFlags } from './args.js';
import type { CommandDefinition } from './command.js';
import { commands } from './commands/index.js';
import { CliError } from './errors.js';
import { formatCommandHelp, formatMainHelp } from './help.js';
import type { CliIo } from './io.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The CLI's version, from its package.json. */
export const cliVersion: string = version;

/**
 * Runs `smtp` with the given arguments (without `node` and the script path) and resolves to
 * the exit status. User mistakes become one line `smtp: …` on stderr, never a stack trace.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  table: readonly CommandDefinition[] = commands,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? table.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? formatCommandHelp(topic) : formatMainHelp(table, version));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const command = table.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`smtp: unknown command '${first}' (commands: ${table.map((c) => c.name).join(', ')})\n`);
    return 2;
  }
  try {
    const args = parseFlags(command.name, command.flags, rest, command.allowPositionals);
    if (args.values.help === true) {
      io.stdout.write(formatCommandHelp(command));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Prints an error as one line; only SMTP_DEBUG=1 shows the stack of an unexpected one. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CliError) {
    io.stderr.write(`smtp: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`smtp: internal error: ${message} (set SMTP_DEBUG=1 to see where)\n`);
  if (io.env.SMTP_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return 2;
}
