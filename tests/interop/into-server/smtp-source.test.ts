import { afterAll, beforeAll, expect } from 'vitest';
import { cell } from '../support/matrix.js';
import { INTO_SERVER } from '../support/matrix-layout.js';
import { maildirEnvelope, type OurServer, startOurServer } from '../support/our-server.js';
import { APT_TOOLS, requireTool } from '../support/peers.js';
import { runCommand } from '../support/process.js';

// Postfix's load generator drives `smtp serve` (HELO, no pipelining). It writes its own message:
// From, To, Date and a unique Message-Id, a blank line, then `-l` octets of numbered X lines.
let server: OurServer;
beforeAll(async () => {
  server = await startOurServer();
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const HEAD = `${maildirEnvelope('a@example.test', 'b@example.test')}From: <a@example.test>\r\nTo: <b@example.test>\r\n`;
const SHAPE = /^Date: [^\r\n]+\r\nMessage-Id: <([^>\r\n]+)>\r\n\r\n((?:[0-9]*X*\r\n)+)$/;

async function smtpSource(args: readonly string[], expected: number): Promise<void> {
  server.take();
  const result = await runCommand(requireTool(APT_TOOLS.smtpSource), [
    ...args,
    '-f',
    'a@example.test',
    '-t',
    'b@example.test',
    `127.0.0.1:${server.port}`,
  ]);
  expect(result.code, result.output).toBe(0);
  expect(server.leftovers()).toEqual([]);
  const stored = server.take();
  expect(stored).toHaveLength(expected);
  const ids = new Set<string>();
  const bodies = new Set<string>();
  for (const message of stored) {
    expect(message.startsWith(HEAD), message.slice(0, 300)).toBe(true);
    const match = SHAPE.exec(message.slice(HEAD.length));
    expect(match, message.slice(0, 300)).not.toBeNull();
    ids.add(match?.[1] as string);
    bodies.add(match?.[2] as string);
  }
  // Every message arrived once, each with the same generated body.
  expect(ids.size).toBe(expected);
  expect(bodies.size).toBe(1);
}

cell(INTO_SERVER, 'smtp-source', 'plain text', async () => {
  await smtpSource(['-s', '1', '-m', '1', '-l', '2000'], 1);
});

cell(INTO_SERVER, 'smtp-source', 'many messages, one connection', async () => {
  // -d keeps the connection open for the next message.
  await smtpSource(['-s', '1', '-m', '100', '-l', '1024', '-d'], 100);
});

cell(INTO_SERVER, 'smtp-source', 'many sessions', async ({ note }) => {
  // 20 sessions at once that keep their connections, then 10 at once with a new connection per message.
  await smtpSource(['-s', '20', '-m', '400', '-l', '1024', '-d'], 400);
  await smtpSource(['-s', '10', '-m', '200', '-l', '1024'], 200);
  note(
    '400 messages over 20 concurrent kept connections, then 200 over 10 concurrent sessions with a new connection per message; ' +
      'with 20 concurrent sessions *and* a new connection per message, `smtp serve` answers the 21st ' +
      '`421 4.7.0 Too many connections from your address`: its default per-address limit (20, not settable from the CLI) ' +
      'still counts a connection that has sent `221` until its socket closes, while smtp-source already opens the next one ' +
      '(Postfix exempts `$mynetworks` from its own limit by default)',
  );
});
