import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One flag of a command, in `node:util` parseArgs terms plus a line of help. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder shown in help, e.g. `HOST:PORT`. */
  readonly value?: string;
  readonly description: string;
}

/** The parsed flags of a command: strings, booleans, or arrays of strings for repeatable flags. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Parses argv against a command's flags; a mistake becomes a {@link UsageError} naming the command. */
export function parseFlags(
  command: string,
  flags: Readonly<Record<string, FlagSpec>>,
  argv: readonly string[],
  allowPositionals: boolean,
): { values: FlagValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(flags)) {
    options[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return { values: parsed.values as FlagValues, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${describeParseError(error)} (see smtp ${command} --help)`);
  }
}

// parseArgs messages are long and mention internals ("To specify a positional argument
// starting with a '-'…"); keep the first sentence, lower-cased like the rest of our errors.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\.\s/)[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, '');
}

/** A flag's single string value, or undefined. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable flag's values (empty when absent). */
export function stringsFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** A boolean flag, false when absent. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

/** Parses a whole number within bounds, or throws a usage error naming the flag. */
export function integerFlag(
  command: string,
  flag: string,
  text: string | undefined,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${command}: --${flag} needs a whole number from ${min} to ${max}, got '${text}'`);
  }
  return Number(text);
}

/** A host and port as written on the command line: `host:port`, `[::1]:port`. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `HOST:PORT` (IPv6 in brackets), or throws a usage error naming the flag. */
export function parseHostPort(command: string, flag: string, text: string): HostPort {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw new UsageError(
      `${command}: --${flag} needs HOST:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got '${text}'`,
    );
  }
  return { host: (match[1] ?? match[2]) as string, port };
}
