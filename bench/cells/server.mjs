/**
 * The server cell: Postfix's smtp-source (20 sessions; 1 KB and 100 KB messages; connections kept
 * with -d, or one connection per message) against three servers, each in its own child process
 * (its own process group), measured side by side in one run:
 *   - @smtp/server as `smtp serve` runs it without --maildir: createServer with a MemoryStore
 *     (bounded, so memory stays flat) — the server under test;
 *   - Postfix's smtp-sink (C; accepts and discards);
 *   - smtp-server 3 from npm with its hard-coded 100 ms wait before every greeting PATCHED OUT
 *     (SMTPConnection.prototype.init without the setTimeout, as notes/peers.md shows), accepting
 *     and discarding. Without the patch one-connection-per-message runs measure that timer.
 * Besides msgs/s, each server's CPU µs per message (utime+stime of its process group from
 * /proc, all threads) goes into the notes.
 *
 * Before any timing, every server takes one message of each kind, and a 1 GB message is sent
 * through @smtp/server into a Maildir (tmp, fsync, rename) by a small streaming client in this
 * process, while the server child's RSS is sampled: the note gives the peak growth (target
 * <= 64 MB) and the throughput.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SINK = '/usr/sbin/smtp-sink';
const SOURCE = '/usr/sbin/smtp-source';
const SESSIONS = 20;
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** 1 GiB rounded up to whole 80-octet lines (a partial last line would swallow the final dot). */
const BIG_MESSAGE_BYTES = Math.ceil((1024 * 1024 * 1024) / 80) * 80;

/** @smtp/server in a child: as `smtp serve` without --maildir (memory store), or into a Maildir. */
const OUR_SERVER = `
import { createServer, MaildirStore, MemoryStore } from '@smtp/server';
const maildir = process.argv[1];
const server = createServer({
  hostname: 'bench.test',
  store: maildir ? new MaildirStore(maildir) : new MemoryStore({ capacity: 100 }),
  maxMessageSize: 0,
  maxConnections: 0,
  maxConnectionsPerAddress: 0,
});
const { port } = await server.listen(0, '127.0.0.1');
console.log(port);
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
server.listen(0, '127.0.0.1', () => console.log(server.server.address().port));
`;

const SCENARIOS = [
  { key: '1k-reuse', label: '1 KB, connection kept (-d)', bytes: 1024, reuse: true, messages: 3000 },
  { key: '1k-conn', label: '1 KB, one connection per message', bytes: 1024, reuse: false, messages: 1500 },
  { key: '100k-reuse', label: '100 KB, connection kept (-d)', bytes: 100 * 1024, reuse: true, messages: 500 },
  {
    key: '100k-conn',
    label: '100 KB, one connection per message',
    bytes: 100 * 1024,
    reuse: false,
    messages: 400,
  },
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, name) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before listening`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not listen on ${port}`);
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts a process as the leader of its own process group; stopped by that group. */
function startGroup(command, args, options = {}) {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.unref();
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors = (errors + chunk).slice(-2000);
  });
  child.errors = () => errors;
  return child;
}

