/**
 * Soak: concurrent random sessions (EHLO/HELO, pipelining or not, DATA and BDAT, RSET, NOOP,
 * errors, up to four messages each, QUIT or not) against a server process with a Maildir, for a
 * fixed time. No session fails, the server reports no error, every acknowledged message is stored
 * byte-exact and nothing else is, and afterwards the process is back at its file-descriptor
 * baseline and its heap near its baseline.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { type ChildServer, startChildServer } from '../support/child-server.js';
import { maildirFile, readMaildir, scratchDirectory } from '../support/maildir.js';
import { playWithCut } from '../support/play.js';
import { deliverOnce, eventually } from '../support/server.js';
import { planSession, type SessionShape, sessionShape } from '../support/sessions.js';
import { settings } from '../support/settings.js';

/** How much the server's heap may stay above its baseline once the load is gone. */
const HEAP_SLACK = 24 * 1024 * 1024;

describe('soak', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let server: ChildServer;
  let maildir: string;

  beforeAll(async () => {
    scratch = await scratchDirectory('soak');
    maildir = `${scratch.dir}/Maildir`;
    server = await startChildServer(maildir, {
      maxConnections: settings.soakSessions * 2,
      maxConnectionsPerAddress: 0,
    });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await scratch.remove();
  });

  it(`${settings.soakSessions} concurrent random sessions for ${settings.soakSeconds} s: no error, nothing lost, fds and heap back to baseline`, async (context) => {
    // Warm up (code paths compiled, buffers allocated), then the baseline.
    for (let i = 0; i < 20; i++)
      expect(await deliverOnce(server.port, `Subject: warm-up ${i}\r\n\r\nx\r\n`)).toBe(250);
    await eventually(async () => (await server.stats()).activeConnections === 0, 5000, 'warm-up closed');
    const baseline = await server.stats();
    const warmUp = (await readMaildir(maildir)).messages.map((message) => message.name);

    /** Every acknowledged message's expected file, by id. */
    const expected = new Map<string, string>();
    const failures: string[] = [];
    let sessions = 0;
    let refused = 0;
    let octets = 0;
    let peakConnections = 0;
    const started = performance.now();
    const until = started + settings.soakSeconds * 1000;

    const worker = async (number: number) => {
      let shapes: SessionShape[] = [];
      for (let n = 0; performance.now() < until && n < 100_000; n++) {
        if (shapes.length === 0)
          shapes = fc.sample(sessionShape, { numRuns: 20, seed: number * 100_003 + n });
        const shape = shapes.pop() as SessionShape;
        const tag = `w${number}n${n}`;
        const plan = planSession(shape, tag);
        try {
          const outcome = await playWithCut(server.port, plan, undefined);
          sessions++;
          octets += outcome.written;
          refused += outcome.refused.length + outcome.unknown.length;
          for (const index of outcome.acknowledged) {
            const message = plan.messages[index];
            if (message !== undefined)
              expected.set(message.id, maildirFile(message.from, message.to, message.body));
          }
        } catch (error) {
          failures.push(`${tag}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
      }
    };
    const sampler = setInterval(() => {
      void server.stats().then(
        (stats) => {
          peakConnections = Math.max(peakConnections, stats.activeConnections);
        },
        () => {},
      );
    }, 2000);
    try {
      await Promise.all(Array.from({ length: settings.soakSessions }, (_, i) => worker(i)));
    } finally {
      clearInterval(sampler);
    }
    const elapsed = (performance.now() - started) / 1000;
    expect(failures.slice(0, 5)).toEqual([]);

    // Back to the baseline once every connection is gone.
    await eventually(
      async () => (await server.stats()).activeConnections === 0,
      10_000,
      'connections closed',
    );
    await eventually(
      async () => (await server.stats()).fds <= baseline.fds,
      10_000,
      'file descriptors back to baseline',
    );
    const after = await server.stats();
    expect(server.errors).toEqual([]);
    expect(after.errors).toBe(0);

    // The Maildir: exactly the acknowledged messages, byte-exact; tmp/ empty.
    const box = await readMaildir(maildir, new Set(warmUp));
    expect(box.tmp).toEqual([]);
    const stored = new Map<string, string>();
    for (const message of box.messages) {
      const id = /^X-Id: (\S+)\r\n/.exec(message.body)?.[1] ?? message.name;
      expect(stored.has(id), `${id} stored twice`).toBe(false);
      stored.set(id, message.file);
    }
    expect(stored.size).toBe(expected.size);
    let mismatched = 0;
    for (const [id, file] of expected) if (stored.get(id) !== file) mismatched++;
    expect(mismatched).toBe(0);

    record(context, {
      'concurrent sessions': settings.soakSessions,
      'duration, s': Number(elapsed.toFixed(1)),
      cases: sessions,
      'sessions per second': Math.round(sessions / elapsed),
      'messages acknowledged': expected.size,
      'octets written': octets,
      'peak connections seen': peakConnections,
      'refused or unanswered (none expected)': refused,
      'server errors': after.errors,
      'fds: baseline / after': `${baseline.fds} / ${after.fds}`,
      'heap after gc, MB: baseline / after': `${(baseline.heapUsed / 1e6).toFixed(1)} / ${(after.heapUsed / 1e6).toFixed(1)}`,
      'RSS, MB: baseline / after': `${(baseline.rss / 1e6).toFixed(0)} / ${(after.rss / 1e6).toFixed(0)}`,
      lost: expected.size - stored.size + mismatched,
      'partial stored': mismatched,
    });
    expect(refused).toBe(0);
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_SLACK);
  });
});
