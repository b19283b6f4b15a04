/**
 * The client cell: 5,000 messages of 1 KB to Postfix's smtp-sink, with 1 and with 10
 * connections, by @smtp/client (SmtpConnection / SmtpPool), nodemailer's pooled SMTP transport
 * (both in this process: no process start in their figures) and Postfix's smtp-source (a C load
 * generator, one process per run, ~1 ms to start). Every contender keeps its connections between
 * messages. Besides msgs/s, each contender's client CPU per message is measured (this process's
 * CPU for the Node clients, the children's CPU for smtp-source) and written to the notes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { SmtpConnection, SmtpPool } from '@smtp/client';

const require = createRequire(import.meta.url);
const nodemailer = require('nodemailer');

const MESSAGES = 5000;
const SINK = '/usr/sbin/smtp-sink';
const SOURCE = '/usr/sbin/smtp-source';
const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** A 1 KB message (1024 octets): a few headers and 80-column lines. */
function message() {
  let text = 'From: a@example.test\r\nTo: b@example.test\r\nSubject: bench\r\n\r\n';
  while (text.length < 1024 - 82) text += `${'x'.repeat(78)}\r\n`;
  text += `${'y'.repeat(1024 - text.length - 2)}\r\n`;
  return Buffer.from(text);
}

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

async function waitForPort(port, child) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited (${child.exitCode}) before listening`);
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
  throw new Error(`smtp-sink did not listen on ${port}`);
}

/** CPU seconds of this process's waited-for children so far (fields cutime + cstime of /proc/self/stat). */
function childrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** This process's CPU seconds so far. */
function ownCpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function runSource(port, sessions) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      SOURCE,
      [
        '-s',
        String(sessions),
        '-m',
        String(MESSAGES),
        '-l',
        '1024',
        '-d',
        '-f',
        ENVELOPE.from,
        '-t',
        ENVELOPE.to[0],
        `127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(MESSAGES);
      else reject(new Error(`smtp-source exited ${code}: ${errors.slice(0, 300)}`));
    });
  });
}

/** Wraps a contender's run so its CPU per message is recorded. */
function metered(key, cpu, stats, run) {
  return async () => {
    const before = cpu();
    const count = await run();
    const seconds = cpu() - before;
    const entry = stats.get(key) ?? { seconds: 0, messages: 0 };
    entry.seconds += seconds;
    entry.messages += count;
    stats.set(key, entry);
    return count;
  };
}

