/**
 * @smtp/cli: the `smtp` command. The package's main export is the in-process entry point,
 * used by tests and by tools that embed the CLI.
 *
 * @packageDocumentation
 */
export type { FlagSpec, FlagValues, HostPort } from './args.js';
export type { CommandDefinition } from './command.js';
export { CliError, UsageError } from './errors.js';
export type { CliIo } from './io.js';
export { cliVersion, main, reportError } from './main.js';
