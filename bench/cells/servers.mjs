/**
 * The server matrix: Postfix's smtp-source against every server (lib/servers.mjs): @smtp/server
 * with the memory store and with a Maildir (as `smtp serve` and `smtp serve --maildir`),
 * smtp-sink (C), smtp-server (Node), aiosmtpd (Python, plain and on uvloop) and Haraka (Node);
 * 1 KB and 100 KB messages; 1, 20 and 200 concurrent sessions; connections kept (-d) or one
 * connection per message. Every combination is one contender, measured side by side in short
 * rounds (the `server` cell measures the target combinations longer).
 *
 * The table gives msgs/s and the server's CPU µs per message for each; the ratios compare
 * @smtp/server (memory) with smtp-sink and with the fastest other full server of each row.
 */
import { scenario, serverContenders } from '../lib/server-matrix.mjs';

const KINDS = [
  'server',
  'server-maildir',
  'smtp-sink',
  'smtp-server',
  'aiosmtpd',
  'aiosmtpd-uvloop',
  'haraka',
];
/** Full SMTP servers that parse and keep (or hand on) what they are sent: smtp-sink is not one. */
const FULL_PEERS = ['smtp-server', 'aiosmtpd', 'aiosmtpd-uvloop', 'haraka'];

function scenarios() {
  const list = [];
  for (const [size, bytes, label] of [
    ['1k', 1024, '1 KB'],
    ['100k', 100 * 1024, '100 KB'],
  ]) {
    for (const sessions of [1, 20, 200]) {
      for (const reuse of [true, false]) {
        // The first, probing batch: small, so a slow server (a Maildir fsyncing one message at
        // a time) does not spend seconds on it; the matrix then sizes each contender's batch.
        const batch = Math.max(20, sessions);
        list.push(
          scenario(
            `${size}-s${sessions}-${reuse ? 'reuse' : 'conn'}`,
            `${label}, ${sessions} session${sessions === 1 ? '' : 's'}, ${reuse ? 'kept' : 'one connection per message'}`,
            sessions,
            bytes,
            reuse,
            batch,
          ),
        );
      }
    }
  }
  return list;
}

const figure = (rate, cpu) =>
  rate === undefined
    ? '-'
    : `${Math.round(rate).toLocaleString('en-US')}${cpu === undefined ? '' : ` (${Math.round(cpu * 1e6)} µs)`}`;

export default {
  name: 'servers',
  unit: 'msgs/s',
  rounds: 2,
  secondsPerMeasure: 0.2,
  capSeconds: 90,
  async prepare({ peers, log }) {
    const SCENARIOS = scenarios();
    const matrix = await serverContenders({
      kinds: KINDS,
      scenarios: SCENARIOS,
      peers,
      log,
      batchSeconds: 0.1,
    });
    const present = new Set(matrix.servers.map((server) => server.kind));
    const ratios = [];
    for (const scene of SCENARIOS) {
      const ours = `server ${scene.key}`;
      if (present.has('smtp-sink'))
        ratios.push({
          name: `servers-${scene.key}/smtp-sink`,
          numerator: ours,
          denominator: `smtp-sink ${scene.key}`,
        });
      for (const peer of FULL_PEERS) {
        if (present.has(peer))
          ratios.push({
            name: `servers-${scene.key}/${peer}`,
            numerator: ours,
            denominator: `${peer} ${scene.key}`,
          });
      }
    }
    return {
      title:
        'smtp-source against every server: 1 KB / 100 KB, 1 / 20 / 200 sessions, kept / one connection per message',
      contenders: matrix.contenders,
      skipped: matrix.skipped,
      ratios,
      notes: [
        "Each row is one smtp-source load (HELO, no pipelining); cells give msgs/s and, in brackets, the server process group's CPU µs per message. smtp-source shares the 2 cores with the server, so rates of cheap servers are capped by it; the CPU figure is what the server itself costs.",
        'servers-<row>/<peer> ratios compare @smtp/server (memory) with that peer on msgs/s in the same round.',
        '@smtp/server (Maildir) writes every message to tmp/, fsyncs it and renames it into new/ before its 250 (the bench empties new/ between measurements).',
        'Haraka: one process (nodes=0), a plugin that accepts every recipient and discards the message at queue; aiosmtpd: its Sink handler.',
      ],
      tablesOf(result) {
        // The matrix as a table: rows are loads, columns are servers.
        const by = new Map(result.contenders.map((c) => [c.key, c]));
        const header = ['load', ...matrix.servers.map((server) => server.label)];
        const rows = SCENARIOS.map((scene) => [
          scene.label,
          ...matrix.servers.map((server) => {
            const c = by.get(`${server.kind} ${scene.key}`);
            return figure(c?.median, c?.cpu);
          }),
        ]);
        return [{ caption: 'msgs/s (server CPU µs per message)', header, rows }];
      },
      async dispose() {
        await matrix.stop();
      },
    };
  },
};
