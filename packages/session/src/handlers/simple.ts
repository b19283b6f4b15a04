import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** RSET: drops the transaction; the greeting, TLS and authentication stay. */
export const rset: Handler = (context, parsed) => {
  if (commandOf(context, parsed, 'RSET') === undefined) return;
  context.abortMessage('rset');
  context.enter(context.facts.greeting === undefined ? { name: 'connected' } : { name: 'ready' });
  context.emit({ type: 'rset' });
  context.reply(REPLIES.ok);
};

/** NOOP: any argument is ignored (RFC 5321 §4.1.1.9). */
export const noop: Handler = (context, parsed) => {
  if (commandOf(context, parsed, 'NOOP') === undefined) return;
  context.emit({ type: 'noop' });
  context.reply(REPLIES.ok);
};

/** QUIT: 221, then close. */
export const quit: Handler = (context, parsed) => {
  if (commandOf(context, parsed, 'QUIT') === undefined) return;
  context.abortMessage('quit');
  context.emit({ type: 'quit' });
  context.reply(REPLIES.bye);
  context.close();
};
