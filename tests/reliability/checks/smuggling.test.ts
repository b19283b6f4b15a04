/**
 * SMTP smuggling over real sockets. The corpus holds the end-of-data variants of
 * CVE-2023-51764 (Postfix), CVE-2023-51765 (Sendmail), CVE-2023-51766 (Exim) and the published
 * SMTP smuggling research (bare LF and bare CR around the dot, NUL before or after it, doubled
 * CRs, mixtures), each followed by a hidden second transaction. The expected outcome of each
 * variant comes from an independent model of the contract (support/data-model.ts), never from
 * the server itself.
 */
import { SmtpConnection } from '@smtp/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { readClientWire } from '../support/client-wire.js';
import { modelData, normalizeLineEndings } from '../support/data-model.js';
import { randomPieces, seededRandom } from '../support/random.js';
import { startRecordingProxy } from '../support/recording-proxy.js';
import type { ParsedReply } from '../support/reply-check.js';
import { deliverOnce, type ObservedServer, startObservedServer } from '../support/server.js';
import { settings } from '../support/settings.js';

const SENDER = 'alice@example.test';
const RECIPIENT = 'bob@example.test';
const SMUGGLER = 'smuggler@evil.test';
const VICTIM = 'victim@example.test';

const OPEN = `EHLO client.test\r\nMAIL FROM:<${SENDER}>\r\nRCPT TO:<${RECIPIENT}>\r\nDATA\r\n`;
/** The transaction an attacker hides inside the first message's data. */
const SMUGGLED = `MAIL FROM:<${SMUGGLER}>\r\nRCPT TO:<${VICTIM}>\r\nDATA\r\nFrom: <${SMUGGLER}>\r\n\r\nsmuggled\r\n`;
const FIRST = 'Subject: real\r\n\r\nbody';

/** End-of-data look-alikes and line-ending tricks (name, octets between the body and the hidden transaction). */
const CORPUS: readonly (readonly [string, string])[] = [
  ['<LF>.<LF>', '\n.\n'],
  ['<LF>.<CR><LF>', '\n.\r\n'],
  ['<CR><LF>.<LF>', '\r\n.\n'],
  ['<CR>.<CR>', '\r.\r'],
  ['<CR><LF>.<CR>', '\r\n.\r'],
  ['<CR>.<CR><LF>', '\r.\r\n'],
  ['<CR>.<LF>', '\r.\n'],
  ['<LF>.<CR>', '\n.\r'],
  ['<LF>..<LF>', '\n..\n'],
  ['<LF><LF>.<LF><LF>', '\n\n.\n\n'],
  ['<CR><CR><LF>.<CR><CR><LF>', '\r\r\n.\r\r\n'],
  ['<CR><LF>.<CR><CR><LF>', '\r\n.\r\r\n'],
  ['<CR><LF><NUL>.<CR><LF>', '\r\n\0.\r\n'],
  ['<CR><LF>.<NUL><CR><LF>', '\r\n.\0\r\n'],
  ['<NUL><CR><LF>.<CR><LF> behind a bare LF', '\n\0\r\n.\n'],
  ['<CR><LF>.<SP><CR><LF>', '\r\n. \r\n'],
  ['<CR><LF>.<TAB><CR><LF>', '\r\n.\t\r\n'],
  ['<CR><LF>..<CR><LF> (a stuffed dot)', '\r\n..\r\n'],
  ['bare LF line ends', '\nline\nline\n'],
  ['bare CR line ends', '\rline\rline\r'],
  ['mixture: <LF>.<CR><LF>, <CR>.<CR>, <CR><LF>.<LF>', '\n.\r\nx\r.\ry\r\n.\n'],
  ['mixture: bare CR then <LF>.<LF> after a CRLF line', '\r\nx\ry\r\n\n.\n'],
];

/** How a stream is written: whole, one octet per write, or in random pieces. */
const SPLITS = ['one write', 'byte by byte', 'random pieces'] as const;
type Split = (typeof SPLITS)[number];

interface Outcome {
  readonly replies: readonly ParsedReply[];
  readonly stored: readonly string[];
  readonly mails: readonly string[];
  readonly rcpts: readonly string[];
}

