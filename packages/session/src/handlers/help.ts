import type { ResolvedPolicy } from '../policy.js';
import { commandOf, type Handler } from './support.js';

/** One line of syntax per verb, for `HELP verb`. */
const TOPICS: ReadonlyMap<string, string> = new Map([
  ['HELO', 'HELO <domain>: introduce yourself (no extensions)'],
  ['EHLO', 'EHLO <domain>: introduce yourself and list the extensions'],
  ['LHLO', 'LHLO <domain>: introduce yourself to an LMTP server'],
  [
    'MAIL',
    'MAIL FROM:<sender> [SIZE=n] [BODY=7BIT|8BITMIME|BINARYMIME] [SMTPUTF8] [RET=FULL|HDRS] [ENVID=id] [REQUIRETLS]',
  ],
  ['RCPT', 'RCPT TO:<recipient> [NOTIFY=NEVER|SUCCESS,FAILURE,DELAY] [ORCPT=rfc822;address]'],
  ['DATA', 'DATA: send the message, end it with a line holding only "."'],
  ['BDAT', 'BDAT <octets> [LAST]: send the next chunk of the message'],
  ['RSET', 'RSET: abandon the current transaction'],
  ['NOOP', 'NOOP: do nothing'],
  ['QUIT', 'QUIT: end the session'],
  ['HELP', 'HELP [command]: this text'],
  ['VRFY', 'VRFY <address>: ask whether an address is deliverable'],
  ['EXPN', 'EXPN <list>: ask for the members of a list'],
  ['STARTTLS', 'STARTTLS: switch to TLS'],
  ['AUTH', 'AUTH <mechanism> [initial-response]: authenticate'],
]);

function commands(policy: ResolvedPolicy): string {
  const verbs = policy.lmtp ? ['LHLO'] : ['HELO', 'EHLO'];
  verbs.push('MAIL', 'RCPT', 'DATA');
  if (policy.extensions.chunking) verbs.push('BDAT');
  verbs.push('RSET', 'NOOP', 'QUIT', 'HELP', 'VRFY', 'EXPN');
  if (policy.tls.available) verbs.push('STARTTLS');
  if (policy.auth.mechanisms.length > 0) verbs.push('AUTH');
  return verbs.join(' ');
}

/** HELP: a multi-line 214 listing the commands, or one line about the command asked for. */
export const help: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'HELP');
  if (command === undefined) return;
  const topic = command.topic?.toUpperCase();
  const about = topic === undefined ? undefined : TOPICS.get(topic);
  const text =
    topic === undefined
      ? [
          `${context.policy.product || 'This server'} speaks SMTP (RFC 5321)`,
          `Commands: ${commands(context.policy)}`,
          'End of HELP',
        ]
      : [about ?? 'No help on that topic; HELP alone lists the commands'];
  context.reply({ code: 214, enhanced: '2.0.0', text });
};
