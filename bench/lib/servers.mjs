/**
 * The SMTP servers the server cells compare, each started on a free loopback port as the leader
 * of its own process group, accepting everything:
 *   - @smtp/server as `smtp serve` sets it up: a MemoryStore of 1,000 messages, or a Maildir
 *     (tmp, fsync, rename per message). Unlike `smtp serve`, connection limits are off (its
 *     defaults, 1,000 and 20 per client address, would turn away smtp-source's 200 sessions from
 *     one address) and no summary line per message is printed (a log line, not server work);
 *   - Postfix's smtp-sink (C; discards): the floor;
 *   - smtp-server 3 (Node; its hard-coded 100 ms wait before every greeting patched out, as
 *     notes/peers.md shows; without the patch one-connection-per-message runs measure that timer);
 *   - aiosmtpd (Python asyncio, Sink handler), plain and on uvloop (Debian's /usr/bin/python3);
 *   - Haraka (Node, one process, a plugin accepting every recipient and discarding the message).
 * `cpu()` gives the group's CPU seconds so far; `reset()` (between measurements, untimed) empties
 * a Maildir so a long run does not fill the disk.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS, PYTHON, SMTP_SINK } from './environment.mjs';
import {
  firstLine,
  freePort,
  groupCpuSeconds,
  rssBytes,
  startGroup,
  stopGroup,
  waitForPort,
} from './processes.mjs';

/** @smtp/server in a child: argv[1] is a Maildir path, or absent for the memory store. */
const OUR_SERVER = `
import { createServer, MaildirStore, MemoryStore } from '@smtp/server';
const maildir = process.argv[1];
const server = createServer({
  hostname: 'bench.test',
  store: maildir ? new MaildirStore(maildir) : new MemoryStore({ capacity: 1000 }),
  maxMessageSize: 0,
  maxConnections: 0,
  maxConnectionsPerAddress: 0,
});
const { port } = await server.listen(0, '127.0.0.1');
console.log(port);
const stop = () => server.close({ grace: 1000 }).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

/** smtp-server without its 100 ms greeting wait, accepting everything and discarding bodies. */
const SMTP_SERVER = `
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
SMTPConnection.prototype.init = function () {
  this._setListeners(() => {
    if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients)
      return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
    this.connectionReady();
  });
};
const server = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  logger: false,
  size: 0,
  onData(stream, session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => callback());
  },
});
// A client's reset is reported as an 'error' on the server; unheard, it would end the process.
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => console.log(server.server.address().port));
`;

/**
 * The floor of any SMTP server on Node: net sockets answering with fixed replies, no parsing
 * beyond finding line ends and the end of the data (a 5-octet tail carried across reads), no
 * store. What it costs per message is Node's and the kernel's share, the SMTP work left out.
 */
const NODE_FLOOR = `
import net from 'node:net';
const OK = Buffer.from('250 2.0.0 Ok\\r\\n');
const GO = Buffer.from('354 End data with <CR><LF>.<CR><LF>\\r\\n');
const BYE = Buffer.from('221 2.0.0 Bye\\r\\n');
const END = Buffer.from('\\r\\n.\\r\\n');
const server = net.createServer((socket) => {
  let data = false;
  let tail = Buffer.alloc(0);
  let line = '';
  socket.write('220 floor.test ESMTP\\r\\n');
  socket.on('data', (chunk) => {
    const out = [];
    let at = 0;
    while (at < chunk.length) {
      if (data) {
        const joined = tail.length > 0 ? Buffer.concat([tail, chunk.subarray(at)]) : chunk.subarray(at);
        const end = joined.indexOf(END);
        if (end === -1) {
          tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 4)));
          break;
        }
        at += end + END.length - tail.length;
        tail = Buffer.alloc(0);
        data = false;
        out.push(OK);
        continue;
      }
      const eol = chunk.indexOf(10, at);
      if (eol === -1) {
        line += chunk.toString('latin1', at);
        break;
      }
      const verb = (line + chunk.toString('latin1', at, Math.min(eol, at + 4))).slice(0, 4).toUpperCase();
      line = '';
      at = eol + 1;
      if (verb === 'DATA') {
        data = true;
        tail = Buffer.from('\\r\\n');
        out.push(GO);
      } else if (verb === 'QUIT') {
        out.push(BYE);
        socket.end(Buffer.concat(out));
        return;
      } else out.push(OK);
    }
    if (out.length > 0) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** aiosmtpd's own command line, with uvloop installed first as the event loop policy. */
const AIOSMTPD_UVLOOP = `
import sys, runpy, uvloop
uvloop.install()
sys.argv[0] = 'aiosmtpd'
runpy.run_module('aiosmtpd', run_name='__main__', alter_sys=True)
`;

const HARAKA_PLUGIN = `exports.register = function () {
  this.register_hook('rcpt', 'ok');
  this.register_hook('queue', 'ok');
};
exports.ok = (next) => next(OK);
`;

async function startNode(name, script, args) {
  const child = startGroup(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: PATHS.BENCH_DIR,
  });
  const port = Number(await firstLine(child, name));
  child.stdout.resume();
  await waitForPort(port, child, name);
  return { child, port };
}

