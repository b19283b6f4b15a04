/**
 * Slow and idle clients against a server process: a thousand idle connections (some of them
 * silent in the middle of DATA) and a client delivering one byte per second, while normal
 * deliveries keep completing within a second. The idle timeout closes the silent ones with
 * `421 4.4.2` and stores nothing of their half messages; the trickling client is not idle and
 * gets its message through. Afterwards the process is back at its file-descriptor baseline.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { type ChildServer, startChildServer } from '../support/child-server.js';
import { readMaildir, scratchDirectory } from '../support/maildir.js';
import { sleep } from '../support/random.js';
import { RawClient } from '../support/raw-client.js';
import { deliverOnce, eventually } from '../support/server.js';
import { settings } from '../support/settings.js';

const IDLE_TIMEOUT_MS = 4000;
/** Of the idle connections, how many fall silent in the middle of DATA. */
const SILENT_IN_DATA = 20;
const SLOW_BODY = 'Subject: slow\r\n\r\none byte per second\r\n';
const SLOW_TAIL = 'hi\r\n.\r\n';

/** The soft limit on open files of this process. */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

interface IdleClient {
  readonly client: RawClient;
  /** When it sent its last octet. */
  readonly quietSince: number;
  /** When the server closed it. */
  readonly closedAt: Promise<number>;
}

