import { acceptanceReply, refusalReply } from '../decisions.js';
import { rcptProblem } from '../parameter-rules.js';
import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** RCPT TO: counts the attempt, checks what the protocol decides, then asks the application. */
export const rcpt: Handler = (context, parsed) => {
  const phase = context.phase;
  if (phase.name !== 'mail' && phase.name !== 'rcpt') return;
  const tx = phase.tx;
  // Syntax errors count too: they decide between 503 and 554 for DATA.
  tx.rcptCommands++;
  const command = commandOf(context, parsed, 'RCPT');
  if (command === undefined) return;
  const problem = rcptProblem(command.to, command.params, tx, context.offer(), context.policy);
  if (problem !== undefined) {
    context.refuse(problem);
    return;
  }
  const event = {
    type: 'rcpt',
    to: command.to,
    params: command.params,
    envelope: context.envelope(tx),
  } as const;
  context.ask(event, (decision) => {
    if ('perRecipient' in decision) return;
    if (!decision.accept) {
      context.reply(refusalReply(decision));
      return;
    }
    tx.recipients.push({ to: command.to, params: command.params });
    context.enter({ name: 'rcpt', tx });
    context.reply(acceptanceReply(decision, REPLIES.rcptOk));
  });
};
