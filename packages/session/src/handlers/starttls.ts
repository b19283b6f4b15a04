import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** STARTTLS (RFC 3207): 220, then the adapter's handshake; whatever the client sent after the line is dropped. */
export const starttls: Handler = (context, parsed) => {
  if (commandOf(context, parsed, 'STARTTLS') === undefined) return;
  if (context.facts.tls) {
    context.refuse(REPLIES.tlsAlreadyActive);
    return;
  }
  if (!context.policy.tls.available) {
    context.refuse(REPLIES.tlsNotAvailable);
    return;
  }
  if (!context.offer().has('STARTTLS')) {
    context.refuse(REPLIES.sendEhloFirst);
    return;
  }
  context.reply(REPLIES.readyForTls);
  context.emit({ type: 'starttls' });
  context.startTls();
};
