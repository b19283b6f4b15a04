/**
 * Random and mutated client streams into the sans-IO @smtp/session, split at random, under
 * several policies, with the application's answers, timeouts, shutdowns and disconnects at random
 * moments. No exception escapes; every write is exactly one well-formed SMTP reply (checked by the
 * suite's own reply grammar, not the codec's); nothing happens after close; message data only
 * flows inside a message; the session's buffer stays bounded; and the heap is back to its size
 * after the campaign.
 */
import { SmtpError } from '@smtp/codec';
import { type Decision, type DecisionEvent, ServerSession, type SessionPolicy } from '@smtp/session';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { clientStream, heapAfterCollection, mutated, splitAt, splitPoints } from '../support/fuzz-inputs.js';
import { replyProblem } from '../support/reply-check.js';
import { settings } from '../support/settings.js';

const POLICIES: readonly (readonly [string, SessionPolicy])[] = [
  ['defaults', { hostname: 'mx.test' }],
  ['lenient line endings', { hostname: 'mx.test', lineEndings: 'lenient' }],
  [
    'auth, TLS available, small limits',
    {
      hostname: 'mx.test',
      tls: { available: true, active: false },
      auth: { mechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'], allowInsecure: true },
      maxMessageSize: 200,
      maxRecipients: 2,
      maxErrors: 3,
      maxCommandLineLength: 100,
      maxTextLineLength: 80,
    },
  ],
  [
    'LMTP, implicit TLS, auth required',
    {
      hostname: 'mx.test',
      lmtp: true,
      tls: { available: true, active: true },
      auth: { mechanisms: ['PLAIN'], required: true },
    },
  ],
  [
    'no limits on errors, VRFY and EXPN answered',
    { hostname: 'mx.test', maxErrors: 0, vrfy: true, expn: true },
  ],
];

/** What happens between two pieces of input, besides the input itself. */
type Interruption = 'none' | 'timeout' | 'shutdown' | 'shutdown now' | 'peer closed';

const interruption = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Interruption>('none') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Interruption>('timeout', 'shutdown', 'shutdown now', 'peer closed'),
  },
);

/** The application: accepts, refuses, or answers with a reply the session must be able to write. */
function answer(event: DecisionEvent, choice: number, policy: SessionPolicy): Decision {
  const refusal: Decision = {
    accept: false,
    error: new SmtpError(450 + (choice % 3), 'Not now', { enhanced: '4.2.0' }),
  };
  if (event.type === 'message-end' && policy.lmtp === true) {
    return {
      perRecipient: event.envelope.recipients.map((_, i) =>
        (choice + i) % 3 === 0 ? refusal : { accept: true, queueId: `Q${i}` },
      ) as never,
    };
  }
  if (choice % 4 === 0) return refusal;
  if (event.type === 'expn' || event.type === 'vrfy')
    return { accept: true, lines: ['One <one@example.test>', 'Two <two@example.test>'] };
  if (choice % 7 === 0 && event.type === 'mail')
    return { accept: false, error: new SmtpError(421, 'Going away', { enhanced: '4.3.2' }) };
  return { accept: true, ...(event.type === 'message-end' ? { queueId: 'Q1' } : {}) };
}

interface Tally {
  writes: number;
  octets: number;
  messages: number;
  closes: number;
  maxBuffered: number;
}

