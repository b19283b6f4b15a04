/**
 * STARTTLS injection on both sides (CVE-2011-0411 and CVE-2011-1430 classes), broken TLS
 * handshakes, plaintext on a TLS port, and certificates that do not match. The server never runs
 * a command that came before its TLS started, stays healthy and reports no error; the client
 * never goes on after a server sent bytes behind its `220`, and never delivers over a connection
 * whose certificate it cannot trust.
 */
import { ProtocolError, SmtpConnection, TlsError } from '@smtp/client';
import { type CertificatePair, selfSignedCertificate } from '@smtp/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { startFakePeer } from '../support/fake-peer.js';
import { randomPieces, seededRandom, sleep } from '../support/random.js';
import { RawClient } from '../support/raw-client.js';
import { deliverOnce, eventually, type ObservedServer, startObservedServer } from '../support/server.js';

const SMUGGLER = 'smuggler@evil.test';
const VICTIM = 'victim@example.test';

/** What an attacker in the path appends behind `STARTTLS`, hoping it runs inside the TLS session. */
const INJECTIONS: readonly (readonly [string, string])[] = [
  ['a whole transaction', `MAIL FROM:<${SMUGGLER}>\r\nRCPT TO:<${VICTIM}>\r\nDATA\r\nsmuggled\r\n.\r\n`],
  ['EHLO and MAIL', `EHLO evil.test\r\nMAIL FROM:<${SMUGGLER}>\r\n`],
  ['RSET then MAIL', `RSET\r\nMAIL FROM:<${SMUGGLER}>\r\nRCPT TO:<${VICTIM}>\r\n`],
  ['half a command', `MAIL FROM:<${SMUGGLER}`],
];

let pair: CertificatePair;
beforeAll(async () => {
  // Valid for localhost, 127.0.0.1 and ::1 only.
  pair = await selfSignedCertificate();
});

