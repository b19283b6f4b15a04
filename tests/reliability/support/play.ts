import { RawClient } from './raw-client.js';
import type { SessionPlan } from './sessions.js';

/** How a connection is cut: half-close (the client still reads every reply) or a TCP reset. */
export type CutMode = 'fin' | 'rst';

/** Where and how to cut a session; `at` counts the octets written before the cut. */
export interface Cut {
  readonly at: number;
  readonly mode: CutMode;
}

/** What the client knows after playing a plan. */
export interface PlayOutcome {
  /** Messages whose end got a 250. */
  readonly acknowledged: readonly number[];
  /** Messages whose end got a refusal. */
  readonly refused: readonly number[];
  /**
   * Messages sent completely whose reply the client never saw (a reset right after their last
   * octet): the server may have stored them or not, but never partially.
   */
  readonly unknown: readonly number[];
  /** Octets written. */
  readonly written: number;
}

/** The octets of a whole plan. */
export function planLength(plan: SessionPlan): number {
  return plan.steps.reduce((total, step) => total + step.bytes.length, 0);
}

/**
 * Plays `plan` against the server at `port`: each step written, its replies read, until `cut.at`
 * octets have gone; then the connection is cut. A cut exactly at the end of a step comes before its
 * replies are read, so a message's last octet and the cut can meet.
 */
export async function playWithCut(
  port: number,
  plan: SessionPlan,
  cut: Cut | undefined,
): Promise<PlayOutcome> {
  const acknowledged: number[] = [];
  const refused: number[] = [];
  const unknown: number[] = [];
  const client = await RawClient.greeted(port);
  let written = 0;
  /** The fully written step whose replies the cut came before. */
  let unread: (typeof plan.steps)[number] | undefined;
  const settle = (completes: number | undefined, code: number | undefined) => {
    if (completes === undefined) return;
    if (code === 250) acknowledged.push(completes);
    else if (code === undefined) unknown.push(completes);
    else refused.push(completes);
  };
  try {
    for (const step of plan.steps) {
      if (cut !== undefined && written + step.bytes.length > cut.at) {
        client.write(step.bytes.slice(0, cut.at - written));
        written = cut.at;
        break;
      }
      client.write(step.bytes);
      written += step.bytes.length;
      if (cut !== undefined && written === cut.at) {
        unread = step;
        break;
      }
      const replies = await client.replies(step.replies, 10_000);
      settle(step.completes, replies.at(-1)?.code);
    }
    if (cut === undefined) {
      if (plan.steps.at(-1)?.bytes === 'QUIT\r\n') await client.waitClosed(10_000);
    } else if (cut.mode === 'fin') {
      client.end();
      // Every reply the server still gives arrives before its close; those for the step the cut
      // came right after are the first ones.
      const late = await client.repliesUntilClosed(10_000);
      if (unread !== undefined) {
        settle(unread.completes, late.length >= unread.replies ? late[unread.replies - 1]?.code : undefined);
      }
    } else {
      client.reset();
      if (unread !== undefined) settle(unread.completes, undefined);
    }
  } finally {
    client.destroy();
  }
  return { acknowledged, refused, unknown, written };
}
