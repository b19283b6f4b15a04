import { extensionLines } from '../offer.js';
import { REPLIES, replyOf } from '../replies.js';
import type { Greeting } from '../state.js';
import type { Handler } from './support.js';

/** The client's name as echoed in our reply: control characters masked, length capped. */
function echo(domain: string): string {
  const masked = domain.replace(/[\x00-\x1f\x7f]/g, '?');
  return masked.length > 100 ? `${masked.slice(0, 100)}…` : masked;
}

/** EHLO, HELO and LHLO: introduce the client, drop any transaction, list the extensions. */
export const greet: Handler = (context, parsed) => {
  if (!parsed.ok) {
    context.refuse(replyOf(parsed.error.code, parsed.error.enhanced, parsed.error.message));
    return;
  }
  const command = parsed.command;
  let greeting: Greeting;
  if (command.verb === 'EHLO' || command.verb === 'HELO') {
    greeting = { verb: command.verb, domain: command.domain };
  } else if (command.verb === 'OTHER' && command.name === 'LHLO') {
    if (command.argument === '') {
      context.refuse(replyOf(501, '5.5.4', 'Syntax: LHLO hostname'));
      return;
    }
    greeting = { verb: 'LHLO', domain: command.argument };
  } else {
    context.refuse(REPLIES.unknownCommand);
    return;
  }
  // LMTP (RFC 2033 §4.1) knows only LHLO; SMTP does not know it at all.
  if (context.policy.lmtp !== (greeting.verb === 'LHLO')) {
    context.refuse(context.policy.lmtp ? REPLIES.useLhlo : REPLIES.unknownCommand);
    return;
  }
  context.abortMessage('rset');
  context.facts.greeting = greeting;
  context.enter({ name: 'ready' });
  context.emit({
    type: 'helo',
    verb: greeting.verb,
    domain: greeting.domain,
    extended: greeting.verb !== 'HELO',
  });
  const first = `${context.policy.hostname} Hello ${echo(greeting.domain)}`;
  if (greeting.verb === 'HELO') {
    context.reply({ code: 250, text: first });
    return;
  }
  context.reply({ code: 250, text: [first, ...extensionLines(context.policy, context.offer())] });
};
