import { type ConnectionOptions, SmtpConnection } from './connection.js';
import type { Envelope, TransactionOptions } from './envelope.js';
import type { MessageInput } from './message-source.js';
import type { SendResult } from './result.js';

/**
 * Sends one message on a connection of its own: connect, send, QUIT. The connection is closed
 * whatever happens.
 *
 * @example
 * ```ts
 * const result = await sendMail(
 *   { host: '127.0.0.1', port: 2525, tls: 'none' },
 *   { from: 'alice@example.test', to: ['bob@example.test'] },
 *   'Subject: hello\r\n\r\nHi Bob\r\n',
 * );
 * result.accepted; // ['bob@example.test']
 * ```
 */
export async function sendMail(
  connection: ConnectionOptions,
  envelope: Envelope,
  message: MessageInput,
  options: TransactionOptions = {},
): Promise<SendResult> {
  const session = await SmtpConnection.connect(connection);
  try {
    return await session.send(envelope, message, options);
  } finally {
    await session.quit();
  }
}
