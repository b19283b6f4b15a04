import { DotDecoder, type DotDecoderOptions } from '@smtp/codec';
import { REPLIES } from '../replies.js';
import { commandOf, type Handler } from './support.js';

/** DATA: refuses without recipients (503 or 554, as the spec tells apart), else 354 and reads the text. */
export const data: Handler = (context, parsed) => {
  const phase = context.phase;
  if (phase.name !== 'mail' && phase.name !== 'rcpt') return;
  const command = commandOf(context, parsed, 'DATA');
  if (command === undefined) return;
  const tx = phase.tx;
  if (phase.name === 'mail') {
    context.refuse(tx.rcptCommands === 0 ? REPLIES.needRcpt : REPLIES.noValidRecipients);
    return;
  }
  if (tx.params.body === 'BINARYMIME') {
    context.refuse(REPLIES.binaryNeedsBdat);
    return;
  }
  const { policy } = context;
  const options: DotDecoderOptions = { lineEndings: policy.lineEndings };
  if (policy.maxMessageSize > 0) options.maxSize = policy.maxMessageSize;
  if (policy.maxTextLineLength !== undefined) options.maxLineLength = policy.maxTextLineLength;
  context.reply(REPLIES.startData);
  context.enter({ name: 'data', tx, decoder: new DotDecoder(options) });
  context.emit({ type: 'message-start', envelope: context.envelope(tx), via: 'DATA' });
};
