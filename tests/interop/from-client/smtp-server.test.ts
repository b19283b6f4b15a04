import { expect } from 'vitest';
import { fromClientCells } from '../support/from-client-cells.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { taker } from '../support/store-dir.js';

// smtp-server (npm, its own Node process) with STARTTLS, AUTH PLAIN/LOGIN/CRAM-MD5, SIZE, and
// its DSN and ENHANCEDSTATUSCODES support switched on; it stores the octets of the message stream.
const params = (args: Record<string, string | boolean>) =>
  Object.entries(args).map(([key, value]) => (value === true ? key : `${key}=${value}`));

fromClientCells({
  peer: 'smtp-server',
  lacks: new Set(['CHUNKING (BDAT)']),
  async start({ certificate, user, pass, size }) {
    const server = await startSmtpServer({ certificate, auth: `${user}:${pass}`, size });
    const take = taker(server.messages, (item) => item.name);
    return {
      port: server.port,
      take: async (count, marker) =>
        (await take(count, (item) => item.text.includes(marker))).map(({ text, meta }) => ({
          from: meta.from,
          to: meta.to,
          message: text,
          tls: meta.tls,
          user: meta.user,
          mailParams: params(meta.mailArgs),
          dsn: {
            ...(meta.dsn?.ret ? { ret: meta.dsn.ret } : {}),
            ...(meta.dsn?.envid ? { envid: meta.dsn.envid } : {}),
            notify: String(meta.rcptArgs[0]?.NOTIFY ?? '')
              .split(',')
              .filter(Boolean),
          },
        })),
      stop: () => server.stop(),
    };
  },
  async checkDsn(_server, envid, delivered) {
    expect(delivered.dsn).toEqual({ ret: 'HDRS', envid, notify: ['SUCCESS', 'FAILURE'] });
    return `its session records RET=${delivered.dsn?.ret}, ENVID=${envid} and NOTIFY=SUCCESS,FAILURE`;
  },
});
