import { startAiosmtpd } from '../support/aiosmtpd.js';
import { fromClientCells } from '../support/from-client-cells.js';
import { taker } from '../support/store-dir.js';

// aiosmtpd (stock SMTP class, PLAIN and LOGIN through its authenticator hook, SMTPUTF8 on, AUTH
// only over TLS) stores the octets it received and what it saw of the envelope.
fromClientCells({
  peer: 'aiosmtpd',
  lacks: new Set(['PIPELINING', 'AUTH CRAM-MD5', 'DSN', 'CHUNKING (BDAT)']),
  async start({ certificate, user, pass, size }) {
    const server = await startAiosmtpd({ certificate, auth: `${user}:${pass}`, smtputf8: true, size });
    const take = taker(server.messages, (item) => item.name);
    return {
      port: server.port,
      take: async (count, marker) =>
        (await take(count, (item) => item.text.includes(marker))).map(({ text, meta }) => ({
          from: meta.from,
          to: meta.to,
          message: text,
          tls: meta.tls,
          user: meta.auth,
          mailParams: meta.mail_options,
        })),
      stop: () => server.stop(),
    };
  },
});
