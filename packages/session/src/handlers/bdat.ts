import { BdatChunkReader } from '@smtp/codec';
import type { SessionContext } from '../context.js';
import { REPLIES, type ReplySpec } from '../replies.js';
import type { Phase } from '../state.js';
import { commandOf, type Handler } from './support.js';

/**
 * Reads and drops a refused chunk, then answers: a chunk's octets follow its command whatever
 * the reply, and must never be read as commands (RFC 3030 §4).
 */
function skip(context: SessionContext, size: number, reply: ReplySpec, resume: Phase): void {
  context.enter({ name: 'bdat-skip', reader: new BdatChunkReader(size), reply, resume });
}

/** BDAT: accepts a chunk into the message (its reply comes once it is read), or reads and refuses it. */
export const bdat: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'BDAT');
  if (command === undefined) return;
  const { size, last } = command;
  const phase = context.phase;
  if (phase.name === 'bdat-failed') {
    skip(context, size, phase.failure, last ? { name: 'ready' } : phase);
    return;
  }
  if (phase.name !== 'mail' && phase.name !== 'rcpt' && phase.name !== 'bdat') {
    skip(context, size, REPLIES.needMail, phase);
    return;
  }
  if (!context.offer().has('CHUNKING')) {
    skip(
      context,
      size,
      context.policy.extensions.chunking ? REPLIES.sendEhloFirst : REPLIES.chunkingNotAvailable,
      phase,
    );
    return;
  }
  const tx = phase.tx;
  if (phase.name === 'mail') {
    skip(context, size, tx.rcptCommands === 0 ? REPLIES.needRcpt : REPLIES.noValidRecipients, phase);
    return;
  }
  const limit = context.policy.maxMessageSize;
  if (limit > 0 && tx.chunkedSize + size > limit) {
    context.abortMessage('size');
    skip(
      context,
      size,
      REPLIES.messageTooBig,
      last ? { name: 'ready' } : { name: 'bdat-failed', failure: REPLIES.messageTooBig },
    );
    return;
  }
  if (phase.name === 'rcpt')
    context.emit({ type: 'message-start', envelope: context.envelope(tx), via: 'BDAT' });
  tx.chunkedSize += size;
  context.enter({ name: 'bdat-chunk', tx, reader: new BdatChunkReader(size), size, last });
};
