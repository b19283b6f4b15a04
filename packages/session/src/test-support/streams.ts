/**
 * fast-check arbitraries for what a client may send: conversations built from pieces that reach
 * every corner of the state machine (pipelined commands, DATA and BDAT bodies, AUTH exchanges,
 * STARTTLS, bare line ends, NUL, over-long lines), policies that vary the limits, and splits.
 */
import fc from 'fast-check';
import type { SessionPolicy } from '../policy.js';
import { octets } from './driver.js';

const PIECES: readonly string[] = [
  'EHLO c.example\r\n',
  'HELO c.example\r\n',
  'LHLO c.example\r\n',
  'MAIL FROM:<a@example.test>\r\n',
  'MAIL FROM:<a@example.test> SIZE=30 BODY=8BITMIME\r\n',
  'MAIL FROM:<a@example.test> BODY=BINARYMIME\r\n',
  'MAIL FROM:<jörg@example.test> SMTPUTF8\r\n',
  'MAIL FROM:<>\r\n',
  'MAIL FROM:<blocked@example.test>\r\n',
  'RCPT TO:<b@example.test>\r\n',
  'RCPT TO:<b@example.test> NOTIFY=NEVER\r\n',
  'RCPT TO:<unknown@example.test>\r\n',
  'RCPT TO:<full@example.test>\r\n',
  'RCPT TO:bad\r\n',
  'DATA\r\n',
  'Subject: hello\r\n',
  '\r\n',
  '..dotted line\r\n',
  '.\r\n',
  '\r\n.\r\n',
  '\n.\n',
  '\r.\r',
  'x'.repeat(40),
  'BDAT 5\r\n',
  'BDAT 3 LAST\r\n',
  'BDAT 0 LAST\r\n',
  'BDAT 40\r\n',
  'BDAT x\r\n',
  'hello',
  'RSET\r\n',
  'NOOP\r\n',
  'QUIT\r\n',
  'HELP\r\n',
  'VRFY alice\r\n',
  'EXPN staff\r\n',
  'STARTTLS\r\n',
  'AUTH PLAIN\r\n',
  'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n',
  'AUTH PLAIN AGFsaWNlAHdyb25n\r\n',
  'AGFsaWNlAHdvbmRlcmxhbmQ=\r\n',
  'AUTH LOGIN\r\n',
  'YWxpY2U=\r\n',
  'd29uZGVybGFuZA==\r\n',
  'AUTH XOAUTH2\r\n',
  'AUTH CRAM-MD5\r\n',
  '*\r\n',
  '=\r\n',
  'TURN\r\n',
  'FROB\r\n',
  '\n',
  '\r',
  '\0',
  '\xff',
  `NOOP ${'y'.repeat(600)}\r\n`,
];

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const text = (value: string) => fc.constant(octets(value));
const oneOfText = (...values: string[]) => fc.constantFrom(...values).map(octets);

/** Pieces of SMTP in any order, with random octets in between: mostly errors and odd corners. */
export const pieceSoup: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...PIECES).map(octets) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
    ),
    { maxLength: 40 },
  )
  .map(join);

const helloFor = (lmtp: boolean) =>
  fc.oneof(
    { weight: 4, arbitrary: text(lmtp ? 'LHLO c.example\r\n' : 'EHLO c.example\r\n') },
    { weight: 1, arbitrary: oneOfText('HELO c.example\r\n', 'EHLO c.example\r\n', 'LHLO c.example\r\n') },
  );

const mailLine = oneOfText(
  'MAIL FROM:<a@example.test>\r\n',
  'MAIL FROM:<a@example.test>\r\n',
  'MAIL FROM:<> SIZE=20\r\n',
  'MAIL FROM:<a@example.test> BODY=BINARYMIME\r\n',
  'MAIL FROM:<jörg@example.test> SMTPUTF8\r\n',
  'MAIL FROM:<blocked@example.test>\r\n',
  'MAIL FROM:<a@example.test> FOO=1\r\n',
);

const rcptLine = oneOfText(
  'RCPT TO:<b@example.test>\r\n',
  'RCPT TO:<b@example.test>\r\n',
  'RCPT TO:<d@example.test>\r\n',
  'RCPT TO:<c@example.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@example.test\r\n',
  'RCPT TO:<unknown@example.test>\r\n',
  'RCPT TO:<full@example.test>\r\n',
  'RCPT TO:<zoë@example.test>\r\n',
  'RCPT TO:broken\r\n',
);

const bodyLine = fc.oneof(
  { weight: 6, arbitrary: oneOfText('Subject: hi\r\n', '\r\n', '..dot\r\n', 'text text\r\n', '.\r\n') },
  { weight: 1, arbitrary: oneOfText('\n.\n', '\r.\r', 'bare\nLF\r\n', 'bare\rCR\r\n', '\r\n.\n') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }) },
);