async function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Starts a Node server script (run from bench/, so workspace and npm packages resolve) and reads its port. */
async function startNodeServer(name, script, args = []) {
  const child = startGroup(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: BENCH_DIR,
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(Number(line));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${child.errors()}`)));
  });
  await waitForPort(port, child, name);
  return { name, child, port };
}

async function startSink() {
  const port = await freePort();
  const child = startGroup(SINK, ['-u', 'nobody', '-m', '1000', `127.0.0.1:${port}`, '1024']);
  await waitForPort(port, child, 'smtp-sink');
  return { name: 'smtp-sink', child, port };
}

/** CPU seconds of every process in a process group (utime + stime, all threads). */
function groupCpuSeconds(pgid) {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

function runSource(port, scenario, messages = scenario.messages) {
  return new Promise((resolve, reject) => {
    const args = ['-s', String(SESSIONS), '-m', String(messages), '-l', String(scenario.bytes)];
    if (scenario.reuse) args.push('-d');
    args.push('-f', 'a@example.test', '-t', 'b@example.test', `127.0.0.1:${port}`);
    const child = spawn(SOURCE, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(messages);
      else reject(new Error(`smtp-source exited ${code}: ${errors.slice(0, 300)}`));
    });
  });
}

/** Resident memory of a process; 0 once it has exited. */
function rssBytes(pid) {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Reads SMTP replies from a socket, one at a time. */
function replyReader(socket) {
  let buffer = '';
  let wake;
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    wake?.();
  });
  return async () => {
    for (;;) {
      const match = /^(\d{3}) [^\r\n]*\r\n/m.exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return Number(match[1]);
      }
      await new Promise((resolve) => {
        wake = resolve;
      });
    }
  };
}

/**
 * Streams a generated 1 GB message (80-column lines, no dot-led lines) through @smtp/server into
 * a Maildir, sampling the server's RSS; returns the peak growth and the rate.
 */
async function bigMessage() {
  const dir = await mkdtemp(join(tmpdir(), 'smtp-bench-maildir-'));
  const maildir = join(dir, 'Maildir');
  const server = await startNodeServer('@smtp/server (Maildir)', OUR_SERVER, [maildir]);
  try {
    const baseline = rssBytes(server.child.pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(server.child.pid));
    }, 20);
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const reply = replyReader(socket);
    const expect = async (code) => {
      const got = await reply();
      if (got !== code) throw new Error(`1 GB message: expected ${code}, got ${got}`);
    };
    await expect(220);
    socket.write('EHLO bench.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    for (const code of [250, 250, 250, 354]) await expect(code);
    const line = Buffer.from(`${'x'.repeat(78)}\r\n`);
    const block = Buffer.concat(Array.from({ length: 819 }, () => line)); // 65,520 octets
    const started = performance.now();
    let sent = 0;
    while (sent < BIG_MESSAGE_BYTES) {
      const piece =
        BIG_MESSAGE_BYTES - sent >= block.length ? block : block.subarray(0, BIG_MESSAGE_BYTES - sent);
      sent += piece.length;
      if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    socket.write('.\r\n');
    await expect(250).catch((error) => {
      throw new Error(`${error.message}; server: ${server.child.errors()}`);
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(server.child.pid));
    socket.end('QUIT\r\n');
    const [name] = await readdir(join(maildir, 'new'));
    const size = (await stat(join(maildir, 'new', name))).size;
    const header = 'Return-Path: <a@example.test>\r\nDelivered-To: <b@example.test>\r\n'.length;
    if (size !== BIG_MESSAGE_BYTES + header) throw new Error(`1 GB message stored as ${size} octets`);
    return { growth: peak - baseline, baseline, seconds };
  } finally {
    await stopGroup(server.child);
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

export default {
  name: 'server',
  unit: 'msgs/s',
  rounds: 3,
  secondsPerMeasure: 1,
  capSeconds: 150,
  async prepare() {
    for (const file of [SINK, SOURCE]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run bash scripts/install-peers.sh`);
    }
    const big = await bigMessage();
    const servers = [
      { key: 'server', label: '@smtp/server', ...(await startNodeServer('@smtp/server', OUR_SERVER)) },
      { key: 'smtp-sink', label: 'smtp-sink', ...(await startSink()) },
      {
        key: 'smtp-server',
        label: 'smtp-server (100 ms wait patched out)',
        ...(await startNodeServer('smtp-server', SMTP_SERVER)),
      },
    ];
    // Every server takes every kind of message before anything is timed.
    for (const server of servers)
      for (const scenario of SCENARIOS) await runSource(server.port, scenario, 40);

    const cpu = new Map();
    const contenders = [];
    for (const scenario of SCENARIOS) {
      for (const server of servers) {
        const key = `${server.key} ${scenario.key}`;
        contenders.push({
          key,
          label: `${server.label}: ${scenario.label}`,
          run: async () => {
            const before = groupCpuSeconds(server.child.pid);
            const count = await runSource(server.port, scenario);
            const entry = cpu.get(key) ?? { seconds: 0, messages: 0 };
            entry.seconds += groupCpuSeconds(server.child.pid) - before;
            entry.messages += count;
            cpu.set(key, entry);
            return count;
          },
        });
      }
    }
    const notes = [
      `smtp-source -s ${SESSIONS} (HELO, no pipelining) on loopback; each server in its own process group; the machine's 2 cores are shared with smtp-source.`,
      'smtp-server 3.21 runs with its hard-coded 100 ms wait before each greeting patched out (SMTPConnection.prototype.init without the timer).',
      `1 GB message through @smtp/server into a Maildir (streamed by a Node client in the bench process): peak RSS growth ${mb(big.growth)} MB over ${mb(big.baseline)} MB (target <= 64 MB), ${(BIG_MESSAGE_BYTES / 1024 / 1024 / big.seconds).toFixed(0)} MB/s incl. fsync.`,
    ];
    const cpuNote = notes.length;
    notes.push('server CPU µs per message: (measuring)');
    const update = () => {
      const parts = contenders.map((c) => {
        const entry = cpu.get(c.key);
        return entry === undefined
          ? `${c.key} -`
          : `${c.key} ${Math.round((entry.seconds / entry.messages) * 1e6)}`;
      });
      notes[cpuNote] = `server CPU µs per message (all runs, warm-up included): ${parts.join('; ')}`;
    };
    for (const contender of contenders) {
      const run = contender.run;
      contender.run = async () => {
        const count = await run();
        update();
        return count;
      };
    }
    console.log(`  1 GB message: peak RSS growth ${mb(big.growth)} MB, ${big.seconds.toFixed(1)} s`);
    return {
      title: `smtp-source -s ${SESSIONS} against @smtp/server, smtp-sink and smtp-server`,
      contenders,
      ratios: [
        {
          name: 'server-1k-reuse/smtp-server',
          numerator: 'server 1k-reuse',
          denominator: 'smtp-server 1k-reuse',
          target: 2,
        },
        {
          name: 'server-1k-reuse/smtp-sink',
          numerator: 'server 1k-reuse',
          denominator: 'smtp-sink 1k-reuse',
          target: 0.5,
        },
        {
          name: 'server-100k/smtp-sink',
          numerator: 'server 100k-reuse',
          denominator: 'smtp-sink 100k-reuse',
          target: 0.8,
        },
        {
          name: 'server-1k-conn/smtp-server',
          numerator: 'server 1k-conn',
          denominator: 'smtp-server 1k-conn',
        },
        { name: 'server-1k-conn/smtp-sink', numerator: 'server 1k-conn', denominator: 'smtp-sink 1k-conn' },
        {
          name: 'server-100k-conn/smtp-sink',
          numerator: 'server 100k-conn',
          denominator: 'smtp-sink 100k-conn',
        },
      ],
      notes,
      async dispose() {
        for (const server of servers) await stopGroup(server.child);
      },
    };
  },
};
