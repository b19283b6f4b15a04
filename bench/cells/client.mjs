/**
 * The client cell: 5,000 messages of 1 KB to Postfix's smtp-sink, with 1 and with 10
 * connections, by @smtp/client (SmtpConnection / SmtpPool), nodemailer's pooled SMTP transport
 * (both in this process: no process start in their figures), Postfix's smtp-source (a C load
 * generator, one process per run, ~1 ms to start) and Python's smtplib (Debian's python3, one
 * process per run, one thread per connection, ~40 ms to start). Every contender keeps its
 * connections between messages. Besides msgs/s, each contender's client CPU per message is
 * measured: this process's CPU for the Node clients, the children's CPU for the others.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { SmtpConnection, SmtpPool } from '@smtp/client';
import { PYTHON, SMTP_SOURCE } from '../lib/environment.mjs';
import { childrenCpuSeconds, ownCpuSeconds } from '../lib/processes.mjs';
import { SERVERS, unavailable } from '../lib/servers.mjs';

const require = createRequire(import.meta.url);
const nodemailer = require('nodemailer');

const MESSAGES = 5000;
const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };

/** A 1 KB message (1024 octets): a few headers and 80-column lines. */
function message() {
  let text = 'From: a@example.test\r\nTo: b@example.test\r\nSubject: bench\r\n\r\n';
  while (text.length < 1024 - 82) text += `${'x'.repeat(78)}\r\n`;
  text += `${'y'.repeat(1024 - text.length - 2)}\r\n`;
  return Buffer.from(text);
}

/** smtplib: argv port, messages, connections; the message comes on stdin. One thread per connection. */
const SMTPLIB = `
import smtplib, sys, threading
port, messages, connections = (int(a) for a in sys.argv[1:4])
raw = sys.stdin.buffer.read()
def deliver(count):
    with smtplib.SMTP('127.0.0.1', port, local_hostname='bench.test') as smtp:
        for _ in range(count):
            smtp.sendmail('a@example.test', ['b@example.test'], raw)
threads = [threading.Thread(target=deliver, args=(messages // connections + (1 if i < messages % connections else 0),)) for i in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
`;

