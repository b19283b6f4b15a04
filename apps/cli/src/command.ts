import type { FlagSpec, FlagValues } from './args.js';
import type { CliIo } from './io.js';

/** One subcommand of `smtp`: its flags, its help, and what it does. */
export interface CommandDefinition {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line after `smtp `, e.g. `run [PATH…] [--server HOST:PORT]`. */
  readonly usage: string;
  /** Paragraphs printed by `--help` after the usage line and before the flags. */
  readonly description: string;
  /** Lines describing the exit statuses. */
  readonly exitStatuses: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly allowPositionals: boolean;
  /** Runs the command; resolves to the process exit status. */
  run(args: { values: FlagValues; positionals: string[] }, io: CliIo): Promise<number>;
}
