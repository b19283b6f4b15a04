/**
 * A store that fails or stalls (fast-check picks the fault per message): exceptions and
 * rejections at open, write and end, SMTP refusals, and stalls past the server's `storeTimeout`
 * whose late answers must be ignored. Each message gets the reply the contract gives for its
 * fault; afterwards the Maildir holds exactly the acknowledged messages, byte-exact, `tmp/` is
 * empty, and every error the server reported is one that was injected.
 */
import { readFile } from 'node:fs/promises';
import { MaildirStore } from '@smtp/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { stuffAndTerminate } from '../support/data-model.js';
import { expectedReply, FAULTS, type Fault, FaultyStore, faultSender } from '../support/faulty-store.js';
import { maildirFile, readMaildir, scratchDirectory } from '../support/maildir.js';
import { RawClient } from '../support/raw-client.js';
import { deliverOnce, eventually, type ObservedServer, startObservedServer } from '../support/server.js';
import { settings } from '../support/settings.js';

/**
 * Long enough for a real Maildir commit (two fsyncs) on a busy disk, so only injected stalls time
 * out; sessions run three at a time so the stalls overlap.
 */
const STORE_TIMEOUT_MS = 600;
const STALL_MS = 900;
const PARALLEL_SESSIONS = 3;

interface PlannedMessage {
  readonly fault: Fault;
  readonly transfer: 'DATA' | 'BDAT';
  readonly content: string;
}

const line = fc.oneof(
  fc.constantFrom('', '.', '..', '.x', 'Subject: fault', '\xe9\xff'),
  fc.string({ unit: fc.constantFrom('a', ' ', '.', ':'), maxLength: 60 }),
  fc.nat({ max: 100_000 }).map((n) => 'B'.repeat(n)),
);
const message: fc.Arbitrary<PlannedMessage> = fc.record({
  // Half the messages go through untouched, so faults meet sessions that also succeed.
  fault: fc.oneof(fc.constant<Fault>('none'), fc.constantFrom(...FAULTS)),
  transfer: fc.constantFrom<'DATA' | 'BDAT'>('DATA', 'BDAT'),
  content: fc.array(line, { maxLength: 6 }).map((lines) => lines.map((text) => `${text}\r\n`).join('')),
});

describe('a store that fails or stalls', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let server: ObservedServer;
  let store: FaultyStore;
  let maildir: string;

  beforeAll(async () => {
    scratch = await scratchDirectory('store');
    maildir = `${scratch.dir}/Maildir`;
    store = new FaultyStore(new MaildirStore(maildir), STALL_MS);
    server = await startObservedServer({ store, storeTimeout: STORE_TIMEOUT_MS });
  });
  afterAll(async () => {
    await server.close();
    await scratch.remove();
  });

  it('each fault gets its reply (450/451/452), nothing acknowledged is lost, nothing else is kept, tmp/ is empty', async (context) => {
    /** Every body that got a 250, by id, with its envelope. */
    const acknowledged = new Map<string, string>();
    const byFault = new Map<Fault, number>();
    let sessions = 0;
    let messages = 0;
    const playSession = async (planned: readonly PlannedMessage[]) => {
      const session = sessions++;
      const client = await RawClient.greeted(server.port);
      try {
        expect((await client.command('EHLO faults.test')).code).toBe(250);
        for (const [index, { fault, transfer, content }] of planned.entries()) {
          const id = `s${session}m${index}`;
          const from = faultSender(fault, id);
          const body = `X-Id: ${id}\r\n${content}`;
          expect((await client.command(`MAIL FROM:<${from}>`)).code).toBe(250);
          expect((await client.command('RCPT TO:<box@example.test>')).code).toBe(250);
          if (transfer === 'DATA') {
            expect((await client.command('DATA')).code).toBe(354);
            client.write(stuffAndTerminate(body));
          } else {
            client.write(`BDAT ${body.length} LAST\r\n`);
            client.write(Buffer.from(body, 'latin1'));
          }
          const reply = await client.reply(10_000);
          const said = `${reply.code} ${reply.enhanced}`;
          expect(said, `${fault} via ${transfer}`).toBe(expectedReply(fault));
          if (reply.code === 250) acknowledged.set(id, maildirFile(from, ['box@example.test'], body));
          byFault.set(fault, (byFault.get(fault) ?? 0) + 1);
          messages++;
        }
        await client.quit();
      } finally {
        client.destroy();
      }
    };
    const property = fc.asyncProperty(
      fc.array(fc.array(message, { minLength: 1, maxLength: 4 }), {
        minLength: PARALLEL_SESSIONS,
        maxLength: PARALLEL_SESSIONS,
      }),
      async (group) => {
        await Promise.all(group.map(playSession));
        // What got a 250 is in new/ already (the 250 comes after the rename).
        const box = await readMaildir(maildir);
        const stored = new Set(box.messages.map((m) => /^X-Id: (\S+)\r\n/.exec(m.body)?.[1]));
        for (const id of acknowledged.keys())
          expect(stored.has(id), `acknowledged ${id} not stored`).toBe(true);
      },
    );
    await fc.assert(property, {
      numRuns: Math.ceil(settings.storeFaultMessages / (2.5 * PARALLEL_SESSIONS)),
    });

    // Late answers of stalled operations come in; then nothing may have changed the verdicts.
    await eventually(() => server.server.counters.activeConnections === 0, 10_000, 'connections closed');
    while (store.pending.size > 0) await Promise.allSettled([...store.pending]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const box = await readMaildir(maildir);
    // A leftover names its fault in its Return-Path line.
    const leftovers = await Promise.all(
      box.tmp.map(async (name) => (await readFile(`${maildir}/tmp/${name}`, 'latin1')).split('\r\n')[0]),
    );
    expect(leftovers).toEqual([]);
    expect(box.cur).toEqual([]);
    const files = new Map(box.messages.map((m) => [/^X-Id: (\S+)\r\n/.exec(m.body)?.[1] ?? m.name, m.file]));
    expect([...files.keys()].sort()).toEqual([...acknowledged.keys()].sort());
    for (const [id, file] of acknowledged) expect(files.get(id), id).toBe(file);

    // The server reported only what was injected: the store's own errors and its timeouts.
    const unexpected = server.errors.filter(
      (error) =>
        !['InjectedFault', 'StoreTimeoutError'].includes(error.name) &&
        !/InjectedFault|did not settle/.test(String(error.cause ?? error.message)),
    );
    expect(unexpected.map(String)).toEqual([]);
    // Still healthy.
    expect(await deliverOnce(server.port, 'Subject: after the faults\r\n\r\nok\r\n')).toBe(250);

    const injected = [...store.injected.values()].reduce((total, n) => total + n, 0);
    record(context, {
      cases: sessions,
      messages,
      'messages acknowledged': acknowledged.size,
      'faults injected': injected,
      'by fault': FAULTS.map((fault) => `${fault} ${byFault.get(fault) ?? 0}`).join(', '),
      'store timeout / stall, ms': `${STORE_TIMEOUT_MS} / ${STALL_MS}`,
      'sessions at a time': PARALLEL_SESSIONS,
      'errors reported (all injected)': server.errors.length,
      lost: 0,
      'partial stored': 0,
    });
    expect(injected).toBeGreaterThan(0);
  });
});
