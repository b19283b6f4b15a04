import { acceptanceReply, refusalReply } from '../decisions.js';
import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** VRFY: `252 2.5.0` unless the application verifies addresses (RFC 5321 §3.5.3). */
export const vrfy: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'VRFY');
  if (command === undefined) return;
  if (!context.policy.vrfy) {
    context.reply(REPLIES.cannotVerify);
    return;
  }
  context.ask({ type: 'vrfy', argument: command.argument }, (decision) => {
    if ('perRecipient' in decision) return;
    context.reply(
      decision.accept
        ? acceptanceReply(decision, { code: 250, enhanced: '2.1.5', text: command.argument })
        : refusalReply(decision),
    );
  });
};

/** EXPN: `502 5.5.1` unless the application expands lists. */
export const expn: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'EXPN');
  if (command === undefined) return;
  if (!context.policy.expn) {
    context.refuse(REPLIES.expnNotAvailable);
    return;
  }
  context.ask({ type: 'expn', argument: command.argument }, (decision) => {
    if ('perRecipient' in decision) return;
    context.reply(
      decision.accept
        ? acceptanceReply(decision, { code: 250, enhanced: '2.1.5', text: command.argument })
        : refusalReply(decision),
    );
  });
};