const dataBody = fc
  .tuple(
    text('DATA\r\n'),
    fc.array(bodyLine, { maxLength: 8 }),
    oneOfText('.\r\n', '\r\n.\r\n', 'x\r\n.\r\n'),
  )
  .map(([data, lines, end]) => join([data, ...lines, end]));

const chunk = (last: boolean) =>
  fc
    .uint8Array({ maxLength: 24 })
    .map((content) => join([octets(`BDAT ${content.length}${last ? ' LAST' : ''}\r\n`), content]));

const bdatBody = fc
  .tuple(fc.array(chunk(false), { maxLength: 3 }), chunk(true))
  .map(([chunks, last]) => join([...chunks, last]));

const transaction = fc
  .tuple(mailLine, fc.array(rcptLine, { minLength: 0, maxLength: 3 }), fc.oneof(dataBody, bdatBody, text('')))
  .map(([mail, rcpts, body]) => join([mail, ...rcpts, body]));

const authExchange = oneOfText(
  'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n',
  'AUTH PLAIN\r\nAGFsaWNlAHdvbmRlcmxhbmQ=\r\n',
  'AUTH LOGIN\r\nYWxpY2U=\r\nd29uZGVybGFuZA==\r\n',
  'AUTH LOGIN YWxpY2U=\r\nd3Jvbmc=\r\n',
  'AUTH PLAIN AGFsaWNlAHdyb25n\r\n',
  'AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLnRlc3QBYXV0aD1CZWFyZXIgYmFkAQE=\r\n\r\n',
  'AUTH CRAM-MD5\r\nYWxpY2UgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\r\n',
  'AUTH LOGIN\r\n*\r\n',
);

const misc = oneOfText(
  'NOOP\r\n',
  'RSET\r\n',
  'HELP\r\n',
  'VRFY alice\r\n',
  'EXPN staff\r\n',
  'FROB\r\n',
  'TURN\r\n',
  `NOOP ${'y'.repeat(600)}\r\n`,
  'NOOP\0\r\n',
  'STARTTLS\r\nEHLO injected\r\n',
  'QUIT\r\n',
  'NOOP\n',
);

/** A conversation for an SMTP or LMTP server: a greeting, then mostly transactions, with AUTH, other commands and noise. */
export function conversation(lmtp: boolean): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      helloFor(lmtp),
      fc.array(
        fc.oneof(
          { weight: 6, arbitrary: transaction },
          { weight: 2, arbitrary: misc },
          { weight: 1, arbitrary: authExchange },
          { weight: 1, arbitrary: helloFor(lmtp) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }) },
        ),
        { maxLength: 8 },
      ),
    )
    .map(([first, rest]) => join([first, ...rest]));
}

/** Client byte streams for a policy: mostly conversations, sometimes a soup of pieces. */
export function clientStreamFor(policy: SessionPolicy): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: conversation(policy.lmtp === true) },
    { weight: 1, arbitrary: pieceSoup },
  );
}

/** A stream of arbitrary octets, or a known stream with a few octets changed, dropped or added. */
export const mutatedStream: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .tuple(
      conversation(false),
      fc.array(
        fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'drop', 'insert')),
        { maxLength: 6 },
      ),
    )
    .map(([stream, edits]) => {
      const bytes = [...stream];
      for (const [position, value, kind] of edits) {
        if (bytes.length === 0) break;
        const at = position % bytes.length;
        if (kind === 'set') bytes[at] = value;
        else if (kind === 'drop') bytes.splice(at, 1);
        else bytes.splice(at, 0, value);
      }
      return Uint8Array.from(bytes);
    }),
);

/** Policies that vary everything that changes the state machine's paths. */
export const sessionPolicy: fc.Arbitrary<SessionPolicy> = fc.record({
  hostname: fc.constant('mx.example.test'),
  lineEndings: fc.constantFrom('strict' as const, 'lenient' as const),
  maxMessageSize: fc.constantFrom(0, 30, 1000),
  maxRecipients: fc.constantFrom(1, 100),
  maxErrors: fc.constantFrom(0, 3, 10, 10),
  maxTextLineLength: fc.constantFrom(undefined, 20),
  lmtp: fc.constantFrom(false, false, true),
  vrfy: fc.boolean(),
  expn: fc.boolean(),
  tls: fc.constantFrom(undefined, { available: true, active: false }, { available: true, active: true }),
  auth: fc.constantFrom(undefined, {
    mechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'] as const,
    allowInsecure: true,
  }),
  extensions: fc.constantFrom(undefined, { chunking: false, enhancedstatuscodes: false }),
});

/** Chunk sizes for a stream: random cut points. */
export function randomSplit(length: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: Math.max(1, length) }), { maxLength: 20 });
}

/** A policy and a client stream that suits it. */
export const policyAndStream: fc.Arbitrary<[SessionPolicy, Uint8Array]> = sessionPolicy.chain((policy) =>
  fc.tuple(fc.constant(policy), clientStreamFor(policy)),
);
