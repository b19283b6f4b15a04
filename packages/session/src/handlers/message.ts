import type { SessionContext } from '../context.js';
import { queuedReply, refusalReply } from '../decisions.js';
import type { Acceptance, Decision, MessageVia, Refusal } from '../events.js';
import type { ReplySpec } from '../replies.js';
import type { Transaction } from '../state.js';

/** LMTP (RFC 2033 §4.2): each recipient's reply names it first. */
function forRecipient(address: string, decision: Acceptance | Refusal): ReplySpec {
  const prefix = `<${address}> `;
  if (decision.accept) return queuedReply(decision, prefix);
  const reply = refusalReply(decision);
  const lines = typeof reply.text === 'string' ? [reply.text] : reply.text;
  return { ...reply, text: lines.map((line, index) => (index === 0 ? prefix + line : line)) };
}

function answer(context: SessionContext, tx: Transaction, decision: Decision): void {
  if (!context.policy.lmtp) {
    if ('perRecipient' in decision) return;
    context.reply(decision.accept ? queuedReply(decision) : refusalReply(decision));
    return;
  }
  tx.recipients.forEach((recipient, index) => {
    const single = 'perRecipient' in decision ? decision.perRecipient[index] : decision;
    if (single !== undefined) context.reply(forRecipient(recipient.to.address, single));
  });
}

/** The whole message is in: the transaction ends, and the application decides (per recipient in LMTP). */
export function endMessage(context: SessionContext, tx: Transaction, size: number, via: MessageVia): void {
  const envelope = context.envelope(tx);
  context.enter({ name: 'ready' });
  context.ask({ type: 'message-end', envelope, size, via }, (decision) => answer(context, tx, decision));
}
