import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from './errors.js';
import { SmtpPool } from './pool.js';
import { freePort } from './test-support/peers.js';
import { acceptAll, type ScriptServer, scriptServer } from './test-support/script-server.js';

const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };
let server: ScriptServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that accepts everything and counts connections and messages. */
async function counting(): Promise<{
  port: number;
  connections: () => number;
  open: () => number;
  bodies: string[];
}> {
  let connections = 0;
  let open = 0;
  const bodies: string[] = [];
  server = await scriptServer(async (c) => {
    connections++;
    open++;
    c.closed.then(() => open--);
    await acceptAll(c, (body) => bodies.push(body));
  });
  return { port: server.port, connections: () => connections, open: () => open, bodies };
}

describe('SmtpPool', () => {
  it('sends every message over at most maxConnections connections', async () => {
    const peer = await counting();
    const pool = new SmtpPool({ host: '127.0.0.1', port: peer.port, tls: 'none', maxConnections: 3 });
    let most = 0;
    const sends = Array.from({ length: 30 }, (_, i) => {
      const sent = pool.send(ENVELOPE, `message ${i}\r\n`);
      most = Math.max(most, pool.size);
      return sent;
    });
    await Promise.all(sends);
    expect(most).toBeLessThanOrEqual(3);
    expect(peer.connections()).toBe(3);
    expect(peer.bodies.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `message ${i}\r\n`).sort());
    await pool.close();
  });

  it('replaces a connection after maxMessagesPerConnection messages', async () => {
    const peer = await counting();
    const pool = new SmtpPool({
      host: '127.0.0.1',
      port: peer.port,
      tls: 'none',
      maxConnections: 1,
      maxMessagesPerConnection: 2,
    });
    for (let i = 0; i < 5; i++) await pool.send(ENVELOPE, 'x\r\n');
    await pool.close();
    expect(peer.connections()).toBe(3);
  });

  it('closes connections idle for idleTimeout', async () => {
    const peer = await counting();
    const pool = new SmtpPool({ host: '127.0.0.1', port: peer.port, tls: 'none', idleTimeout: 50 });
    await pool.send(ENVELOPE, 'x\r\n');
    expect(pool.size).toBe(1);
    const deadline = Date.now() + 3000;
    while ((pool.size > 0 || peer.open() > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(pool.size).toBe(0);
    expect(peer.open()).toBe(0);
    await pool.send(ENVELOPE, 'y\r\n');
    expect(peer.connections()).toBe(2);
    await pool.close();
  });

  it('rejects the waiting message with the connection error when the server cannot be reached', async () => {
    const port = await freePort();
    const pool = new SmtpPool({ host: '127.0.0.1', port, tls: 'none' });
    await expect(pool.send(ENVELOPE, 'x\r\n')).rejects.toBeInstanceOf(ConnectionError);
    await pool.close();
  });

  it('lets running messages finish on close, then refuses new ones', async () => {
    const peer = await counting();
    const pool = new SmtpPool({ host: '127.0.0.1', port: peer.port, tls: 'none', maxConnections: 2 });
    const sends = [pool.send(ENVELOPE, '1\r\n'), pool.send(ENVELOPE, '2\r\n'), pool.send(ENVELOPE, '3\r\n')];
    const closed = pool.close();
    await expect(Promise.all(sends)).resolves.toHaveLength(3);
    await closed;
    await expect(pool.send(ENVELOPE, '4\r\n')).rejects.toThrow(/pool is closed/);
    expect(peer.bodies).toHaveLength(3);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new SmtpPool({ host: 'x', maxConnections: 0 })).toThrow(RangeError);
    expect(() => new SmtpPool({ host: 'x', maxMessagesPerConnection: 1.5 })).toThrow(RangeError);
  });
});