async function play(server: ObservedServer, stream: string, split: Split, seed: number): Promise<Outcome> {
  server.memory.clear();
  server.mails.length = 0;
  server.rcpts.length = 0;
  const client = await server.greeted();
  const pieces =
    split === 'one write'
      ? [stream.length]
      : split === 'byte by byte'
        ? randomPieces(stream.length, 1, Math.random)
        : randomPieces(stream.length, 16, seededRandom(seed));
  await client.writeInPieces(stream, pieces);
  const replies = await client.repliesUntilClosed(10_000);
  return {
    replies,
    stored: server.memory.messages.map((message) => message.data.toString('latin1')),
    mails: [...server.mails],
    rcpts: [...server.rcpts],
  };
}

const totals = { streams: 0, hiddenTransactionsRun: 0, stored: 0, refused521: 0 };

for (const lineEndings of ['strict', 'lenient'] as const) {
  describe(`server, ${lineEndings} line endings`, () => {
    let server: ObservedServer;
    beforeAll(async () => {
      server = await startObservedServer({ lineEndings });
    });
    afterAll(async () => {
      expect(server.errors).toEqual([]);
      await server.close();
    });

    it('every corpus variant, written whole, byte by byte and in random pieces: never two messages, the hidden transaction never runs', async (context) => {
      let streams = 0;
      let refused = 0;
      let stored = 0;
      let hiddenRun = 0;
      for (const [index, [name, vector]] of CORPUS.entries()) {
        const data = `${FIRST}${vector}${SMUGGLED}.\r\nQUIT\r\n`;
        const model = modelData(data, lineEndings);
        // The corpus itself: no variant may really end the data before the hidden transaction.
        expect(model.kind === 'message' ? model.rest : '', name).not.toContain(SMUGGLER);
        for (const split of SPLITS) {
          const outcome = await play(server, OPEN + data, split, index + 1);
          streams++;
          const where = `${name}, ${split}`;
          // The application never hears of the hidden transaction.
          expect(outcome.mails, where).toEqual([SENDER]);
          expect(outcome.rcpts, where).toEqual([RECIPIENT]);
          hiddenRun += outcome.mails.filter((address) => address === SMUGGLER).length;
          const codes = outcome.replies.map((reply) => reply.code);
          if (model.kind === 'bare-line-ending') {
            expect(codes, where).toEqual([250, 250, 250, 354, 521]);
            expect(outcome.replies.at(-1)?.enhanced, where).toBe('5.5.2');
            expect(outcome.stored, where).toEqual([]);
            refused++;
          } else {
            expect(model.kind, where).toBe('message');
            if (model.kind !== 'message') continue;
            expect(codes, where).toEqual([250, 250, 250, 354, 250, 221]);
            expect(outcome.stored, where).toEqual([model.body]);
            stored++;
          }
        }
      }
      totals.streams += streams;
      totals.hiddenTransactionsRun += hiddenRun;
      totals.stored += stored;
      totals.refused521 += refused;
      record(context, {
        cases: streams,
        variants: CORPUS.length,
        'refused with 521 5.5.2': refused,
        'stored as one message': stored,
        'hidden transactions run': hiddenRun,
        'partial stored': 0,
      });
    });

    it('control: a real <CRLF>.<CRLF> does end the data, so the oracle sees a second transaction when there is one', async (context) => {
      const data = `${FIRST}\r\n.\r\n${SMUGGLED}.\r\nQUIT\r\n`;
      const model = modelData(data, lineEndings);
      expect(model.kind).toBe('message');
      const outcome = await play(server, OPEN + data, 'random pieces', 99);
      expect(outcome.mails).toEqual([SENDER, SMUGGLER]);
      expect(outcome.stored).toEqual([`${FIRST}\r\n`, `From: <${SMUGGLER}>\r\n\r\nsmuggled\r\n`]);
      record(context, { cases: 1, 'second transaction seen': 1 });
    });

    it(
      lineEndings === 'strict'
        ? 'a bare LF or CR between pipelined commands: 521 5.5.2 and close before the next command runs'
        : 'a bare LF ends a command line (documented); a bare CR inside one is refused with 501 5.5.2, nothing runs',
      async (context) => {
        const viaLf = await play(
          server,
          `EHLO client.test\r\nMAIL FROM:<${SENDER}>\nRCPT TO:<${VICTIM}>\r\nQUIT\r\n`,
          'one write',
          0,
        );
        const viaCr = await play(
          server,
          `EHLO client.test\r\nMAIL FROM:<${SENDER}>\rRCPT TO:<${VICTIM}>\r\nQUIT\r\n`,
          'one write',
          0,
        );
        if (lineEndings === 'strict') {
          for (const outcome of [viaLf, viaCr]) {
            expect(outcome.replies.map((reply) => `${reply.code} ${reply.enhanced}`)).toEqual([
              '250 undefined',
              '521 5.5.2',
            ]);
            expect(outcome.mails).toEqual([]);
            expect(outcome.rcpts).toEqual([]);
          }
        } else {
          expect(viaLf.replies.map((reply) => reply.code)).toEqual([250, 250, 250, 221]);
          expect(viaLf.rcpts).toEqual([VICTIM]);
          expect(viaCr.replies.map((reply) => `${reply.code} ${reply.enhanced}`)).toEqual([
            '250 undefined',
            '501 5.5.2',
            '221 2.0.0',
          ]);
          expect(viaCr.mails).toEqual([]);
        }
        record(context, { cases: 2 });
      },
    );

    it('a NUL in a command line: 501 5.5.2, nothing after it on the line runs, the session goes on', async (context) => {
      const outcome = await play(
        server,
        `EHLO client.test\r\nMAIL FROM:<${SENDER}>\0RCPT TO:<${VICTIM}>\r\nNOOP\r\nQUIT\r\n`,
        'one write',
        0,
      );
      expect(outcome.replies.map((reply) => `${reply.code} ${reply.enhanced}`)).toEqual([
        '250 undefined',
        '501 5.5.2',
        '250 2.0.0',
        '221 2.0.0',
      ]);
      expect(outcome.mails).toEqual([]);
      record(context, { cases: 1 });
    });

    it('BDAT: a chunk holding a terminator, bare line ends and a whole transaction is only content', async (context) => {
      const chunk = `x\r\n.\r\n${SMUGGLED}.\r\n\n.\n\r.\r`;
      const outcome = await play(
        server,
        `EHLO client.test\r\nMAIL FROM:<${SENDER}>\r\nRCPT TO:<${RECIPIENT}>\r\nBDAT ${chunk.length} LAST\r\n${chunk}QUIT\r\n`,
        'random pieces',
        7,
      );
      expect(outcome.replies.map((reply) => reply.code)).toEqual([250, 250, 250, 250, 221]);
      expect(outcome.stored).toEqual([chunk]);
      expect(outcome.mails).toEqual([SENDER]);
      record(context, { cases: 1, 'hidden transactions run': 0 });
    });

    it('still healthy: a fresh client delivers', async () => {
      expect(await deliverOnce(server.port, 'Subject: health\r\n\r\nok\r\n')).toBe(250);
    });
  });
}