async function startCommand(name, command, args, port, options = {}) {
  const child = startGroup(command, args, options);
  child.stdout.resume();
  await waitForPort(port, child, name);
  return { child, port };
}

/** A Maildir's `new/` emptied (messages delivered so far deleted). */
async function emptyMaildir(maildir) {
  const dir = join(maildir, 'new');
  let names = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.map((name) => unlink(join(dir, name)).catch(() => {})));
}

/**
 * Every server kind: `needs` names the peers (see environment.mjs) it cannot run without;
 * `start()` resolves with `{ port, pid, cpu(), rss(), reset?(), maildir?, stop() }`.
 */
export const SERVERS = {
  server: {
    label: '@smtp/server (memory)',
    needs: [],
    async start() {
      const { child, port } = await startNode('@smtp/server', OUR_SERVER, []);
      return running(child, port);
    },
  },
  'server-maildir': {
    label: '@smtp/server (Maildir)',
    needs: [],
    async start() {
      const dir = await mkdtemp(join(tmpdir(), 'smtp-bench-maildir-'));
      const maildir = join(dir, 'Maildir');
      const { child, port } = await startNode('@smtp/server (Maildir)', OUR_SERVER, [maildir]);
      return running(child, port, {
        maildir,
        reset: () => emptyMaildir(maildir),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      });
    },
  },
  'smtp-sink': {
    label: 'smtp-sink (Postfix, C)',
    needs: ['postfix'],
    async start() {
      const port = await freePort();
      // -u: it refuses to run as root otherwise; -m: concurrent connections (the scaling cell
      // goes to 1,000); the last number is the listen backlog.
      const args = ['-u', 'nobody', '-m', '2000', `127.0.0.1:${port}`, '2048'];
      const { child } = await startCommand('smtp-sink', SMTP_SINK, args, port);
      return running(child, port);
    },
  },
  'node-floor': {
    label: 'Node floor (net, fixed replies, no SMTP)',
    needs: [],
    async start() {
      const { child, port } = await startNode('Node floor', NODE_FLOOR, []);
      return running(child, port);
    },
  },
  'smtp-server': {
    label: 'smtp-server (Node)',
    needs: ['smtp-server'],
    async start() {
      const { child, port } = await startNode('smtp-server', SMTP_SERVER, []);
      return running(child, port);
    },
  },
  aiosmtpd: {
    label: 'aiosmtpd (Python)',
    needs: ['aiosmtpd'],
    async start() {
      const port = await freePort();
      const args = ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Sink'];
      const { child } = await startCommand('aiosmtpd', PYTHON, args, port);
      return running(child, port);
    },
  },
  'aiosmtpd-uvloop': {
    label: 'aiosmtpd on uvloop',
    needs: ['aiosmtpd', 'uvloop'],
    async start() {
      const port = await freePort();
      const args = ['-c', AIOSMTPD_UVLOOP, '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Sink'];
      const { child } = await startCommand('aiosmtpd on uvloop', PYTHON, args, port);
      return running(child, port);
    },
  },
  haraka: {
    label: 'Haraka (Node, 1 process)',
    needs: ['haraka'],
    async start(peers) {
      const port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), 'smtp-bench-haraka-'));
      mkdirSync(join(dir, 'config'));
      mkdirSync(join(dir, 'plugins'));
      writeFileSync(join(dir, 'config', 'smtp.ini'), `[main]\nlisten=127.0.0.1:${port}\nnodes=0\n`);
      writeFileSync(join(dir, 'config', 'plugins'), 'accept_discard\n');
      writeFileSync(join(dir, 'config', 'log.ini'), '[main]\nlevel=error\n');
      // A partial connection.ini would replace the defaults (and every connection would fail).
      copyFileSync(join(peers.haraka.dir, 'config', 'connection.ini'), join(dir, 'config', 'connection.ini'));
      writeFileSync(join(dir, 'plugins', 'accept_discard.js'), HARAKA_PLUGIN);
      const bin = join(peers.haraka.dir, 'bin', 'haraka');
      const { child } = await startCommand('Haraka', process.execPath, [bin, '-c', dir], port);
      return running(child, port, { cleanup: () => rm(dir, { recursive: true, force: true }) });
    },
  },
};

function running(child, port, extra = {}) {
  return {
    port,
    pid: child.pid,
    cpu: () => groupCpuSeconds(child.pid),
    rss: () => rssBytes(child.pid),
    errors: () => child.errors(),
    reset: extra.reset,
    maildir: extra.maildir,
    async stop() {
      await stopGroup(child);
      await extra.cleanup?.();
    },
  };
}

/** The reason a server kind cannot run here, or undefined. */
export function unavailable(kind, peers) {
  for (const need of SERVERS[kind].needs) {
    if (!peers[need]?.ok) return peers[need]?.reason ?? `${need} missing`;
  }
  return undefined;
}
