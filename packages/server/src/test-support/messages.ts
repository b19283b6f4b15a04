import type { SessionInfo } from '../session-info.js';
import type { IncomingMessage } from '../stores/message-store.js';

/** A session as a store sees it, for store tests without a server. */
export const testSession: SessionInfo = {
  id: 'S1',
  remoteAddress: '127.0.0.1',
  remotePort: 40000,
  localAddress: '127.0.0.1',
  localPort: 2525,
  proxy: undefined,
  helo: 'client.example.test',
  tls: false,
  authenticatedAs: undefined,
};

/** An incoming message for store tests, with any field overridden. */
export function testMessage(overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    id: 'Q1',
    from: 'alice@example.test',
    to: ['bob@example.test', 'carol@example.test'],
    session: testSession,
    via: 'DATA',
    ...overrides,
  };
}
