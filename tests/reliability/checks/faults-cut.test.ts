/**
 * Connections cut at a random byte of a random session (fast-check), thousands of times, against
 * one server with a Maildir store. After each cut the Maildir holds exactly the messages that got
 * a 250 — byte-exact, each once — and nothing else, and tmp/ is empty.
 *
 * A half-close (FIN) lets the client read every reply the server still gives, so the client knows
 * each message's fate exactly. A reset (RST) right after a message's last octet leaves the client
 * without its reply: the server may have stored that message or not (the window every SMTP server
 * has between committing and acknowledging), but never partially; those are counted apart.
 */
import { MaildirStore } from '@smtp/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { maildirFile, readMaildir, scratchDirectory } from '../support/maildir.js';
import { type CutMode, planLength, playWithCut } from '../support/play.js';
import { eventually, type ObservedServer, startObservedServer } from '../support/server.js';
import { planSession, sessionShape } from '../support/sessions.js';
import { settings } from '../support/settings.js';

describe('connections cut at a random byte of a random session', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let server: ObservedServer;
  let maildir: string;

  beforeAll(async () => {
    scratch = await scratchDirectory('cut');
    maildir = `${scratch.dir}/Maildir`;
    server = await startObservedServer({ store: new MaildirStore(maildir) });
  });
  afterAll(async () => {
    await server.close();
    await scratch.remove();
  });

  it('the Maildir holds exactly the acknowledged messages, byte-exact, and tmp/ is empty', async (context) => {
    const seen = new Set<string>();
    const figures = {
      runs: 0,
      fin: 0,
      rst: 0,
      acknowledged: 0,
      refused: 0,
      unknownStored: 0,
      unknownDropped: 0,
      cutInsideMessage: 0,
      octets: 0,
    };
    let run = 0;
    const property = fc.asyncProperty(
      sessionShape,
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
      fc.constantFrom<CutMode>('fin', 'rst'),
      async (shape, where, atBoundary, mode) => {
        const tag = `run${run++}`;
        const plan = planSession(shape, tag);
        const total = planLength(plan);
        // Half the cuts fall exactly between steps: right after a message's last octet, say.
        const boundaries = [0];
        for (const step of plan.steps) boundaries.push((boundaries.at(-1) ?? 0) + step.bytes.length);
        const at = atBoundary
          ? (boundaries[Math.floor(where * boundaries.length)] ?? total)
          : Math.floor(where * (total + 1));
        const outcome = await playWithCut(server.port, plan, { at, mode });

        // The server is done with the connection (and its store with the cleanup) before we look.
        await eventually(
          () => server.server.counters.activeConnections === 0,
          10_000,
          'connection closed',
          1,
        );
        const box = await readMaildir(maildir, seen);
        expect(box.tmp).toEqual([]);
        const fresh = box.messages;
        for (const message of fresh) seen.add(message.name);

        const storedIds = fresh.map((message) => /^X-Id: (\S+)\r\n/.exec(message.body)?.[1]);
        expect(new Set(storedIds).size, 'each message stored once').toBe(storedIds.length);
        for (const [index, message] of fresh.entries()) {
          const planned = plan.messages.find((candidate) => candidate.id === storedIds[index]);
          expect(planned, `a stored file that is no message of this run: ${message.name}`).toBeDefined();
          if (planned === undefined) continue;
          expect(message.file).toBe(maildirFile(planned.from, planned.to, planned.body));
        }
        const stored = new Set(storedIds);
        const acked = outcome.acknowledged.map((n) => plan.messages[n]?.id);
        for (const id of acked) expect(stored.has(id), `acknowledged ${id} not stored`).toBe(true);
        const allowed = new Set([...acked, ...outcome.unknown.map((n) => plan.messages[n]?.id)]);
        for (const id of stored) expect(allowed.has(id), `${id} stored without a 250`).toBe(true);
        // A half-close leaves the client nothing unknown: every reply reaches it.
        if (mode === 'fin') expect(outcome.unknown).toEqual([]);

        figures.runs++;
        figures[mode]++;
        figures.acknowledged += acked.length;
        figures.refused += outcome.refused.length;
        figures.octets += outcome.written;
        for (const n of outcome.unknown) {
          if (stored.has(plan.messages[n]?.id)) figures.unknownStored++;
          else figures.unknownDropped++;
        }
        const settled = outcome.acknowledged.length + outcome.refused.length + outcome.unknown.length;
        if (settled < plan.messages.length && at < total) figures.cutInsideMessage++;
      },
    );
    await fc.assert(property, { numRuns: settings.cutRuns });
    expect(server.errors).toEqual([]);
    record(context, {
      cases: figures.runs,
      'cut by FIN / by RST': `${figures.fin} / ${figures.rst}`,
      'octets written': figures.octets,
      'messages acknowledged': figures.acknowledged,
      'messages refused (by the session: none expected)': figures.refused,
      'sessions cut before a message ended': figures.cutInsideMessage,
      'reset right after the last octet: stored / not stored': `${figures.unknownStored} / ${figures.unknownDropped}`,
      'faults injected': figures.runs,
      lost: 0,
      'partial stored': 0,
    });
    expect(figures.refused).toBe(0);
  });
});