describe('server', () => {
  let server: ObservedServer;
  let implicit: ObservedServer;
  beforeAll(async () => {
    server = await startObservedServer({ tls: { key: pair.key, cert: pair.cert } });
    implicit = await startObservedServer({ tls: { key: pair.key, cert: pair.cert, implicit: true } });
  });
  afterAll(async () => {
    await server.close();
    await implicit.close();
  });

  it('commands sent behind STARTTLS are discarded, never executed, however they are split', async (context) => {
    let cases = 0;
    let discarded = 0;
    let closedAsTlsGarbage = 0;
    for (const [index, [name, injection]] of INJECTIONS.entries()) {
      for (const split of ['one write', 'random pieces'] as const) {
        const where = `${name}, ${split}`;
        server.mails.length = 0;
        server.rcpts.length = 0;
        const client = await server.greeted();
        const ehlo = await client.command('EHLO client.test');
        expect(ehlo.lines).toContain('STARTTLS');
        const stream = `STARTTLS\r\n${injection}`;
        if (split === 'one write') client.write(stream);
        else
          await client.writeInPieces(stream, [
            10,
            ...randomPieces(stream.length - 10, 7, seededRandom(index + 1)),
          ]);
        const ready = await client.reply();
        expect(`${ready.code} ${ready.enhanced}`, where).toBe('220 2.0.0');
        // Nothing else in plaintext: the injected commands got no reply.
        await sleep(50);
        expect(client.unread, where).toBe('');
        // Octets that were there with the STARTTLS line are discarded; those that came after the
        // 220 are read as TLS, which they are not: the server closes. Either way nothing runs.
        const secured = client.isClosed
          ? undefined
          : await client.startTls({ ca: pair.cert, servername: 'localhost' }, 2000).then(
              () => true,
              () => undefined,
            );
        if (secured === undefined) {
          expect(split, `${where}: only octets that came after the 220 may break the handshake`).toBe(
            'random pieces',
          );
          await client.waitClosed(5000).catch(() => client.destroy());
          expect(server.mails, where).toEqual([]);
          closedAsTlsGarbage++;
          cases++;
          continue;
        }
        // Inside TLS the session starts afresh: the first reply is to this EHLO, STARTTLS is gone.
        const again = await client.command('EHLO client.test');
        expect(again.code, where).toBe(250);
        expect(again.lines).not.toContain('STARTTLS');
        expect(`${(await client.command('STARTTLS')).code}`).toBe('503');
        // A transaction inside TLS starts clean (no MAIL was left over from the injection).
        expect((await client.command('MAIL FROM:<alice@example.test>')).code, where).toBe(250);
        expect((await client.command('RCPT TO:<bob@example.test>')).code, where).toBe(250);
        await client.quit();
        expect(server.mails, where).toEqual(['alice@example.test']);
        expect(server.rcpts, where).toEqual(['bob@example.test']);
        discarded++;
        cases++;
      }
    }
    expect(server.errors).toEqual([]);
    record(context, {
      cases,
      'injection discarded, TLS went on': discarded,
      'injection read as TLS, connection closed': closedAsTlsGarbage,
      'injected commands executed': 0,
    });
  });

  it('broken handshakes, plaintext after the 220 and random octets: the connection closes, nothing runs, the server stays healthy', async (context) => {
    server.mails.length = 0;
    let cases = 0;
    // Plaintext commands where the TLS ClientHello should be.
    {
      const client = await server.greeted();
      await client.command('EHLO client.test');
      expect((await client.command('STARTTLS')).code).toBe(220);
      client.write(`EHLO client.test\r\nMAIL FROM:<${SMUGGLER}>\r\n`);
      const replies = await client.repliesUntilClosed(5000);
      expect(replies).toEqual([]);
      cases++;
    }
    // The client goes away in the middle of the handshake.
    {
      const client = await server.greeted();
      await client.command('EHLO client.test');
      expect((await client.command('STARTTLS')).code).toBe(220);
      client.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      client.destroy();
      cases++;
    }
    // A client that only speaks TLS 1.0: no common protocol.
    {
      const client = await server.greeted();
      await client.command('EHLO client.test');
      expect((await client.command('STARTTLS')).code).toBe(220);
      await expect(client.startTls({ maxVersion: 'TLSv1', minVersion: 'TLSv1' })).rejects.toThrow();
      client.destroy();
      cases++;
    }
    // Random octets after the 220 (fast-check).
    let randomRuns = 0;
    let closedByServer = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), async (octets) => {
        randomRuns++;
        const client = await server.greeted();
        await client.command('EHLO client.test');
        expect((await client.command('STARTTLS')).code).toBe(220);
        client.write(octets);
        // The server may wait for more of a record that looks like TLS; the client then leaves.
        await client.waitClosed(200).then(
          () => closedByServer++,
          () => client.destroy(),
        );
      }),
      { numRuns: 40 },
    );
    // Half a TLS record, then silence: the idle timeout (1 s on this server) closes the handshake.
    {
      const patient = await startObservedServer({
        idleTimeout: 1000,
        tls: { key: pair.key, cert: pair.cert },
      });
      try {
        const client = await patient.greeted();
        await client.command('EHLO client.test');
        expect((await client.command('STARTTLS')).code).toBe(220);
        client.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
        await client.waitClosed(5000);
        expect(patient.errors).toEqual([]);
      } finally {
        await patient.close();
      }
      cases++;
    }
    // Plaintext SMTP on the implicit-TLS port.
    {
      const client = await RawClient.connect(implicit.port);
      client.write(`EHLO client.test\r\nMAIL FROM:<${SMUGGLER}>\r\n`);
      await client.waitClosed(5000);
      expect(client.received).not.toMatch(/^2/);
      cases++;
    }
    await eventually(() => server.server.counters.activeConnections === 0, 5000, 'connections closed');
    expect(server.mails).toEqual([]);
    expect(implicit.mails).toEqual([]);
    expect(server.errors).toEqual([]);
    expect(implicit.errors).toEqual([]);
    expect(await deliverOnce(server.port, 'Subject: after broken TLS\r\n\r\nok\r\n')).toBe(250);
    record(context, {
      cases: cases + randomRuns,
      'random octet streams': randomRuns,
      'of them closed by the server at once': closedByServer,
      'commands executed': 0,
    });
  });
});

