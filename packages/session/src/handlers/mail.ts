import { acceptanceReply, refusalReply } from '../decisions.js';
import { mailProblem } from '../parameter-rules.js';
import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** MAIL FROM: checks what the protocol decides, then asks the application. */
export const mail: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'MAIL');
  if (command === undefined) return;
  if (context.policy.auth.required && context.facts.authenticated === undefined) {
    context.refuse(REPLIES.authRequired);
    return;
  }
  const problem = mailProblem(command.from, command.params, context.offer(), context.policy);
  if (problem !== undefined) {
    context.refuse(problem);
    return;
  }
  context.ask({ type: 'mail', from: command.from, params: command.params }, (decision) => {
    if ('perRecipient' in decision) return;
    if (!decision.accept) {
      context.reply(refusalReply(decision));
      return;
    }
    context.enter({
      name: 'mail',
      tx: { from: command.from, params: command.params, recipients: [], rcptCommands: 0, chunkedSize: 0 },
    });
    context.reply(acceptanceReply(decision, REPLIES.mailOk));
  });
};
