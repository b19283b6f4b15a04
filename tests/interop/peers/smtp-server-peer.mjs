// smtp-server (npm) as a peer process for the interop suite. Settings come as one JSON argument:
// { port, dir, key?, cert?, auth?: "USER:PASS", size?, authMethods? }. Stores each message as
// DIR/NNNN.eml (the stream's octets) and DIR/NNNN.json (envelope with DSN and SMTPUTF8 data,
// TLS, user); recipients whose local part starts with "no" get 550 5.1.1. It shows ENHANCEDSTATUSCODES
// and DSN (both hidden by default) and keeps the library's 100 ms wait before the greeting.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

const settings = JSON.parse(process.argv[2]);
const [user, pass] = settings.auth
  ? [settings.auth.slice(0, settings.auth.indexOf(':')), settings.auth.slice(settings.auth.indexOf(':') + 1)]
  : [];
let count = 0;

const server = new SMTPServer({
  name: 'smtp-server.example.test',
  logger: false,
  disableReverseLookup: true,
  hideENHANCEDSTATUSCODES: false,
  hideDSN: false,
  size: settings.size ?? 0,
  authOptional: true,
  authMethods: settings.authMethods ?? ['PLAIN', 'LOGIN', 'CRAM-MD5'],
  ...(settings.key
    ? { key: readFileSync(settings.key), cert: readFileSync(settings.cert) }
    : { hideSTARTTLS: true }),
  onAuth(auth, _session, callback) {
    const ok =
      auth.username === user &&
      (auth.method === 'CRAM-MD5' ? auth.validatePassword(pass) : auth.password === pass);
    if (!ok) return callback(new Error('Invalid username or password'));
    callback(null, { user: auth.username });
  },
  onRcptTo(address, _session, callback) {
    if (address.address.split('@')[0].startsWith('no')) {
      const error = new Error('no such user here');
      error.responseCode = 550;
      return callback(error);
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        const error = new Error('message too big');
        error.responseCode = 552;
        return callback(error);
      }
      const base = path.join(settings.dir, String(++count).padStart(4, '0'));
      writeFileSync(
        `${base}.json`,
        JSON.stringify({
          from: session.envelope.mailFrom.address,
          mailArgs: session.envelope.mailFrom.args || {},
          to: session.envelope.rcptTo.map((r) => r.address),
          rcptArgs: session.envelope.rcptTo.map((r) => r.args || {}),
          dsn: session.envelope.dsn ?? null,
          tls: Boolean(session.secure),
          user: session.user ?? null,
        }),
      );
      writeFileSync(`${base}.tmp`, Buffer.concat(chunks));
      renameSync(`${base}.tmp`, `${base}.eml`);
      callback(null, 'OK');
    });
  },
});
server.on('error', (error) => console.error(error.message));
server.listen(settings.port, '127.0.0.1', () => console.log('listening'));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