/** Drives one session; throws (failing the property) on any broken invariant. */
function drive(
  policy: SessionPolicy,
  input: Uint8Array,
  points: readonly number[],
  interruptions: readonly Interruption[],
  choices: readonly number[],
  tally: Tally,
): void {
  const session = new ServerSession(policy, { nonce: '1.1700000000' });
  let closed = false;
  let peerGone = false;
  let inMessage = false;
  let decisions = 0;
  const pump = () => {
    for (let guard = 0; ; guard++) {
      if (guard > 100_000) throw new Error('the session did not settle');
      const action = session.next();
      if (action === undefined) {
        const pending = session.pending;
        if (pending === undefined || closed || peerGone) return;
        if (pending.type === 'message-end') inMessage = false;
        session.decide(answer(pending, choices[decisions++ % choices.length] ?? 1, policy));
        continue;
      }
      // After close (or the peer's going) only the news that a message was dropped may come.
      const dropped = action.type === 'event' && action.event.type === 'message-abort';
      if ((closed || peerGone) && !dropped) throw new Error(`an action after close: ${action.type}`);
      switch (action.type) {
        case 'write': {
          const text = Buffer.from(action.data).toString('latin1');
          const problem = replyProblem(text);
          if (problem !== undefined)
            throw new Error(`not one well-formed reply (${problem}): ${JSON.stringify(text)}`);
          tally.writes++;
          tally.octets += action.data.length;
          break;
        }
        case 'starttls':
          session.tlsEstablished();
          break;
        case 'close':
          closed = true;
          tally.closes++;
          break;
        case 'event': {
          const event = action.event;
          if (event.type === 'message-start') inMessage = true;
          if (event.type === 'message-abort') inMessage = false;
          if (event.type === 'message-data' && !inMessage) throw new Error('message data outside a message');
          break;
        }
      }
    }
  };
  pump();
  const pieces = splitAt(input, points);
  for (const [index, piece] of pieces.entries()) {
    if (closed || peerGone) break;
    session.receive(piece);
    pump();
    // A message-end decision or a command waiting on one may hold input; the rest was read.
    tally.maxBuffered = Math.max(tally.maxBuffered, session.buffered);
    switch (interruptions[index % interruptions.length]) {
      case 'timeout':
        session.timedOut();
        break;
      case 'shutdown':
        session.shutdown();
        break;
      case 'shutdown now':
        session.shutdown('immediate');
        break;
      case 'peer closed':
        session.peerClosed();
        peerGone = true;
        break;
      default:
        break;
    }
    pump();
  }
  if (!peerGone) {
    session.peerClosed();
    peerGone = true;
    pump();
  }
  if (inMessage) throw new Error('a message left open after the peer closed');
}

describe('fuzzing @smtp/session', () => {
  it('random and mutated streams: no exception, one well-formed reply per write, nothing after close, heap bounded', (context) => {
    const tally: Tally = { writes: 0, octets: 0, messages: 0, closes: 0, maxBuffered: 0 };
    let cases = 0;
    let inputOctets = 0;
    const perPolicy = Math.ceil(settings.sessionFuzzCases / POLICIES.length);
    const before = heapAfterCollection();
    for (const [, policy] of POLICIES) {
      fc.assert(
        fc.property(
          fc.oneof(clientStream, mutated(clientStream)),
          splitPoints,
          fc.array(interruption, { minLength: 1, maxLength: 8 }),
          fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 8 }),
          (input, points, interruptions, choices) => {
            cases++;
            inputOctets += input.length;
            drive(policy, input, points, interruptions, choices, tally);
          },
        ),
        { numRuns: perPolicy },
      );
    }
    const after = heapAfterCollection();
    const growth = after - before;
    record(context, {
      cases,
      policies: POLICIES.length,
      'input octets': inputOctets,
      'replies checked': tally.writes,
      'sessions closed by the server': tally.closes,
      'largest unread buffer, octets': tally.maxBuffered,
      'heap before / after, MB': `${(before / 1e6).toFixed(1)} / ${(after / 1e6).toFixed(1)}`,
      'exceptions escaped': 0,
    });
    // Thousands of sessions were made and dropped: nothing of them may stay reachable.
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  });

  it('a line that never ends, 16 MiB of it in 64 KiB pieces: one 500 5.5.6 and the buffer stays small', (context) => {
    const session = new ServerSession({ hostname: 'mx.test' });
    const replies: string[] = [];
    const drain = () => {
      for (let action = session.next(); action !== undefined; action = session.next()) {
        if (action.type === 'write') replies.push(Buffer.from(action.data).toString('latin1'));
      }
    };
    drain();
    session.receive(Buffer.from('EHLO client.test\r\nNOOP '));
    const piece = new Uint8Array(64 * 1024).fill(0x61);
    let largest = 0;
    for (let i = 0; i < 256; i++) {
      session.receive(piece);
      drain();
      largest = Math.max(largest, session.buffered);
    }
    session.receive(Buffer.from('\r\nNOOP\r\n'));
    drain();
    expect(replies.slice(2).map((reply) => reply.slice(0, 9))).toEqual(['500 5.5.6', '250 2.0.0']);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
    record(context, {
      cases: 1,
      'octets sent without a line end': 256 * piece.length,
      'largest unread buffer, octets': largest,
    });
  });
});
