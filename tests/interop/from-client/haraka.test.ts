import { fromClientCells } from '../support/from-client-cells.js';
import { startHaraka } from '../support/haraka.js';
import { afterTraceHeaders } from '../support/maildir.js';
import { taker } from '../support/store-dir.js';

// Haraka (npm, one process) with its tls and auth/flat_file plugins and a queue plugin that
// stores what it received: Haraka's own header fields (Received, Authentication-Results) first.
fromClientCells({
  peer: 'Haraka',
  lacks: new Set(['DSN', 'CHUNKING (BDAT)']),
  async start({ certificate, user, pass, size }) {
    const server = await startHaraka({ certificate, auth: `${user}:${pass}`, size });
    const take = taker(server.messages, (item) => item.name);
    return {
      port: server.port,
      take: async (count, marker) =>
        (await take(count, (item) => item.text.includes(marker))).map(({ text, meta }) => ({
          from: meta.from,
          to: meta.to,
          message: afterTraceHeaders(text).message,
          tls: meta.tls,
          user: meta.user,
        })),
      stop: () => server.stop(),
    };
  },
  notes: {
    PIPELINING:
      'Haraka answers commands pipelined behind the final `.` of DATA with `503`; the client never sends any there (it waits for the reply to `.`)',
  },
});
