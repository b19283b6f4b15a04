import { expect } from 'vitest';
import { fromClientCells } from '../support/from-client-cells.js';
import { type Postfix, startPostfix } from '../support/postfix.js';
import { overTls } from '../support/postfix-delivery.js';
import { taker } from '../support/store-dir.js';

// Postfix's own smtpd (a private instance: support/postfix.ts) delivering by virtual(8) into a
// Maildir, one file per recipient with LF line ends. A message counts as delivered once the log
// says Postfix removed it from its queue; its copies are merged into one delivery.
const fromUtf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
const crlf = (text: string) => text.replace(/\n/g, '\r\n');
let postfix: Postfix;

fromClientCells({
  peer: 'Postfix smtpd',
  lacks: new Set([]),
  async start({ certificate, user, pass, size }) {
    postfix = await startPostfix({ certificate, auth: `${user}:${pass}`, sizeLimit: size });
    const take = taker(postfix.deliveries, (delivery) => delivery.queueId);
    return {
      port: postfix.port,
      take: async (count, marker) =>
        (
          await take(count, (delivery) => delivery.copies.some((copy) => crlf(copy.message).includes(marker)))
        ).map(({ copies }) => {
          const [first] = copies;
          if (first === undefined) throw new Error('a delivery without copies');
          return {
            from: fromUtf8(first.from),
            // One file per recipient: the RCPT order is not kept, so the list is sorted.
            to: copies.map((copy) => fromUtf8(copy.to)).sort(),
            message: crlf(first.message),
            tls: overTls(first.protocol),
            user: first.user,
          };
        }),
      stop: () => postfix.stop(),
    };
  },
  async checkDsn(_server, envid) {
    // NOTIFY=SUCCESS: Postfix itself reports the delivery to the sender (also in this Maildir).
    const deadline = Date.now() + 10_000;
    let report: string | undefined;
    while (report === undefined && Date.now() < deadline) {
      // Postfix's own report has no Received field: look at the files themselves.
      report = postfix
        .files()
        .map((file) => file.text)
        .find(
          (text) => text.startsWith('Return-Path: <>\n') && text.includes(`Original-Envelope-Id: ${envid}\n`),
        );
      if (report === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(report, 'a success DSN quoting the ENVID').toBeDefined();
    expect(report).toMatch(/^Action: delivered$/m);
    expect(report).toMatch(/^Content-Type: text\/rfc822-headers$/m);
    return `Postfix sent a success DSN to the sender (Original-Envelope-Id: ${envid}, Action: delivered, the headers only as RET=HDRS asks)`;
  },
});
