/**
 * The cells of the "from our client" table, written once for every server peer: each peer
 * file gives how to start the server and read what it delivered ({@link ServerPeer}), which
 * extensions it lacks, and how to confirm a DSN request reached it; this module declares the
 * tests. What a server stored is compared byte for byte with what the client was given.
 */
import {
  CapabilityError,
  MessageTooLargeError,
  RecipientsRefusedError,
  type SendResult,
  SmtpPool,
} from '@smtp/client';
import { afterAll, beforeAll, expect } from 'vitest';
import { makeCertificate, type TestCertificate } from './certificate.js';
import { type CellContext, cell } from './matrix.js';
import { FROM_CLIENT, type PeerOf } from './matrix-layout.js';
import { asciiMessage, eightBitMessage, octets } from './messages.js';
import { connectTraced, sentGroup, smtpSend, type TracedConnection } from './our-client.js';

/** One message as a server delivered it, in a common form. */
export interface Delivered {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as CRLF text (latin1: one char per octet), after the server's own trace headers. */
  readonly message: string;
  /** Whether it came over TLS, where the server records it. */
  readonly tls?: boolean;
  /** The authenticated user (null: none), where the server records it. */
  readonly user?: string | null;
  /** The MAIL parameters as received (`BODY=8BITMIME`, `SIZE=123`…), where the server records them. */
  readonly mailParams?: readonly string[];
  /** The DSN request as the server understood it, where it records one. */
  readonly dsn?: { readonly ret?: string; readonly envid?: string; readonly notify?: readonly string[] };
}

/** A server peer started for the table. */
export interface ServerPeer {
  readonly port: number;
  /**
   * Waits for `count` delivered messages whose text contains `marker` (a test's own subject)
   * that no earlier call returned, and returns them, oldest first (fewer after 10 s).
   */
  take(count: number, marker: string): Promise<Delivered[]>;
  stop(): Promise<void>;
}

/** What every server gets: a certificate for STARTTLS, one user, a SIZE limit. */
export interface ServerSettings {
  readonly certificate: TestCertificate;
  readonly user: string;
  readonly pass: string;
  readonly size: number;
}

/** Extensions a peer may lack (checked on its EHLO reply by the cells). */
export type Lack = 'PIPELINING' | 'AUTH CRAM-MD5' | 'SMTPUTF8' | 'DSN' | 'CHUNKING (BDAT)';

/** How one server peer takes part in the table. */
export interface ServerProfile {
  readonly peer: PeerOf<typeof FROM_CLIENT>;
  start(settings: ServerSettings): Promise<ServerPeer>;
  readonly lacks: ReadonlySet<Lack>;
  /**
   * Confirms the DSN request reached the server, after a message sent with RET=HDRS,
   * ENVID=`envid` and NOTIFY=SUCCESS,FAILURE for b@example.test; returns a note for the matrix.
   */
  checkDsn?(server: ServerPeer, envid: string, delivered: Delivered): Promise<string | undefined>;
  /** Notes for a cell, shown under the table. */
  readonly notes?: Partial<Record<string, string>>;
}

const SETTINGS = { user: 'bob', pass: 's3cret', size: 200_000 } as const;

/** A message's Subject line: unique per test, so a test takes only its own deliveries. */
function subjectLine(message: string): string {
  const line = /^Subject: [^\r\n]*/m.exec(message)?.[0];
  if (line === undefined) throw new Error('a test message without a Subject line');
  return line;
}
const ENVELOPE = { from: 'a@example.test', to: ['b@example.test'] };