export default {
  name: 'client',
  unit: 'msgs/s',
  rounds: 3,
  secondsPerMeasure: 0.1,
  capSeconds: 150,
  async prepare() {
    for (const [file, pkg] of [
      [SINK, 'postfix'],
      [SOURCE, 'postfix'],
    ]) {
      try {
        readFileSync(file);
      } catch {
        throw new Error(`${file} is missing: install ${pkg} (bash scripts/install-peers.sh)`);
      }
    }
    const port = await freePort();
    const sink = spawn(SINK, ['-u', 'nobody', '-m', '1000', `127.0.0.1:${port}`, '1024'], {
      detached: true,
      stdio: 'ignore',
    });
    sink.unref();
    process.on('exit', () => {
      try {
        process.kill(-sink.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    await waitForPort(port, sink);

    const raw = message();
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port,
      tls: 'none',
      name: 'bench.test',
    });
    const pool = new SmtpPool({
      host: '127.0.0.1',
      port,
      tls: 'none',
      name: 'bench.test',
      maxConnections: 10,
      maxMessagesPerConnection: Number.POSITIVE_INFINITY,
      idleTimeout: 600_000,
    });
    const transport = (maxConnections) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        pool: true,
        maxConnections,
        maxMessages: Number.POSITIVE_INFINITY,
        ignoreTLS: true,
        name: 'bench.test',
      });
    const mailer1 = transport(1);
    const mailer10 = transport(10);

    // Every contender delivers before anything is timed.
    const check = await connection.send(ENVELOPE, raw);
    if (check.accepted.length !== 1) throw new Error('@smtp/client: message not accepted');
    if ((await pool.send(ENVELOPE, raw)).accepted.length !== 1)
      throw new Error('SmtpPool: message not accepted');
    for (const mailer of [mailer1, mailer10]) {
      const info = await mailer.sendMail({ envelope: ENVELOPE, raw });
      if (info.accepted.length !== 1) throw new Error('nodemailer: message not accepted');
    }
    await runSource(port, 1);

    const stats = new Map();
    const notes = [
      `smtp-sink (Postfix) on loopback; ${MESSAGES} messages of ${raw.length} octets per run; connections kept between messages.`,
      '@smtp/client: EHLO, PIPELINING (MAIL+RCPT+DATA in one write, the body and dot in a second; nothing pipelined after the dot), 2 round trips per message.',
      'smtp-source: HELO, no pipelining, -d (connection kept), one process per run.',
    ];
    const contenders = [
      {
        key: 'client-1',
        label: '@smtp/client SmtpConnection, 1 connection',
        run: metered('client-1', ownCpuSeconds, stats, async () => {
          for (let i = 0; i < MESSAGES; i++) await connection.send(ENVELOPE, raw);
          return MESSAGES;
        }),
      },
      {
        key: 'nodemailer-1',
        label: 'nodemailer 10 pool, 1 connection',
        run: metered('nodemailer-1', ownCpuSeconds, stats, async () => {
          const sends = [];
          for (let i = 0; i < MESSAGES; i++) sends.push(mailer1.sendMail({ envelope: ENVELOPE, raw }));
          await Promise.all(sends);
          return MESSAGES;
        }),
      },
      {
        key: 'source-1',
        label: 'smtp-source -s 1 -d (C)',
        run: metered('source-1', childrenCpuSeconds, stats, () => runSource(port, 1)),
      },
      {
        key: 'client-10',
        label: '@smtp/client SmtpPool, 10 connections',
        run: metered('client-10', ownCpuSeconds, stats, async () => {
          const sends = [];
          for (let i = 0; i < MESSAGES; i++) sends.push(pool.send(ENVELOPE, raw));
          await Promise.all(sends);
          return MESSAGES;
        }),
      },
      {
        key: 'nodemailer-10',
        label: 'nodemailer 10 pool, 10 connections',
        run: metered('nodemailer-10', ownCpuSeconds, stats, async () => {
          const sends = [];
          for (let i = 0; i < MESSAGES; i++) sends.push(mailer10.sendMail({ envelope: ENVELOPE, raw }));
          await Promise.all(sends);
          return MESSAGES;
        }),
      },
      {
        key: 'source-10',
        label: 'smtp-source -s 10 -d (C)',
        run: metered('source-10', childrenCpuSeconds, stats, () => runSource(port, 10)),
      },
    ];
    // The notes are filled in as the runs go, so the report shows the CPU of every run measured.
    const cpuNote = notes.length;
    notes.push('client CPU µs per message: (measuring)');
    const update = () => {
      const parts = contenders.map((c) => {
        const entry = stats.get(c.key);
        return entry === undefined
          ? `${c.key} -`
          : `${c.key} ${Math.round((entry.seconds / entry.messages) * 1e6)}`;
      });
      notes[cpuNote] = `client CPU µs per message (all runs, warm-up included): ${parts.join(', ')}`;
    };
    for (const contender of contenders) {
      const run = contender.run;
      contender.run = async () => {
        const count = await run();
        update();
        return count;
      };
    }
    return {
      title: `${MESSAGES} messages of 1 KB to smtp-sink, 1 and 10 connections`,
      contenders,
      ratios: [
        { name: 'client-1k/nodemailer', numerator: 'client-1', denominator: 'nodemailer-1', target: 3 },
        { name: 'client-1k/smtp-source', numerator: 'client-1', denominator: 'source-1', target: 0.7 },
        { name: 'client-1k-x10/nodemailer', numerator: 'client-10', denominator: 'nodemailer-10', target: 3 },
        { name: 'client-1k-x10/smtp-source', numerator: 'client-10', denominator: 'source-10', target: 0.7 },
      ],
      notes,
      async dispose() {
        await connection.quit();
        await pool.close();
        mailer1.close();
        mailer10.close();
        try {
          process.kill(-sink.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      },
    };
  },
};