describe('client', () => {
  let server: ObservedServer;
  let implicit: ObservedServer;
  beforeAll(async () => {
    server = await startObservedServer({ tls: { key: pair.key, cert: pair.cert } });
    implicit = await startObservedServer({ tls: { key: pair.key, cert: pair.cert, implicit: true } });
  });
  afterAll(async () => {
    await server.close();
    await implicit.close();
  });

  /** Tries one delivery; resolves with what it threw (undefined when it delivered). */
  async function attempt(options: Partial<Parameters<typeof SmtpConnection.connect>[0]>, port: number) {
    try {
      const connection = await SmtpConnection.connect({
        host: '127.0.0.1',
        port,
        name: 'client.test',
        timeouts: { connect: 5000, greeting: 5000, command: 5000 },
        ...options,
      });
      try {
        await connection.send(
          { from: 'alice@example.test', to: ['bob@example.test'] },
          'Subject: t\r\n\r\nx\r\n',
        );
      } finally {
        await connection.quit().catch(() => {});
      }
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it('a certificate that does not match or is not trusted: TlsError, nothing sent, nothing delivered', async (context) => {
    const failures: [string, Partial<Parameters<typeof SmtpConnection.connect>[0]>, number][] = [
      ['STARTTLS, self-signed, not trusted', { tls: 'starttls' }, server.port],
      ['opportunistic STARTTLS, not trusted', { tls: 'opportunistic' }, server.port],
      [
        'STARTTLS, trusted, another name',
        { tls: 'starttls', servername: 'mail.other.test', tlsOptions: { ca: pair.cert } },
        server.port,
      ],
      [
        'implicit TLS, another name',
        { tls: 'implicit', servername: 'mail.other.test', tlsOptions: { ca: pair.cert } },
        implicit.port,
      ],
      ['implicit TLS, not trusted', { tls: 'implicit' }, implicit.port],
    ];
    const codes: string[] = [];
    for (const [name, options, port] of failures) {
      const error = await attempt(options, port);
      expect(error, name).toBeInstanceOf(TlsError);
      codes.push(`${name}: ${(error as TlsError).code}`);
    }
    expect(server.memory.messages).toEqual([]);
    expect(implicit.memory.messages).toEqual([]);
    expect(server.mails).toEqual([]);
    expect(implicit.mails).toEqual([]);
    // The control: the same servers, trusted and named right, do deliver.
    expect(
      await attempt({ tls: 'starttls', servername: 'localhost', tlsOptions: { ca: pair.cert } }, server.port),
    ).toBeUndefined();
    expect(
      await attempt(
        { tls: 'implicit', servername: 'localhost', tlsOptions: { ca: pair.cert } },
        implicit.port,
      ),
    ).toBeUndefined();
    expect(server.memory.messages).toHaveLength(1);
    expect(implicit.memory.messages).toHaveLength(1);
    record(context, {
      cases: failures.length + 2,
      'delivered without trust': 0,
      'errors seen': codes.join('; '),
    });
  });

  it('a server that sends bytes behind its 220 to STARTTLS: ProtocolError starttls-injection, nothing more is sent', async (context) => {
    const injected = [
      ['a whole reply', '250 2.0.0 injected\r\n'],
      ['several replies', '250-mx\r\n250 AUTH PLAIN\r\n235 2.7.0 ok\r\n'],
      ['half a reply', '250 2.0.0 inj'],
    ] as const;
    for (const [name, extra] of injected) {
      const peer = await startFakePeer((line) => {
        if (/^EHLO /i.test(line)) return '250-fake.test\r\n250 STARTTLS\r\n';
        if (/^STARTTLS$/i.test(line)) return `220 2.0.0 Ready to start TLS\r\n${extra}`;
        return '250 2.0.0 ok\r\n';
      });
      try {
        const error = await attempt({ tls: 'starttls', rejectUnauthorized: false }, peer.port);
        expect(error, name).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).violation, name).toBe('starttls-injection');
        await sleep(50);
        expect(peer.received.flat(), name).toEqual(['EHLO client.test', 'STARTTLS']);
      } finally {
        await peer.close();
      }
    }
    record(context, { cases: injected.length, 'commands sent after the injection': 0 });
  });
});