/** Runs a child to completion; resolves with MESSAGES, rejects with its stderr. */
function runChild(command, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(MESSAGES);
      else reject(new Error(`${command} exited ${code}: ${errors.trim().slice(0, 300)}`));
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

function runSource(port, sessions) {
  const args = ['-s', String(sessions), '-m', String(MESSAGES), '-l', '1024', '-d'];
  args.push('-f', ENVELOPE.from, '-t', ENVELOPE.to[0], `127.0.0.1:${port}`);
  return runChild(SMTP_SOURCE, args);
}

function runSmtplib(port, connections, raw) {
  return runChild(PYTHON, ['-c', SMTPLIB, String(port), String(MESSAGES), String(connections)], raw);
}

export default {
  name: 'client',
  unit: 'msgs/s',
  // A single connection's rate swings with scheduling on a busy machine: five rounds for a median.
  rounds: 5,
  secondsPerMeasure: 0.1,
  capSeconds: 90,
  // prepare sends through every contender; each run is 5,000 messages, so no extra warm-up run.
  warmup: false,
  async prepare({ peers }) {
    const reason = unavailable('smtp-sink', peers);
    if (reason !== undefined) throw new Error(`the client cell needs smtp-sink: ${reason}`);
    const sink = await SERVERS['smtp-sink'].start(peers);
    const port = sink.port;
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
    const skipped = [];
    const python = !peers.python?.ok ? (peers.python?.reason ?? 'python3 missing') : undefined;
    if (python !== undefined) skipped.push({ label: "Python's smtplib", reason: python });

    const sendAll = (send) => async () => {
      const sends = [];
      for (let i = 0; i < MESSAGES; i++) sends.push(send());
      await Promise.all(sends);
      return MESSAGES;
    };
    const contenders = [
      {
        key: 'client-1',
        label: '@smtp/client SmtpConnection, 1 connection',
        cpu: ownCpuSeconds,
        run: async () => {
          for (let i = 0; i < MESSAGES; i++) await connection.send(ENVELOPE, raw);
          return MESSAGES;
        },
      },
      {
        key: 'nodemailer-1',
        label: 'nodemailer (pool), 1 connection',
        cpu: ownCpuSeconds,
        run: sendAll(() => mailer1.sendMail({ envelope: ENVELOPE, raw })),
      },
      {
        key: 'source-1',
        label: 'smtp-source -s 1 -d (C)',
        cpu: childrenCpuSeconds,
        run: () => runSource(port, 1),
      },
      ...(python === undefined
        ? [
            {
              key: 'smtplib-1',
              label: 'Python smtplib, 1 connection',
              cpu: childrenCpuSeconds,
              run: () => runSmtplib(port, 1, raw),
            },
          ]
        : []),
      {
        key: 'client-10',
        label: '@smtp/client SmtpPool, 10 connections',
        cpu: ownCpuSeconds,
        run: sendAll(() => pool.send(ENVELOPE, raw)),
      },
      {
        key: 'nodemailer-10',
        label: 'nodemailer (pool), 10 connections',
        cpu: ownCpuSeconds,
        run: sendAll(() => mailer10.sendMail({ envelope: ENVELOPE, raw })),
      },
      {
        key: 'source-10',
        label: 'smtp-source -s 10 -d (C)',
        cpu: childrenCpuSeconds,
        run: () => runSource(port, 10),
      },
      ...(python === undefined
        ? [
            {
              key: 'smtplib-10',
              label: 'Python smtplib, 10 connections (threads)',
              cpu: childrenCpuSeconds,
              run: () => runSmtplib(port, 10, raw),
            },
          ]
        : []),
    ];
    const ratios = [
      { name: 'client-1k/nodemailer', numerator: 'client-1', denominator: 'nodemailer-1', target: 3 },
      { name: 'client-1k/smtp-source', numerator: 'client-1', denominator: 'source-1', target: 0.7 },
      { name: 'client-1k-x10/nodemailer', numerator: 'client-10', denominator: 'nodemailer-10' },
      { name: 'client-1k-x10/smtp-source', numerator: 'client-10', denominator: 'source-10' },
      { name: 'client-1k/nodemailer-cpu', numerator: 'client-1', denominator: 'nodemailer-1', basis: 'cpu' },
      { name: 'client-1k/smtp-source-cpu', numerator: 'client-1', denominator: 'source-1', basis: 'cpu' },
    ];
    if (python === undefined) {
      ratios.push(
        { name: 'client-1k/smtplib', numerator: 'client-1', denominator: 'smtplib-1' },
        { name: 'client-1k-x10/smtplib', numerator: 'client-10', denominator: 'smtplib-10' },
      );
    }
    return {
      title: `${MESSAGES} messages of 1 KB to smtp-sink, 1 and 10 connections`,
      contenders,
      ratios,
      skipped,
      notes: [
        `smtp-sink (Postfix) on loopback; ${MESSAGES} messages of ${raw.length} octets per run; connections kept between messages.`,
        '@smtp/client: EHLO, PIPELINING (MAIL+RCPT+DATA in one write, the body and dot in a second; nothing pipelined after the dot), 2 round trips per message.',
        'nodemailer: pooled SMTP transport, all 5,000 sendMail calls queued at once. smtp-source: HELO, no pipelining, -d. smtplib: sendmail() per message (EHLO once, no pipelining), a new Python process per run.',
        'CPU µs per message: this process for the Node clients (the clients run here), the waited-for child for smtp-source and smtplib (process start included).',
      ],
      explain(result) {
        const lines = [];
        const by = (key) => result.contenders.find((c) => c.key === key);
        const micros = (seconds) => Math.round(seconds * 1e6);
        for (const r of result.ratios.filter(
          (ratio) => ratio.target !== undefined && ratio.median < ratio.target,
        )) {
          const ours = by(r.numerator);
          const peer = by(r.denominator);
          const cpu = result.ratios.find((ratio) => ratio.name === `${r.name}-cpu`);
          if (ours?.cpu === undefined || peer?.cpu === undefined) continue;
          lines.push(
            `${r.name} = ${r.median.toFixed(2)} (range ${r.min.toFixed(2)}-${r.max.toFixed(2)}; target ${r.target}): ${ours.label} ${Math.round(ours.median)} msgs/s at ${micros(ours.cpu)} µs CPU/msg, ${peer.label} ${Math.round(peer.median)} msgs/s at ${micros(peer.cpu)} µs CPU/msg${cpu === undefined ? '' : ` (on CPU per message: ${cpu.median.toFixed(2)})`}. With one connection a message is two round trips, each waiting for smtp-sink and for this process to be scheduled again: the rate follows scheduling latency on a busy machine more than CPU per message.`,
          );
        }
        return lines;
      },
      async dispose() {
        await connection.quit();
        await pool.close();
        mailer1.close();
        mailer10.close();
        await sink.stop();
      },
    };
  },
};
