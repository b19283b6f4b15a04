/**
 * Names what a reply answers, the way reports and diagnostics say it:
 * "`RCPT TO:<bob@example.test>` (line 12)", "the message after `DATA` (line 9)", "the greeting".
 */
import type { ReplySource } from './ast.js';
import type { ReplyCause } from './client-stream.js';
import { printable } from './reply-lines.js';

const MAX_SHOWN = 60;

/** Something with a 0-based source line, as the parser's send lines have. */
interface HasLine {
  readonly line: number;
}

/** Describes a command or message cause, with its 1-based line. */
export function describeCause(cause: ReplyCause<HasLine>): string {
  if (cause.kind === 'message') return `the message after \`DATA\` (line ${cause.data.origin.line + 1})`;
  return `\`${shownCommand(cause.verb, cause.line)}\` (line ${cause.origin.line + 1})`;
}

/** Describes what a reply expectation answers. */
export function describeReplySource(source: ReplySource): string {
  switch (source.kind) {
    case 'greeting':
      return 'the greeting';
    case 'unprompted':
      return 'no command (an unprompted reply)';
    default:
      return describeCause(source);
  }
}

/** The command as shown to people: AUTH arguments hidden, long lines shortened. */
function shownCommand(verb: string, line: string): string {
  if (verb === 'AUTH') {
    const mechanism = line.split(' ')[1];
    return mechanism === undefined ? line : `AUTH ${mechanism}${line.split(' ').length > 2 ? ' …' : ''}`;
  }
  const shown = printable(line);
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown;
}
