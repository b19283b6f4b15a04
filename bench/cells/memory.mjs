/**
 * Memory: one 1 GiB message (80-column lines, rounded up to whole lines) through each side, the
 * peak RSS growth of the process carrying it sampled every 20 ms from /proc:
 *   - server: a raw socket in this process streams it to @smtp/server (a child) storing into a
 *     Maildir (tmp, fsync, rename); the stored file's size is checked;
 *   - client: @smtp/client in a child process sends it from a Readable to smtp-sink.
 * Target (issue #9): at most 64 MB growth on both sides.
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS } from '../lib/environment.mjs';
import { rssBytes } from '../lib/processes.mjs';
import { SERVERS, unavailable } from '../lib/servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** 1 GiB rounded up to whole 80-octet lines (a partial last line would swallow the final dot). */
const OCTETS = Math.ceil((1024 * 1024 * 1024) / 80) * 80;
const TARGET_MB = 64;
const MB = 1024 * 1024;

/** Samples a process's RSS until stopped; `peak()` is the highest seen. */
function sampler(pid) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssBytes(pid));
      return peak;
    },
  };
}

/** Reads SMTP replies from a socket, one at a time (their codes). */
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

async function throughServer() {
  const server = await SERVERS['server-maildir'].start();
  try {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const reply = replyReader(socket);
    const expect = async (code) => {
      const got = await reply();
      if (got !== code)
        throw new Error(`1 GB message: expected ${code}, got ${got}; server: ${server.errors()}`);
    };
    await expect(220);
    socket.write('EHLO bench.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    for (const code of [250, 250, 250, 354]) await expect(code);
    const baseline = server.rss();
    const peak = sampler(server.pid);
    const line = Buffer.from(`${'x'.repeat(78)}\r\n`);
    const block = Buffer.concat(Array.from({ length: 819 }, () => line));
    const started = performance.now();
    let sent = 0;
    while (sent < OCTETS) {
      const piece = OCTETS - sent >= block.length ? block : block.subarray(0, OCTETS - sent);
      sent += piece.length;
      if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    socket.write('.\r\n');
    await expect(250);
    const seconds = (performance.now() - started) / 1000;
    const top = peak.stop();
    socket.end('QUIT\r\n');
    const [name] = await readdir(join(server.maildir, 'new'));
    const size = (await stat(join(server.maildir, 'new', name))).size;
    const header = 'Return-Path: <a@example.test>\r\nDelivered-To: b@example.test\r\n'.length;
    if (size < OCTETS || size > OCTETS + header + 16)
      throw new Error(`1 GB message stored as ${size} octets`);
    return { growth: top - baseline, baseline, seconds };
  } finally {
    await server.stop();
  }
}

async function throughClient(peers) {
  const sink = await SERVERS['smtp-sink'].start(peers);
  const child = spawn(
    process.execPath,
    [join(here, '..', 'lib', 'big-client.mjs'), String(sink.port), String(OCTETS)],
    {
      cwd: PATHS.BENCH_DIR,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  try {
    let out = '';
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('ready\n')) resolve();
      });
      exited.then((code) => reject(new Error(`client exited ${code}: ${errors.trim().slice(0, 300)}`)));
    });
    const baseline = rssBytes(child.pid);
    const peak = sampler(child.pid);
    child.stdin.write('go\n');
    const code = await exited;
    const top = peak.stop();
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || line === undefined)
      throw new Error(`client exited ${code}: ${errors.trim().slice(0, 300)}`);
    const result = JSON.parse(line);
    if (result.accepted !== 1) throw new Error('the 1 GB message was not accepted');
    return { growth: top - baseline, baseline, seconds: result.seconds };
  } finally {
    child.kill('SIGKILL');
    await sink.stop();
  }
}

export default {
  name: 'memory',
  unit: 'MB',
  async prepare({ peers, log }) {
    const figures = [];
    const notes = [];
    const skipped = [];
    const server = await throughServer();
    log(
      `server: 1 GiB to Maildir, peak RSS growth ${(server.growth / MB).toFixed(1)} MB, ${server.seconds.toFixed(1)} s`,
    );
    figures.push(
      {
        name: 'memory-1g-server-rss-growth',
        label: '@smtp/server, 1 GiB message to Maildir: peak RSS growth',
        value: server.growth / MB,
        unit: 'MB',
        target: { max: TARGET_MB },
      },
      {
        name: 'memory-1g-server-rate',
        label: '@smtp/server, 1 GiB message to Maildir: throughput (fsync included)',
        value: OCTETS / MB / server.seconds,
        unit: 'MB/s',
      },
    );
    notes.push(
      `server baseline RSS ${(server.baseline / MB).toFixed(1)} MB (after the envelope, before the body).`,
    );
    const reason = unavailable('smtp-sink', peers);
    if (reason !== undefined) skipped.push({ label: 'client 1 GiB to smtp-sink', reason });
    else {
      const client = await throughClient(peers);
      log(
        `client: 1 GiB from a stream, peak RSS growth ${(client.growth / MB).toFixed(1)} MB, ${client.seconds.toFixed(1)} s`,
      );
      figures.push(
        {
          name: 'memory-1g-client-rss-growth',
          label: '@smtp/client, 1 GiB message from a stream to smtp-sink: peak RSS growth',
          value: client.growth / MB,
          unit: 'MB',
          target: { max: TARGET_MB },
        },
        {
          name: 'memory-1g-client-rate',
          label: '@smtp/client, 1 GiB message from a stream: throughput',
          value: OCTETS / MB / client.seconds,
          unit: 'MB/s',
        },
      );
      notes.push(`client baseline RSS ${(client.baseline / MB).toFixed(1)} MB (connected, before sending).`);
    }
    notes.push(
      'RSS is sampled every 20 ms from /proc/<pid>/status (VmRSS) of the process carrying the message; growth is the peak minus the baseline.',
    );
    return {
      title: `one ${OCTETS.toLocaleString('en-US')}-octet message through the server and through the client`,
      contenders: [],
      ratios: [],
      figures,
      notes,
      skipped,
    };
  },
};
