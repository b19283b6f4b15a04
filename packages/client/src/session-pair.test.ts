import { fromUtf8, utf8 } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapabilityError, RecipientsRefusedError } from './errors.js';
import { type PairMessage, type PairServer, runPair } from './test-support/pair.js';

const CR = 0x0d;
const LF = 0x0a;

/** What a server must store for a body the client was given: line ends made CRLF, a final CRLF added. */
function canonical(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (byte === CR) {
      out.push(CR, LF);
      if (body[i + 1] === LF) i++;
    } else if (byte === LF) out.push(CR, LF);
    else out.push(byte);
  }
  if (out.length > 0 && !(out[out.length - 2] === CR && out[out.length - 1] === LF)) out.push(CR, LF);
  return Uint8Array.from(out);
}

const SERVER: PairServer = {
  policy: { hostname: 'mx.example.test' },
  refuse: (address) =>
    address.startsWith('no') ? { code: 550, enhanced: '5.1.1', message: 'no such user' } : undefined,
};

function message(body: string, to: string[] = ['bob@example.test']): PairMessage {
  return { envelope: { from: 'alice@example.test', to }, body: utf8(body), options: {} };
}

describe('client core against @smtp/session, in memory', () => {
  it('delivers a message with dots and bare line ends exactly as meant (DATA)', () => {
    const body = 'Subject: dots\r\n\r\n.one\r\n..two\r\nbare\nlf\rcr\r\n.';
    const outcome = runPair({ chunking: false }, SERVER, [message(body)]);
    expect(outcome.fatal).toBeUndefined();
    expect(outcome.closed).toBe(true);
    expect(outcome.stored).toHaveLength(1);
    expect(outcome.stored[0]?.via).toBe('DATA');
    expect(fromUtf8(outcome.stored[0]?.body as Uint8Array)).toBe(
      'Subject: dots\r\n\r\n.one\r\n..two\r\nbare\r\nlf\r\ncr\r\n.\r\n',
    );
  });

  it('delivers the same octets with BDAT (the session offers CHUNKING)', () => {
    const body = 'Subject: dots\r\n\r\n.one\r\n..two\r\nbare\nlf\rcr\r\n.';
    const outcome = runPair({ bdatChunkSize: 7 }, SERVER, [message(body)]);
    expect(outcome.stored[0]?.via).toBe('BDAT');
    expect(fromUtf8(outcome.stored[0]?.body as Uint8Array)).toBe(
      'Subject: dots\r\n\r\n.one\r\n..two\r\nbare\r\nlf\r\ncr\r\n.\r\n',
    );
  });

  it('reports recipients refused by the server and delivers to the others', () => {
    const outcome = runPair({}, SERVER, [message('x\r\n', ['bob@example.test', 'nobody@example.test'])]);
    const [first] = outcome.results;
    expect(first?.ok).toBe(true);
    if (!first?.ok) return;
    expect(first.result.accepted).toEqual(['bob@example.test']);
    expect(first.result.rejected[0]?.error).toMatchObject({ code: 550, enhanced: '5.1.1', phase: 'rcpt' });
    expect(outcome.stored[0]?.to).toEqual(['bob@example.test']);
  });

  it('keeps the session after every recipient is refused (RSET) and sends the next message', () => {
    const outcome = runPair({}, SERVER, [message('a\r\n', ['nobody@example.test']), message('b\r\n')]);
    expect(outcome.results[0]?.ok).toBe(false);
    expect(outcome.results[0]?.ok === false && outcome.results[0].error).toBeInstanceOf(
      RecipientsRefusedError,
    );
    expect(outcome.results[1]?.ok).toBe(true);
    expect(outcome.stored.map((m) => fromUtf8(m.body))).toEqual(['b\r\n']);
    expect(outcome.closed).toBe(true);
  });

  it('refuses a message over the session SIZE before sending it', () => {
    const outcome = runPair({}, { ...SERVER, policy: { hostname: 'mx.example.test', maxMessageSize: 10 } }, [
      message('0123456789ABCDEF\r\n'),
      message('ok\r\n'),
    ]);
    expect(outcome.results[0]?.ok === false && outcome.results[0].error).toBeInstanceOf(CapabilityError);
    expect(outcome.stored.map((m) => fromUtf8(m.body))).toEqual(['ok\r\n']);
  });

  it('declares SIZE, BODY=8BITMIME and SMTPUTF8 as the message needs', () => {
    const outcome = runPair({}, SERVER, [
      { envelope: { from: 'andré@example.test', to: ['bob@example.test'] }, body: utf8('caf\u00e9\r\n') },
    ]);
    expect(outcome.results[0]?.ok).toBe(true);
    expect(outcome.stored[0]?.params).toMatchObject({ size: 7, body: '8BITMIME', smtputf8: true });
  });

  it('sends a binary message with BODY=BINARYMIME over BDAT, octet for octet', () => {
    const body = Uint8Array.of(0x50, 0, 0x0a, 0x0d, 0x2e, 0xff);
    const outcome = runPair({}, SERVER, [
      {
        envelope: { from: 'a@example.test', to: ['b@example.test'] },
        body,
        options: { bodyType: 'BINARYMIME' },
      },
    ]);
    expect(outcome.results[0]?.ok).toBe(true);
    expect(outcome.stored[0]?.params).toMatchObject({ body: 'BINARYMIME' });
    expect(outcome.stored[0]?.body).toEqual(body);
  });

  it('authenticates with each mechanism the session offers (over STARTTLS)', () => {
    for (const method of ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const) {
      const outcome = runPair(
        { tls: 'starttls', auth: { user: 'tim', pass: 'tanstaaf', method } },
        {
          ...SERVER,
          policy: {
            hostname: 'mx.example.test',
            tls: { available: true, active: false },
            auth: { mechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5'] },
          },
          credentials: { user: 'tim', pass: 'tanstaaf' },
        },
        [message('x\r\n')],
      );
      expect(outcome.fatal, method).toBeUndefined();
      expect(outcome.results[0]?.ok, method).toBe(true);
      expect(outcome.clientEvents, method).toContain('start-tls');
    }
  });

  it('authenticates with XOAUTH2 and OAUTHBEARER tokens', () => {
    for (const method of ['XOAUTH2', 'OAUTHBEARER'] as const) {
      const outcome = runPair(
        { tls: 'implicit', auth: { user: 'tim@example.test', accessToken: 'tok-123', method } },
        {
          ...SERVER,
          policy: {
            hostname: 'mx.example.test',
            tls: { available: true, active: true },
            auth: { mechanisms: ['XOAUTH2', 'OAUTHBEARER'] },
          },
          credentials: { user: 'tim@example.test', token: 'tok-123' },
        },
        [message('x\r\n')],
      );
      expect(outcome.fatal, method).toBeUndefined();
      expect(outcome.results[0]?.ok, method).toBe(true);
    }
  });

  it('reports a refused XOAUTH2 token as an SmtpError of phase auth', () => {
    const outcome = runPair(
      { tls: 'implicit', auth: { user: 'tim@example.test', accessToken: 'wrong', method: 'XOAUTH2' } },
      {
        ...SERVER,
        policy: {
          hostname: 'mx.example.test',
          tls: { available: true, active: true },
          auth: { mechanisms: ['XOAUTH2'] },
        },
        credentials: { user: 'tim@example.test', token: 'right' },
      },
      [message('x\r\n')],
    );
    expect(outcome.fatal).toMatchObject({
      code: 535,
      enhanced: '5.7.8',
      phase: 'auth',
      command: 'AUTH XOAUTH2',
    });
  });

  it('speaks LMTP with the session in LMTP mode', () => {
    const outcome = runPair(
      { lmtp: true },
      { ...SERVER, policy: { hostname: 'mx.example.test', lmtp: true } },
      [message('x\r\n', ['a@example.test', 'nobody@example.test', 'c@example.test'])],
    );
    expect(outcome.fatal).toBeUndefined();
    const [first] = outcome.results;
    expect(first?.ok && first.result.accepted).toEqual(['a@example.test', 'c@example.test']);
  });

  it('falls back from EHLO: the session in LMTP mode answers EHLO with 500, so HELO follows and is refused too', () => {
    const outcome = runPair({}, { ...SERVER, policy: { hostname: 'mx.example.test', lmtp: true } }, [
      message('x\r\n'),
    ]);
    expect(outcome.fatal).toMatchObject({ code: 500, phase: 'helo' });
  });

  it('property: any body, recipients, options and split points give the canonical stored message', () => {
    const byte = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(CR, LF, 0x2e) },
      { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    );
    const body = fc.array(byte, { maxLength: 200 }).map((bytes) => Uint8Array.from(bytes));
    const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });
    const recipients = fc.array(fc.constantFrom('bob', 'carol', 'nobody', 'nora'), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ body, recipients, pieces: sizes }), { minLength: 1, maxLength: 3 }),
        fc.record({
          pipelining: fc.boolean(),
          chunking: fc.boolean(),
          bdatChunkSize: fc.integer({ min: 1, max: 64 }),
          lmtp: fc.boolean(),
        }),
        sizes,
        sizes,
        (messages, options, clientToServer, serverToClient) => {
          const pairMessages: PairMessage[] = messages.map((m) => ({
            envelope: { from: 'alice@example.test', to: m.recipients.map((name) => `${name}@example.test`) },
            body: m.body,
            bodyPieces: m.pieces,
          }));
          const server = {
            ...SERVER,
            policy: { hostname: 'mx.example.test', maxErrors: 0, lmtp: options.lmtp },
          };
          const outcome = runPair(options, server, pairMessages, { clientToServer, serverToClient });
          expect(outcome.fatal).toBeUndefined();
          expect(outcome.closed).toBe(true);
          expect(outcome.results).toHaveLength(messages.length);
          const expectedStored = messages.filter((m) => m.recipients.some((r) => !r.startsWith('no')));
          expect(outcome.stored.map((s) => Array.from(s.body))).toEqual(
            expectedStored.map((m) => Array.from(canonical(m.body))),
          );
          messages.forEach((m, i) => {
            const result = outcome.results[i];
            const accepted = m.recipients.filter((r) => !r.startsWith('no')).map((r) => `${r}@example.test`);
            if (accepted.length === 0) {
              expect(result?.ok === false && result.error).toBeInstanceOf(RecipientsRefusedError);
            } else {
              expect(result?.ok && result.result.accepted).toEqual(accepted);
              expect(result?.ok && result.result.transfer).toBe(options.chunking ? 'BDAT' : 'DATA');
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
