/**
 * Scaling: throughput and p99 reply latency of @smtp/server (memory store), smtp-sink and
 * smtp-server from 1 to 1,000 concurrent sessions, 1 KB messages, connections kept. The load
 * comes from lib/load-generator.mjs (a Node process that times every reply; smtp-source cannot),
 * one run per server and session count, the servers taking turns at each count so drift hits
 * them alike. Writes bench/results/scaling.svg (the chart the README shows).
 *
 * With every session keeping one command outstanding, latency grows with the sessions once the
 * server (or the load generator, which shares the 2 cores) is saturated: p99 then says how evenly
 * a server serves its sessions, and throughput whether it holds up with many of them.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVERS, unavailable } from '../lib/servers.mjs';
import { scalingChart } from '../lib/svg-chart.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const GENERATOR = join(here, '..', 'lib', 'load-generator.mjs');
const CHART = join(here, '..', 'results', 'scaling.svg');
const KINDS = ['server', 'smtp-sink', 'smtp-server'];
const LEVELS = [1, 10, 100, 300, 1000];
const SECONDS = 1;
const BYTES = 1024;

function generate(port, sessions) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [GENERATOR, String(port), String(sessions), String(SECONDS), String(BYTES)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let errors = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line !== undefined) resolve(JSON.parse(line));
      else reject(new Error(`load generator exited ${code}: ${errors.trim().slice(0, 300)}`));
    });
  });
}

const rate = (value) => Math.round(value).toLocaleString('en-US');
const ms = (value) => (value >= 10 ? value.toFixed(0) : value.toFixed(2));

export default {
  name: 'scaling',
  unit: 'msgs/s',
  async prepare({ peers, log }) {
    const skipped = [];
    const servers = [];
    for (const kind of KINDS) {
      const reason = unavailable(kind, peers);
      if (reason !== undefined) skipped.push({ label: SERVERS[kind].label, reason });
      else servers.push({ kind, label: SERVERS[kind].label, ...(await SERVERS[kind].start(peers)) });
    }
    const results = new Map(servers.map((server) => [server.kind, []]));
    try {
      for (const server of servers) await generate(server.port, 10); // warm-up
      for (const [i, sessions] of LEVELS.entries()) {
        const order = servers.map((_, j) => servers[(i + j) % servers.length]);
        for (const server of order) {
          const before = server.cpu();
          try {
            const figures = await generate(server.port, sessions);
            const cpu = (server.cpu() - before) / Math.max(1, figures.messages);
            results.get(server.kind).push({ ...figures, cpu });
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            log(`${server.label} at ${sessions} sessions: ${message}`);
            results.get(server.kind).push({ sessions, failed: message });
          }
        }
      }
    } finally {
      for (const server of servers) await server.stop();
    }
    const rows = LEVELS.map((sessions, i) => [
      String(sessions),
      ...servers.flatMap((server) => {
        const r = results.get(server.kind)[i];
        return r?.failed !== undefined || r === undefined
          ? ['failed', '', '']
          : [rate(r.rate), ms(r.p50), ms(r.p99)];
      }),
    ]);
    const series = servers.map((server) => ({
      name: server.label,
      points: results
        .get(server.kind)
        .filter((r) => r.failed === undefined)
        .map((r) => ({ sessions: r.sessions, rate: r.rate, p99: r.p99 })),
    }));
    const svg = scalingChart({
      title: 'SMTP server scaling: throughput and p99 reply latency against concurrent sessions',
      subtitle: `1 KB messages, connections kept, loopback, ${new Date().toISOString().slice(0, 10)} (bench/cells/scaling.mjs)`,
      series,
    });
    await writeFile(CHART, svg);
    const ours = (results.get('server') ?? []).filter((r) => r.failed === undefined);
    const figures = [];
    const most = ours[ours.length - 1];
    if (most !== undefined) {
      const best = Math.max(...ours.map((r) => r.rate));
      figures.push(
        {
          name: 'scaling-held',
          label: `@smtp/server throughput at ${most.sessions} sessions / its best at any count`,
          value: most.rate / best,
          unit: 'x',
        },
        {
          name: 'scaling-p99',
          label: `@smtp/server p99 reply latency at ${most.sessions} sessions`,
          value: most.p99,
          unit: 'ms',
        },
      );
    }
    return {
      title: `1 to ${LEVELS[LEVELS.length - 1]} concurrent sessions, 1 KB, connections kept (lib/load-generator.mjs)`,
      contenders: [],
      ratios: [],
      skipped,
      figures,
      tables: [
        {
          caption: `Throughput (msgs/s) and reply latency (p50 / p99, ms) over ${SECONDS} s per point`,
          header: ['sessions', ...servers.flatMap((s) => [`${s.label} msgs/s`, 'p50 ms', 'p99 ms'])],
          rows,
        },
        {
          caption: 'Server CPU µs per message at each session count (includes opening the sessions)',
          header: ['sessions', ...servers.map((s) => s.label)],
          rows: LEVELS.map((sessions, i) => [
            String(sessions),
            ...servers.map((server) => {
              const r = results.get(server.kind)[i];
              return r?.cpu === undefined ? '-' : String(Math.round(r.cpu * 1e6));
            }),
          ]),
        },
      ],
      artifacts: ['![scaling chart](scaling.svg)'],
      notes: [
        "The load generator is one Node process sharing the 2 cores with the server; each session sends MAIL, RCPT, DATA and the body one after the other (no pipelining), like smtp-source, and every reply's latency is timed from its command's write.",
        'Sessions are opened 100 at a time before timing starts; the chart is bench/results/scaling.svg.',
      ],
    };
  },
};