describe('client', () => {
  let server: ObservedServer;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  beforeAll(async () => {
    // Strict: anything but clean CRLF from the client would be refused with 521.
    server = await startObservedServer({ lineEndings: 'strict' });
    proxy = await startRecordingProxy(server.port);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  /** Sends one body with the project's client; returns what went on the wire. */
  async function sendThroughProxy(body: string, transfer: 'DATA' | 'BDAT'): Promise<string> {
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port: proxy.port,
      tls: 'none',
      name: 'client.test',
    });
    try {
      const result = await connection.send({ from: SENDER, to: [RECIPIENT] }, Buffer.from(body, 'latin1'), {
        transfer,
      });
      expect(result.accepted).toEqual([RECIPIENT]);
    } finally {
      await connection.quit();
    }
    return proxy.streams.at(-1) ?? '';
  }

  /**
   * Outside BDAT chunks (octet-counted, so any octet may be in them) the wire holds no bare CR or
   * LF, every DATA section ends once, at its end, and no command but the client's own was sent.
   */
  function checkWire(wire: string, where: string): void {
    const read = readClientWire(wire);
    expect(read.problem, `${where}: ${JSON.stringify(wire)}`).toBeUndefined();
    expect(
      read.commands.filter((line) => /^MAIL /i.test(line)),
      where,
    ).toHaveLength(1);
  }

  /**
   * Text is line-normalized (and ends in CRLF); a body with NUL goes as BINARYMIME (over BDAT,
   * whatever `transfer` asked), whose octets must not be touched, not even to add a CRLF.
   */
  function expectedStored(body: string): string {
    return body.includes('\0') ? body : normalizeLineEndings(body);
  }

  it('never puts a corpus variant on the wire: text arrives line-normalized, binary (NUL) untouched in BDAT, always one message', async (context) => {
    let sent = 0;
    for (const transfer of ['DATA', 'BDAT'] as const) {
      for (const [name, vector] of CORPUS) {
        server.memory.clear();
        server.mails.length = 0;
        const body = `${FIRST}${vector}${SMUGGLED}.\r\n`;
        const wire = await sendThroughProxy(body, transfer);
        checkWire(wire, `${name} via ${transfer}`);
        expect(
          server.memory.messages.map((m) => m.data.toString('latin1')),
          `${name} via ${transfer}`,
        ).toEqual([expectedStored(body)]);
        expect(server.mails).toEqual([SENDER]);
        sent++;
      }
    }
    record(context, { cases: sent, 'messages acknowledged': sent, lost: 0, 'hidden transactions run': 0 });
  });

  it('random bodies full of CR, LF, dots and NUL (fast-check): clean wire, one message, stored as the client promises', async (context) => {
    const alphabet = fc.constantFrom(
      '\r',
      '\n',
      '.',
      '\0',
      'a',
      ' ',
      'MAIL FROM:<x@y.z>',
      '\r\n',
      '\r\n.\r\n',
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(alphabet, { maxLength: 60 }),
        fc.constantFrom('DATA', 'BDAT'),
        async (parts, transfer) => {
          runs++;
          server.memory.clear();
          const body = `Subject: r\r\n\r\n${parts.join('')}`;
          const wire = await sendThroughProxy(body, transfer as 'DATA' | 'BDAT');
          checkWire(wire, `random body via ${transfer}`);
          expect(server.memory.messages.map((m) => m.data.toString('latin1'))).toEqual([
            expectedStored(body),
          ]);
        },
      ),
      { numRuns: settings.clientBodies },
    );
    record(context, { cases: runs, 'messages acknowledged': runs, lost: 0 });
  });

  it('refuses CR, LF or NUL in an address or the EHLO name before sending anything', async (context) => {
    const before = proxy.streams.length;
    const connection = await SmtpConnection.connect({
      host: '127.0.0.1',
      port: proxy.port,
      tls: 'none',
      name: 'client.test',
    });
    const attempts = [`${SENDER}>\r\nRCPT TO:<${VICTIM}`, `${SENDER}\nRSET`, `${SENDER}\0`];
    for (const from of attempts) {
      await expect(connection.send({ from, to: [RECIPIENT] }, 'Subject: x\r\n\r\nx\r\n')).rejects.toThrow(
        TypeError,
      );
      await expect(connection.send({ from: SENDER, to: [from] }, 'Subject: x\r\n\r\nx\r\n')).rejects.toThrow(
        TypeError,
      );
    }
    await connection.quit();
    await expect(
      SmtpConnection.connect({
        host: '127.0.0.1',
        port: proxy.port,
        tls: 'none',
        name: 'client.test\r\nMAIL FROM:<x@y.z>',
      }),
    ).rejects.toThrow(TypeError);
    const wires = proxy.streams.slice(before).join('');
    expect(wires).not.toContain('MAIL FROM');
    expect(server.rcpts).not.toContain(VICTIM);
    record(context, { cases: attempts.length * 2 + 1, 'commands injected': 0 });
  });
});

describe('totals', () => {
  it('across both modes: no hidden transaction ran', (context) => {
    expect(totals.hiddenTransactionsRun).toBe(0);
    record(context, {
      'streams played': totals.streams,
      'refused with 521': totals.refused521,
      'stored as one message': totals.stored,
      'hidden transactions run': totals.hiddenTransactionsRun,
    });
  });
});
