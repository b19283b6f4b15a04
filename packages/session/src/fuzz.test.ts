/**
 * Random and mutated client streams never make the session throw, and everything it writes is
 * well-formed SMTP: each write is exactly one reply the codec's ReplyParser accepts.
 */
import { ReplyParser } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { ServerSession } from './session.js';
import { testApplication } from './test-support/app.js';
import { mutatedStream, randomSplit, sessionPolicy } from './test-support/streams.js';

interface Observed {
  readonly writes: Uint8Array[];
  readonly afterClose: number;
  readonly dataOutsideMessage: number;
}

/** Runs a stream through a session like an adapter would, checking invariants as it goes. */
function drive(policy: SessionPolicy, stream: Uint8Array, split: readonly number[]): Observed {
  const session = new ServerSession(policy, { nonce: '7.1700000000' });
  const writes: Uint8Array[] = [];
  let closed = false;
  let afterClose = 0;
  let inMessage = false;
  let dataOutsideMessage = 0;
  const pump = () => {
    for (let guard = 0; guard < 100_000; guard++) {
      const action = session.next();
      if (action === undefined) {
        const pending = session.pending;
        if (pending === undefined) return;
        if (pending.type === 'message-end') inMessage = false;
        const decision = testApplication(pending, session);
        if (decision === undefined) return;
        session.decide(
          pending.type === 'message-end' && policy.lmtp === true
            ? { perRecipient: pending.envelope.recipients.map(() => decision as { accept: true }) }
            : decision,
        );
        continue;
      }
      if (closed) afterClose++;
      if (action.type === 'close') closed = true;
      if (action.type === 'write') writes.push(action.data);
      if (action.type === 'event') {
        const event = action.event;
        if (event.type === 'message-start') inMessage = true;
        if (event.type === 'message-abort') inMessage = false;
        if (event.type === 'message-data' && !inMessage) dataOutsideMessage++;
      }
    }
    throw new Error('session did not settle');
  };
  pump();
  let at = 0;
  for (const size of [...split, stream.length]) {
    if (at >= stream.length) break;
    session.receive(stream.slice(at, at + size));
    at += size;
    pump();
  }
  return { writes, afterClose, dataOutsideMessage };
}

function expectWellFormed(writes: readonly Uint8Array[]): void {
  for (const write of writes) {
    const parser = new ReplyParser({ lineEndings: 'strict', maxLineLength: 512 });
    const events = parser.push(write);
    expect(events.map((event) => event.kind)).toEqual(['reply']);
    expect(parser.buffered).toBe(0);
  }
}

describe('fuzz', () => {
  it('random and mutated streams never throw, and every write is one well-formed reply', () => {
    fc.assert(
      fc.property(
        sessionPolicy,
        mutatedStream.chain((stream) => fc.tuple(fc.constant(stream), randomSplit(stream.length))),
        (policy, [stream, split]) => {
          const observed = drive(policy, stream, split);
          expect(observed.writes.length).toBeGreaterThan(0);
          expectWellFormed(observed.writes);
          expect(observed.afterClose).toBe(0);
          expect(observed.dataOutsideMessage).toBe(0);
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 500) },
    );
  });

  it('the first write is always the greeting', () => {
    fc.assert(
      fc.property(sessionPolicy, mutatedStream, (policy, stream) => {
        const [first] = drive(policy, stream, []).writes;
        expect(new TextDecoder().decode(first)).toMatch(/^220 mx\.example\.test (ESMTP|LMTP) /);
      }),
      { numRuns: 100 },
    );
  });
});