/** Declares the table's cells for one server peer (with its own start and stop around them). */
export function fromClientCells(profile: ServerProfile): void {
  let server: ServerPeer;
  let certificate: TestCertificate;
  beforeAll(async () => {
    certificate = makeCertificate(['localhost', '127.0.0.1']);
    server = await profile.start({ certificate, ...SETTINGS });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    certificate?.remove();
  });

  const peer = profile.peer;
  const lacks = (what: Lack) => profile.lacks.has(what);
  const withNotes = (feature: string, body: (context: CellContext) => Promise<void>) =>
    cell(FROM_CLIENT, peer, feature as never, async (context) => {
      await body(context);
      const note = profile.notes?.[feature];
      if (note !== undefined) context.note(note);
    });
  async function sendAndQuit(
    traced: TracedConnection,
    message: string,
    envelope = ENVELOPE,
  ): Promise<SendResult> {
    const result = await traced.connection.send(envelope, octets(message));
    await traced.connection.quit();
    return result;
  }

  withNotes('plain text', async () => {
    const message = asciiMessage(`plain to ${peer}`);
    const traced = await connectTraced(server.port);
    expect(traced.connection.secure).toBe(false);
    const result = await sendAndQuit(traced, message);
    expect(result.accepted).toEqual(['b@example.test']);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ from: 'a@example.test', to: ['b@example.test'], message });
    if (delivered?.tls !== undefined) expect(delivered.tls).toBe(false);
  });

  withNotes('PIPELINING', async ({ unsupported }) => {
    const message = asciiMessage(`pipelined to ${peer}`);
    const envelope = { from: 'a@example.test', to: ['b@example.test', 'c@example.test'] };
    const traced = await connectTraced(server.port);
    await sendAndQuit(traced, message, envelope);
    const group = sentGroup(traced.trace, 'MAIL FROM:');
    if (lacks('PIPELINING')) {
      expect(traced.connection.capabilities.pipelining).toBe(false);
      expect(group).toHaveLength(1);
      unsupported('no PIPELINING in its EHLO reply; the client waits for each reply before the next command');
    } else {
      expect(traced.connection.capabilities.pipelining).toBe(true);
      // MAIL, both RCPTs and DATA in one write; with CHUNKING the first BDAT chunk goes along too.
      expect(group.slice(1, 3)).toEqual(['RCPT TO:<b@example.test>', 'RCPT TO:<c@example.test>']);
      expect(group[3]).toMatch(/^(DATA|BDAT \d+ LAST)$/);
    }
    // Nothing is pipelined behind the end of DATA: the reply to `.` is read first (RFC 2920 allows
    // more, but Haraka refuses it).
    const end = traced.trace.indexOf('C: .');
    if (end !== -1) expect(traced.trace[end + 1]).toMatch(/^S: /);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ from: 'a@example.test', to: envelope.to, message });
  });

  withNotes('STARTTLS', async () => {
    const message = asciiMessage(`starttls to ${peer}`);
    const traced = await connectTraced(server.port, { certificate });
    expect(traced.connection.secure).toBe(true);
    expect(traced.connection.capabilities.startTls).toBe(false);
    await sendAndQuit(traced, message);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ message });
    if (delivered?.tls !== undefined) expect(delivered.tls).toBe(true);
  });

  for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const) {
    withNotes(`AUTH ${mechanism}`, async ({ unsupported }) => {
      const auth = { user: SETTINGS.user, pass: SETTINGS.pass, method: mechanism };
      if (mechanism === 'CRAM-MD5' && lacks('AUTH CRAM-MD5')) {
        const probe = await connectTraced(server.port, { certificate });
        const offered = probe.connection.capabilities.auth;
        await probe.connection.quit();
        expect(offered).not.toContain('CRAM-MD5');
        const error = await connectTraced(server.port, { certificate, auth }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CapabilityError);
        expect(error).toMatchObject({ requirement: 'AUTH' });
        unsupported(
          `its EHLO after STARTTLS offers \`AUTH ${offered.join(' ')}\`; asking for CRAM-MD5 fails with CapabilityError AUTH, nothing sent`,
        );
        return;
      }
      const message = asciiMessage(`auth ${mechanism} to ${peer}`);
      const traced = await connectTraced(server.port, { certificate, auth });
      expect(traced.connection.authenticated).toBe(true);
      expect(traced.trace.some((line) => line.startsWith(`C: AUTH ${mechanism}`))).toBe(true);
      await sendAndQuit(traced, message);
      const [delivered] = await server.take(1, subjectLine(message));
      expect(delivered).toMatchObject({ message });
      if (delivered?.user !== undefined) expect(delivered.user).toBe(SETTINGS.user);
    });
  }

  withNotes('8BITMIME', async () => {
    const message = eightBitMessage(`8bit to ${peer}`);
    const traced = await connectTraced(server.port);
    expect(traced.connection.capabilities.eightBitMime).toBe(true);
    await sendAndQuit(traced, message);
    expect(sentGroup(traced.trace, 'MAIL FROM:')[0]).toMatch(/ BODY=8BITMIME\b/);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ message });
    if (delivered?.mailParams !== undefined) expect(delivered.mailParams).toContain('BODY=8BITMIME');
  });

  withNotes('SMTPUTF8', async ({ unsupported }) => {
    const envelope = { from: 'andr\u00e9@example.test', to: ['zo\u00eb@example.test'] };
    const message = eightBitMessage(`utf8 to ${peer}`);
    const traced = await connectTraced(server.port);
    if (lacks('SMTPUTF8')) {
      expect(traced.connection.capabilities.smtputf8).toBe(false);
      const error = await traced.connection.send(envelope, octets(message)).catch((e: unknown) => e);
      await traced.connection.quit();
      expect(error).toBeInstanceOf(CapabilityError);
      expect(error).toMatchObject({ requirement: 'SMTPUTF8' });
      unsupported(
        'no SMTPUTF8 in its EHLO reply; a non-ASCII address fails with CapabilityError SMTPUTF8 before MAIL',
      );
      return;
    }
    await sendAndQuit(traced, message, envelope);
    expect(sentGroup(traced.trace, 'MAIL FROM:')[0]).toMatch(/ SMTPUTF8\b/);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ from: envelope.from, to: envelope.to, message });
  });

  withNotes('SIZE', async () => {
    const traced = await connectTraced(server.port);
    expect(traced.connection.capabilities.size).toBe(SETTINGS.size);
    const big = `Subject: too big\r\n\r\n${`${'x'.repeat(998)}\r\n`.repeat(SETTINGS.size / 1000 + 1)}`;
    const error = await traced.connection.send(ENVELOPE, octets(big)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ limit: SETTINGS.size });
    const message = asciiMessage(`size to ${peer}`);
    await sendAndQuit(traced, message);
    expect(sentGroup(traced.trace, 'MAIL FROM:')[0]).toContain(` SIZE=${message.length}`);
    const delivered = await server.take(1, subjectLine(message));
    expect(delivered.map((d) => d.message)).toEqual([message]);
    const params = delivered[0]?.mailParams;
    if (params !== undefined) expect(params).toContain(`SIZE=${message.length}`);
  });

  withNotes('DSN', async ({ unsupported, note }) => {
    const envid = `dsn-to-${peer.replace(/\W+/g, '-')}`;
    const envelope = {
      from: 'a@example.test',
      to: [{ address: 'b@example.test', notify: ['SUCCESS', 'FAILURE'] as const }],
    };
    const message = asciiMessage(`dsn to ${peer}`);
    const traced = await connectTraced(server.port);
    if (lacks('DSN')) {
      expect(traced.connection.capabilities.dsn).toBe(false);
      const error = await traced.connection
        .send(envelope, octets(message), { dsn: { ret: 'HDRS', envid } })
        .catch((e: unknown) => e);
      await traced.connection.quit();
      expect(error).toBeInstanceOf(CapabilityError);
      expect(error).toMatchObject({ requirement: 'DSN' });
      unsupported(
        'no DSN in its EHLO reply; a message asking for DSNs fails with CapabilityError DSN before MAIL',
      );
      return;
    }
    expect(traced.connection.capabilities.dsn).toBe(true);
    await traced.connection.send(envelope, octets(message), { dsn: { ret: 'HDRS', envid } });
    await traced.connection.quit();
    const group = sentGroup(traced.trace, 'MAIL FROM:');
    expect(group[0]).toMatch(new RegExp(` RET=HDRS ENVID=${envid}$|ENVID=${envid} RET=HDRS`));
    expect(group.find((line) => line.startsWith('RCPT'))).toMatch(/ NOTIFY=SUCCESS,FAILURE\b/);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ message });
    const seen = await profile.checkDsn?.(server, envid, delivered as Delivered);
    if (seen !== undefined) note(seen);
  });

  withNotes('CHUNKING (BDAT)', async ({ unsupported }) => {
    const message = asciiMessage(`bdat to ${peer}`);
    const traced = await connectTraced(server.port);
    const result = await sendAndQuit(traced, message);
    if (lacks('CHUNKING (BDAT)')) {
      expect(traced.connection.capabilities.chunking).toBe(false);
      expect(result.transfer).toBe('DATA');
      unsupported('no CHUNKING in its EHLO reply; the client sends with DATA');
    } else {
      expect(traced.connection.capabilities.chunking).toBe(true);
      expect(result.transfer).toBe('BDAT');
      expect(traced.trace.some((line) => /^C: BDAT \d+ LAST$/.test(line))).toBe(true);
    }
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ message });
  });

  withNotes('refused recipient', async ({ note }) => {
    const message = asciiMessage(`refused recipient at ${peer}`);
    const traced = await connectTraced(server.port);
    const result = await sendAndQuit(traced, message, {
      from: 'a@example.test',
      to: ['nobody@example.test', 'b@example.test'],
    });
    expect(result.accepted).toEqual(['b@example.test']);
    const refusal = result.rejected[0];
    expect(refusal?.address).toBe('nobody@example.test');
    expect(refusal?.error.code).toBe(550);
    const all = await connectTraced(server.port);
    const error = await all.connection
      .send({ from: 'a@example.test', to: ['nobody@example.test'] }, octets(message))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientsRefusedError);
    expect(all.connection.usable).toBe(true);
    await all.connection.quit();
    const delivered = await server.take(1, subjectLine(message));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ to: ['b@example.test'], message });
    note(
      `\`RCPT TO:<nobody@example.test>\` answered \`${refusal?.error.code} ${refusal?.error.lines.join(' ')}\``,
    );
  });

  withNotes('pool', async () => {
    const pool = new SmtpPool({ host: '127.0.0.1', port: server.port, tls: 'none', maxConnections: 4 });
    const messages = Array.from({ length: 40 }, (_, n) => asciiMessage(`pooled to ${peer} ${n}`));
    try {
      const results = await Promise.all(messages.map((message) => pool.send(ENVELOPE, octets(message))));
      expect(results.every((result) => result.accepted.length === 1)).toBe(true);
    } finally {
      await pool.close();
    }
    const delivered = await server.take(messages.length, `Subject: pooled to ${peer} `);
    expect(delivered.map((d) => d.message).sort()).toEqual([...messages].sort());
  });

  withNotes('`smtp send`', async () => {
    const message = asciiMessage(`smtp send to ${peer}`);
    const result = await smtpSend(
      [
        '--server',
        `127.0.0.1:${server.port}`,
        '--from',
        'a@example.test',
        '--to',
        'b@example.test',
        '--helo',
        'cli.example.test',
      ],
      message,
    );
    expect(result.code, result.output).toBe(0);
    const [delivered] = await server.take(1, subjectLine(message));
    expect(delivered).toMatchObject({ from: 'a@example.test', to: ['b@example.test'], message });
  });
}
