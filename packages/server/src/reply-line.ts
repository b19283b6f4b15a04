import type { SmtpErrorLike } from '@smtp/codec';

/**
 * The wire form of a one-line reply the adapter writes itself (outside any session: connection
 * limits, `onConnect` refusals, a forced shutdown). Line breaks in the text cannot smuggle a
 * second reply: they become spaces.
 */
export function encodeReplyLine(reply: SmtpErrorLike): Buffer {
  const text = reply.message.replace(/[\r\n\0]+/g, ' ').slice(0, 400);
  const enhanced = reply.enhanced === undefined ? '' : `${reply.enhanced} `;
  return Buffer.from(`${reply.code} ${enhanced}${text}\r\n`, 'utf8');
}
