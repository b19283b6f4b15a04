/**
 * `smtp serve --maildir` killed with SIGKILL while messages are being written. Several clients
 * send large messages at once; the kill comes the moment a file is in `tmp/`. A restart on the
 * same Maildir removes what the dead process left in `tmp/`; `new/` holds every message that got
 * a 250, byte-exact, and every file in it is a complete message (one committed just before the
 * kill, its 250 lost with the connection, is complete too), never a partial one.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { type CliServer, startCliServer } from '../support/cli-server.js';
import { maildirFile, readMaildir, scratchDirectory } from '../support/maildir.js';
import { seededRandom, sleep } from '../support/random.js';
import { RawClient } from '../support/raw-client.js';
import { deliverOnce } from '../support/server.js';
import { settings } from '../support/settings.js';

const SENDERS = 6;
const RECIPIENT = 'box@example.test';

/** The body of message `id`: its id, then text lines up to about `size` octets (no leading dots). */
function bodyOf(id: string, size: number): string {
  const line = `${id} ${'k'.repeat(70)}\r\n`;
  return `X-Id: ${id}\r\nSubject: kill -9\r\n\r\n${line.repeat(Math.max(1, Math.floor(size / line.length)))}`;
}

describe('kill -9 during Maildir writes, then a restart', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let maildir: string;
  let running: CliServer | undefined;

  beforeAll(async () => {
    scratch = await scratchDirectory('kill');
    maildir = `${scratch.dir}/Maildir`;
  });
  afterAll(async () => {
    await running?.stop('SIGKILL');
    await scratch.remove();
  });

  it('tmp/ is cleaned on restart; new/ holds every acknowledged message, complete, and nothing partial', async (context) => {
    const random = seededRandom(51_764);
    /** Every message sent (its file as it must be stored), and those that got a 250. */
    const planned = new Map<string, string>();
    const acknowledged = new Set<string>();
    let kills = 0;
    let leftInTmp = 0;
    let completeUnacknowledged = 0;

    for (let round = 0; round < settings.killRounds; round++) {
      const server = await startCliServer(['--maildir', maildir, '--hostname', 'mx.test']);
      running = server;
      // The restart (every round after the first) has cleaned up what the killed process left.
      expect(await readdir(`${maildir}/tmp`), `tmp/ after restart ${round}`).toEqual([]);

      let stopped = false;
      const senders = Array.from({ length: SENDERS }, async (_, sender) => {
        for (let n = 0; !stopped && n < 1000; n++) {
          const id = `r${round}s${sender}n${n}`;
          const from = `sender${sender}@example.test`;
          const body = bodyOf(id, 100_000 + Math.floor(random() * 1_900_000));
          let client: RawClient | undefined;
          try {
            client = await RawClient.greeted(server.port);
            client.write(`EHLO kill.test\r\nMAIL FROM:<${from}>\r\nRCPT TO:<${RECIPIENT}>\r\nDATA\r\n`);
            const codes = (await client.replies(4, 10_000)).map((reply) => reply.code);
            if (codes.join() !== '250,250,250,354') throw new Error(`refused: ${codes.join()}`);
            planned.set(id, maildirFile(from, [RECIPIENT], body));
            client.write(`${body}.\r\n`);
            const reply = await client.reply(30_000);
            if (reply.code === 250) acknowledged.add(id);
            await client.quit();
          } catch {
            // The server was killed under this client.
            return;
          } finally {
            client?.destroy();
          }
        }
      });

      // Let a few messages through, then kill the moment a message is being written.
      const deadline = performance.now() + 20_000;
      while (acknowledged.size < (round + 1) * 3 && performance.now() < deadline) await sleep(20);
      await sleep(random() * 200);
      while ((await readdir(`${maildir}/tmp`)).length === 0 && performance.now() < deadline) await sleep(1);
      const killed = await server.stop('SIGKILL');
      stopped = true;
      expect(killed.signal).toBe('SIGKILL');
      kills++;
      leftInTmp += (await readdir(`${maildir}/tmp`)).length;
      await Promise.all(senders);
    }

    // The last restart: then the Maildir is checked as a whole.
    const server = await startCliServer(['--maildir', maildir, '--hostname', 'mx.test']);
    running = server;
    const box = await readMaildir(maildir);
    expect(box.tmp).toEqual([]);
    expect(box.cur).toEqual([]);
    const stored = new Map(
      box.messages.map((message) => [/^X-Id: (\S+)\r\n/.exec(message.body)?.[1], message.file]),
    );
    expect(stored.size, 'each message stored once').toBe(box.messages.length);
    for (const id of acknowledged)
      expect(stored.get(id) === planned.get(id), `acknowledged ${id}`).toBe(true);
    for (const [id, file] of stored) {
      expect(id !== undefined && planned.has(id), `a file that is no message sent: ${id}`).toBe(true);
      // Complete and byte-exact, acknowledged or not.
      expect(file === planned.get(id ?? ''), `${id} stored partially`).toBe(true);
      if (id !== undefined && !acknowledged.has(id)) completeUnacknowledged++;
    }
    // Still healthy after all that.
    expect(await deliverOnce(server.port, 'Subject: after the kills\r\n\r\nok\r\n')).toBe(250);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    running = undefined;

    record(context, {
      cases: kills,
      'kill -9 during writes': kills,
      'concurrent senders': SENDERS,
      'messages started': planned.size,
      'messages acknowledged': acknowledged.size,
      'partial files left in tmp/ by the kills (all removed on restart)': leftInTmp,
      'committed just before a kill, 250 lost with the connection (complete)': completeUnacknowledged,
      'faults injected': kills,
      lost: 0,
      'partial stored': 0,
    });
    expect(leftInTmp).toBeGreaterThan(0);
  });
});
