/**
 * Chunk-split invariance: the same client bytes give the same replies and events however they
 * are cut into `receive` calls (all at once, one octet at a time, or at random points).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { testApplication } from './test-support/app.js';
import { Driver, normalizeActions, type RecordedAction } from './test-support/driver.js';
import { policyAndStream, randomSplit } from './test-support/streams.js';

const CONNECTION = { nonce: '42.1700000000' };

function actionsFor(
  policy: SessionPolicy,
  stream: Uint8Array,
  split: readonly number[] | 'bytewise',
): RecordedAction[] {
  const driver = new Driver(policy, { decide: testApplication, connection: CONNECTION });
  if (split === 'bytewise') driver.sendBytewise(stream);
  else driver.send(stream, split);
  return normalizeActions(driver.actions);
}

describe('chunk-split invariance', () => {
  it('all at once, byte by byte and at random splits give the same actions', () => {
    fc.assert(
      fc.property(
        policyAndStream.chain(([policy, stream]) =>
          fc.tuple(fc.constant(policy), fc.constant(stream), randomSplit(stream.length)),
        ),
        ([policy, stream, split]) => {
          const whole = actionsFor(policy, stream, []);
          expect(actionsFor(policy, stream, 'bytewise')).toEqual(whole);
          expect(actionsFor(policy, stream, split)).toEqual(whole);
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 300) },
    );
  });

  it('the fixed awkward chunk sizes (1, 2, 3, 5, 7) give the same actions', () => {
    fc.assert(
      fc.property(policyAndStream, ([policy, stream]) => {
        const whole = actionsFor(policy, stream, []);
        for (const size of [2, 3, 5, 7]) {
          const split = Array.from({ length: Math.ceil(stream.length / size) }, () => size);
          expect(actionsFor(policy, stream, split)).toEqual(whole);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a whole conversation with DATA and BDAT stores the same message at every split', () => {
    const stream =
      'EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n' +
      'Subject: one\r\n\r\n..dot\r\n.\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n' +
      'BDAT 6\r\nchunk\nBDAT 4 LAST\r\n\r\n.\rQUIT\r\n';
    const policy = { hostname: 'mx.example.test' };
    const whole = new Driver(policy).send(stream);
    expect(whole.messages.map((message) => message.body)).toEqual([
      'Subject: one\r\n\r\n.dot\r\n',
      'chunk\n\r\n.\r',
    ]);
    for (let size = 1; size <= 9; size++) {
      const split = Array.from({ length: Math.ceil(stream.length / size) }, () => size);
      const driver = new Driver(policy).send(stream, split);
      expect(driver.messages).toEqual(whole.messages);
      expect(normalizeActions(driver.actions)).toEqual(normalizeActions(whole.actions));
    }
  });
});