describe('a server process under idle and slow clients', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let server: ChildServer;

  beforeAll(async () => {
    const needed = settings.idleConnections + 200;
    if (openFileLimit() < needed) {
      throw new Error(
        `this check holds ${needed} sockets; raise the open-file limit (ulimit -n ${needed * 2})`,
      );
    }
    scratch = await scratchDirectory('idle');
    server = await startChildServer(`${scratch.dir}/Maildir`, {
      idleTimeout: IDLE_TIMEOUT_MS,
      maxConnections: settings.idleConnections + 100,
      maxConnectionsPerAddress: 0,
    });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await scratch.remove();
  });

  it('keeps delivering within a second; 421 4.4.2 closes the idle ones; a byte-per-second client gets through', async (context) => {
    // Warm up, then the baseline the process must come back to.
    expect(await deliverOnce(server.port, 'Subject: warm-up\r\n\r\nx\r\n')).toBe(250);
    await eventually(
      async () => (await server.stats()).activeConnections === 0,
      5000,
      'warm-up connection closed',
    );
    const baseline = await server.stats();

    const idle: IdleClient[] = [];
    const openStarted = performance.now();
    for (let batch = 0; batch < settings.idleConnections; batch += 100) {
      const size = Math.min(100, settings.idleConnections - batch);
      const opened = await Promise.all(
        Array.from({ length: size }, async (_, i): Promise<IdleClient> => {
          // A client that never speaks is idle from the moment the server accepted it, which is
          // before its greeting arrives here (by up to a few hundred ms with a thousand opening).
          let quietSince = performance.now();
          const client = await RawClient.greeted(server.port);
          const inData = batch + i < SILENT_IN_DATA;
          if (inData) {
            client.write(
              'EHLO idle.test\r\nMAIL FROM:<idle@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n',
            );
            expect((await client.replies(4)).map((reply) => reply.code)).toEqual([250, 250, 250, 354]);
            client.write('Subject: never finished\r\n\r\nhalf a mess');
            quietSince = performance.now();
          }
          return { client, quietSince, closedAt: client.closed.then(() => performance.now()) };
        }),
      );
      idle.push(...opened);
    }
    const openMs = performance.now() - openStarted;
    const held = await server.stats();
    expect(held.activeConnections).toBe(settings.idleConnections);

    // One byte per second: never silent for the idle timeout, so never cut.
    const slowDone = (async () => {
      const slow = await RawClient.greeted(server.port);
      slow.write('EHLO slow.test\r\nMAIL FROM:<slow@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
      expect((await slow.replies(4)).map((reply) => reply.code)).toEqual([250, 250, 250, 354]);
      slow.write(SLOW_BODY);
      const started = performance.now();
      for (const octet of SLOW_TAIL) {
        await sleep(1000);
        slow.write(octet);
      }
      const reply = await slow.reply(5000);
      const silent = performance.now();
      const closing = await slow.reply(IDLE_TIMEOUT_MS + 5000);
      await slow.waitClosed();
      return { reply, closing, trickledMs: silent - started, closedAfterMs: performance.now() - silent };
    })();

    // Normal deliveries, one after another, until the idle ones are gone and the slow one is done.
    const latencies: number[] = [];
    let slowResult: Awaited<typeof slowDone> | undefined;
    void slowDone.then((result) => {
      slowResult = result;
    });
    const deadline = performance.now() + IDLE_TIMEOUT_MS * 4 + 10_000;
    let n = 0;
    while (
      (slowResult === undefined || idle.some(({ client }) => !client.isClosed)) &&
      performance.now() < deadline
    ) {
      const started = performance.now();
      expect(
        await deliverOnce(server.port, `Subject: normal ${n}\r\n\r\nbody ${n}\r\n`, {
          from: 'normal@example.test',
          to: 'b@example.test',
        }),
      ).toBe(250);
      latencies.push(performance.now() - started);
      n++;
      await sleep(100);
    }
    const slow = await slowDone;

    // Every idle connection got 421 4.4.2 and was closed, no sooner than the timeout allows.
    const quietFor: number[] = [];
    for (const { client, quietSince, closedAt } of idle) {
      const last = await client.repliesUntilClosed(1000);
      expect(last.map((reply) => `${reply.code} ${reply.enhanced}`)).toEqual(['421 4.4.2']);
      quietFor.push((await closedAt) - quietSince);
    }
    expect(Math.min(...quietFor)).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    expect(`${slow.reply.code} ${slow.reply.enhanced}`).toBe('250 2.0.0');
    expect(`${slow.closing.code} ${slow.closing.enhanced}`).toBe('421 4.4.2');
    expect(slow.trickledMs).toBeGreaterThan(IDLE_TIMEOUT_MS);
    expect(slow.closedAfterMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);

    // The Maildir: the warm-up, every normal delivery and the slow message; no half message anywhere.
    const box = await readMaildir(`${scratch.dir}/Maildir`);
    expect(box.tmp).toEqual([]);
    const senders = box.messages.map((message) => message.from);
    expect(senders.filter((from) => from === 'idle@example.test')).toEqual([]);
    expect(senders.filter((from) => from === 'normal@example.test')).toHaveLength(latencies.length);
    expect(box.messages.filter((message) => message.from === 'slow@example.test').map((m) => m.body)).toEqual(
      [SLOW_BODY + SLOW_TAIL.slice(0, -3)],
    );

    // Back to the baseline: every socket is closed again.
    await eventually(
      async () => (await server.stats()).fds === baseline.fds,
      5000,
      'file descriptors back to baseline',
    );
    const after = await server.stats();
    expect(after.activeConnections).toBe(0);
    expect(server.errors).toEqual([]);

    const slowest = Math.max(...latencies);
    record(context, {
      // Every connection of the check: the idle ones, the trickling one and each delivery.
      cases: settings.idleConnections + 1 + latencies.length,
      'idle connections held': settings.idleConnections,
      'of them silent mid-DATA': SILENT_IN_DATA,
      'time to open them, ms': Math.round(openMs),
      'deliveries meanwhile': latencies.length,
      'messages acknowledged': latencies.length + 2,
      'slowest delivery, ms': Math.round(slowest),
      'median delivery, ms': Math.round(
        [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)] ?? 0,
      ),
      'idle connections closed with 421 4.4.2': quietFor.length,
      'silence before the 421, ms (min-max)': `${Math.round(Math.min(...quietFor))}-${Math.round(Math.max(...quietFor))}`,
      'byte-per-second client: trickled for, ms': Math.round(slow.trickledMs),
      'server fds: baseline / holding / after': `${baseline.fds} / ${held.fds} / ${after.fds}`,
      lost: 0,
      'partial stored': 0,
    });
    expect(slowest).toBeLessThan(1000);
    expect(latencies.length).toBeGreaterThanOrEqual(10);
  });
});
