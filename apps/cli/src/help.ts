import type { CommandDefinition } from './command.js';

/** `smtp --help`: every command with its one-line summary. */
export function formatMainHelp(commands: readonly CommandDefinition[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    `smtp ${version} — speak, serve and test SMTP`,
    '',
    'usage: smtp <command> [flags]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'smtp <command> --help shows the flags of a command; smtp --version prints the version.',
    '',
  ].join('\n');
}

/** `smtp <command> --help`: usage, description, flags, exit statuses. */
export function formatCommandHelp(command: CommandDefinition): string {
  const flags = Object.entries(command.flags).map(([name, spec]) => {
    const left = `--${name}${spec.value ? ` ${spec.value}` : ''}${spec.multiple ? ' (repeatable)' : ''}`;
    return [left, spec.description] as const;
  });
  flags.push(['--help', 'show this help']);
  const width = Math.max(...flags.map(([left]) => left.length));
  return [
    `usage: smtp ${command.usage}`,
    '',
    command.description,
    '',
    'flags:',
    ...flags.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`),
    '',
    'exit status:',
    ...command.exitStatuses.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
