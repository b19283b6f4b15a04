/**
 * The server targets: Postfix's smtp-source (20 sessions, HELO, no pipelining, connections kept
 * with -d) sending 1 KB and 100 KB messages to @smtp/server (memory store, as `smtp serve`),
 * smtp-sink (C, discards), smtp-server (Node) and the Node floor (a net server with fixed replies
 * and no SMTP work: what Node itself costs per message), side by side in 6 rounds of ~0.8 s each.
 *
 * Besides msgs/s, each server's CPU µs per message (its process group, all threads) is given,
 * and the ratios are also computed on CPU per message: the load generator shares the machine's
 * cores with the server, so a rate ratio is capped by what smtp-source and the kernel leave over,
 * while CPU per message is what the server itself costs. Where a target is missed, `explain`
 * works out from this run's figures what bounds it.
 */
import { availableParallelism } from 'node:os';
import { scenario, serverContenders } from '../lib/server-matrix.mjs';

const SESSIONS = 20;
const SCENARIOS = [
  scenario('1k-reuse', '1 KB, connection kept', SESSIONS, 1024, true, 1000),
  scenario('100k-reuse', '100 KB, connection kept', SESSIONS, 100 * 1024, true, 100),
];

const micros = (seconds) => Math.round(seconds * 1e6);
const rate = (value) => Math.round(value).toLocaleString('en-US');

