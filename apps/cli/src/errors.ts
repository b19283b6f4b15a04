/**
 * An error the user can act on: printed as one line `smtp: <message>`, never with a stack
 * trace, and the process exits with `exitCode` (the statuses of the CLI contract).
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad flags or arguments: exit status 2 and a pointer to the command's help. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}
