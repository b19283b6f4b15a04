import type { Command, ParseResult } from '@smtp/codec';
import type { SessionContext } from '../context.js';
import { REPLIES, replyOf } from '../replies.js';

/** A command handler: runs for a parsed command line the transition table sent to it. */
export type Handler = (context: SessionContext, parsed: ParseResult<Command>) => void;

/**
 * The parsed command when it is a `verb` command; otherwise answers (the parser's refusal, or
 * 500 when the parser read another verb than the table did) and returns undefined.
 */
export function commandOf<V extends Command['verb']>(
  context: SessionContext,
  parsed: ParseResult<Command>,
  verb: V,
): Extract<Command, { verb: V }> | undefined {
  if (!parsed.ok) {
    context.refuse(replyOf(parsed.error.code, parsed.error.enhanced, parsed.error.message));
    return undefined;
  }
  if (parsed.command.verb !== verb) {
    context.refuse(REPLIES.unknownCommand);
    return undefined;
  }
  return parsed.command as Extract<Command, { verb: V }>;
}