export default {
  name: 'server',
  unit: 'msgs/s',
  rounds: 6,
  secondsPerMeasure: 0.8,
  capSeconds: 90,
  async prepare({ peers, log }) {
    const matrix = await serverContenders({
      kinds: ['server', 'smtp-sink', 'smtp-server', 'node-floor'],
      scenarios: SCENARIOS,
      peers,
      log,
    });
    const cores = availableParallelism();
    const ratios = [
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
        name: 'server-100k/smtp-server',
        numerator: 'server 100k-reuse',
        denominator: 'smtp-server 100k-reuse',
      },
      {
        name: 'smtp-sink-1k-reuse/smtp-server',
        numerator: 'smtp-sink 1k-reuse',
        denominator: 'smtp-server 1k-reuse',
      },
      {
        name: 'server-1k-reuse/smtp-server-cpu',
        numerator: 'server 1k-reuse',
        denominator: 'smtp-server 1k-reuse',
        basis: 'cpu',
      },
      {
        name: 'server-1k-reuse/smtp-sink-cpu',
        numerator: 'server 1k-reuse',
        denominator: 'smtp-sink 1k-reuse',
        basis: 'cpu',
      },
      {
        name: 'server-100k/smtp-sink-cpu',
        numerator: 'server 100k-reuse',
        denominator: 'smtp-sink 100k-reuse',
        basis: 'cpu',
      },
      // The Node floor against the same peers: how far any Node server could get here.
      {
        name: 'node-floor-1k-reuse/smtp-server',
        numerator: 'node-floor 1k-reuse',
        denominator: 'smtp-server 1k-reuse',
      },
      {
        name: 'node-floor-1k-reuse/smtp-sink',
        numerator: 'node-floor 1k-reuse',
        denominator: 'smtp-sink 1k-reuse',
      },
      {
        name: 'node-floor-1k-reuse/smtp-sink-cpu',
        numerator: 'node-floor 1k-reuse',
        denominator: 'smtp-sink 1k-reuse',
        basis: 'cpu',
      },
      {
        name: 'server-1k-reuse/node-floor-cpu',
        numerator: 'server 1k-reuse',
        denominator: 'node-floor 1k-reuse',
        basis: 'cpu',
      },
    ];
    const sourceNote = () =>
      SCENARIOS.map((scene) => {
        const parts = matrix.servers.map((server) => {
          const value = matrix.sourceMicros(`${server.kind} ${scene.key}`);
          return `${server.label} ${value === undefined ? '-' : Math.round(value)}`;
        });
        return `${scene.label}: ${parts.join(', ')}`;
      }).join('; ');
    return {
      title: `smtp-source -s ${SESSIONS} -d against @smtp/server, smtp-sink and smtp-server`,
      contenders: matrix.contenders,
      skipped: matrix.skipped,
      ratios,
      notes: [
        `smtp-source -s ${SESSIONS} (HELO, no pipelining, -d) on loopback; each server is its own process group; the machine's ${cores} cores are shared with smtp-source.`,
        'smtp-server 3 runs with its hard-coded 100 ms wait before each greeting patched out.',
        'Node floor: a net server answering every command with a fixed reply and finding the end of the data, nothing else (no parsing, no session, no store): what any SMTP server on Node pays per message before doing SMTP work.',
        '@smtp/server: createServer with a MemoryStore of 1,000 messages (as `smtp serve` without --maildir), connection limits off, no per-message summary line.',
        'Ratios marked "CPU per unit" compare server CPU per message (denominator / numerator): above 1, @smtp/server spends less CPU per message than the peer.',
      ],
      explain(result) {
        const lines = [`smtp-source's own CPU µs per message, by server driven: ${sourceNote()}.`];
        const by = (key) => result.contenders.find((c) => c.key === key);
        const ratio = (name) => result.ratios.find((r) => r.name === name);
        const bound = (key) => {
          const c = by(key);
          const source = matrix.sourceMicros(key);
          if (c?.cpu === undefined || source === undefined) return undefined;
          const cpu = c.cpu * 1e6;
          return Math.min(1e6 / cpu, (cores * 1e6) / (cpu + source));
        };
        const describe = (key) => {
          const c = by(key);
          if (c?.median === undefined) return `${key}: no result`;
          const limit = bound(key);
          return `${c.label}: ${rate(c.median)} msgs/s at ${micros(c.cpu)} µs CPU/msg${limit === undefined ? '' : ` (the ${cores}-core bound with its smtp-source: ${rate(limit)} msgs/s)`}`;
        };
        const missed = result.ratios.filter((r) => r.target !== undefined && r.median < r.target);
        if (missed.length === 0) return lines;
        for (const r of missed) {
          const scene = r.numerator.split(' ')[1];
          lines.push(
            `${r.name} = ${r.median.toFixed(2)} (target ${r.target}). ${describe(r.numerator)}; ${describe(r.denominator)}${r.denominator.startsWith('smtp-sink') ? '' : `; ${describe(`smtp-sink ${scene}`)}`}.`,
          );
          const cpuRatio = ratio(`${r.name}-cpu`);
          if (cpuRatio !== undefined)
            lines.push(`  On CPU per message the same comparison is ${cpuRatio.median.toFixed(2)}.`);
          if (r.name === 'server-1k-reuse/smtp-server') {
            const sinkLead = ratio('smtp-sink-1k-reuse/smtp-server');
            if (sinkLead !== undefined) {
              lines.push(
                `  smtp-sink, which parses nothing and keeps nothing, reaches ${sinkLead.median.toFixed(2)}x smtp-server in this run: the rate a server can show here is capped by smtp-source and the kernel sharing the cores (the bound above), so 2x smtp-server ${sinkLead.median < r.target ? 'is more than even smtp-sink reaches' : 'needs a server nearly as cheap as smtp-sink'}.`,
              );
            }
          }
        }
        const floor = by('node-floor 1k-reuse');
        const ours = by('server 1k-reuse');
        const peer = by('smtp-server 1k-reuse');
        const sink = by('smtp-sink 1k-reuse');
        if (
          floor?.cpu !== undefined &&
          ours?.cpu !== undefined &&
          peer?.cpu !== undefined &&
          sink?.cpu !== undefined
        ) {
          const floorRate = ratio('node-floor-1k-reuse/smtp-server');
          lines.push(
            `The Node floor (net sockets, fixed replies, no SMTP work) costs ${micros(floor.cpu)} µs CPU per 1 KB message against smtp-sink's ${micros(sink.cpu)} µs: Node's net/libuv/stream path plus the kernel's loopback TCP alone is ${(floor.cpu / sink.cpu).toFixed(2)}x the C sink. @smtp/server spends ${micros(ours.cpu)} µs, i.e. ${micros(Math.max(0, ours.cpu - floor.cpu))} µs of SMTP work (parsing, session, store) above that floor; smtp-server spends ${micros(peer.cpu)} µs.`,
            `Twice smtp-server's rate would need at most ${micros(peer.cpu / 2)} µs per message on the same cores: ${peer.cpu / 2 <= floor.cpu ? `below the Node floor itself (${micros(floor.cpu)} µs)` : `${micros(peer.cpu / 2 - floor.cpu)} µs above the Node floor (${micros(floor.cpu)} µs) for all the SMTP work, which takes ${micros(Math.max(0, ours.cpu - floor.cpu))} µs here`}${floorRate === undefined ? '' : `; the floor itself reaches ${floorRate.median.toFixed(2)}x smtp-server's rate in this run`}. Half smtp-sink's rate is within reach only while smtp-source leaves the cores to the server.`,
          );
        }
        return lines;
      },
      async dispose() {
        await matrix.stop();
      },
    };
  },
};
