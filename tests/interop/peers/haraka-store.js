// A Haraka plugin for the interop suite: accepts every recipient except those whose local part
// starts with "no" (550), and stores each message as $HARAKA_STORE/NNNN.eml (CRLF line ends, as
// Haraka hands the message on, its own trace headers first) with NNNN.json (envelope, TLS, user).
// Registered for both queue hooks: Haraka queues authenticated (relaying) clients' mail as outbound.
const fs = require('node:fs');
const path = require('node:path');

let count = 0;
const addressOf = (a) => (typeof a.address === 'function' ? a.address() : a.address);

exports.register = function () {
  this.register_hook('rcpt', 'recipient');
  this.register_hook('queue', 'store');
  this.register_hook('queue_outbound', 'store');
};

exports.recipient = (next, _connection, params) => {
  const rcpt = params[0];
  if (String(rcpt.user).startsWith('no')) return next(DENY, 'no such user here');
  next(OK);
};

exports.store = (next, connection) => {
  const t = connection.transaction;
  const base = path.join(process.env.HARAKA_STORE, String(++count).padStart(4, '0'));
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify({
      from: addressOf(t.mail_from),
      to: t.rcpt_to.map(addressOf),
      tls: Boolean(connection.tls?.enabled),
      user: connection.notes?.auth_user ?? null,
    }),
  );
  const out = fs.createWriteStream(`${base}.tmp`);
  out.on('finish', () => {
    fs.renameSync(`${base}.tmp`, `${base}.eml`);
    next(OK);
  });
  t.message_stream.pipe(out, { line_endings: '\r\n' });
};
