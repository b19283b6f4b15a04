/**
 * Random client sessions as plans: the octets to write, step by step, how many replies each step
 * gets, and which message each step completes. The fault and soak checks play them against real
 * servers and compare the store with what the plan says was acknowledged.
 */
import fc from 'fast-check';
import { stuffAndTerminate } from './data-model.js';

/** One write of the client and the replies it then waits for. */
export interface Step {
  readonly bytes: string;
  readonly replies: number;
  /** The message whose fate the last of these replies tells (the reply to its end). */
  readonly completes?: number;
}

/** A message of a plan: what the server must store if it acknowledges it. */
export interface PlannedMessage {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The octets as they must be stored (unstuffed, exactly as the client meant them). */
  readonly body: string;
}

/** A whole session. */
export interface SessionPlan {
  readonly steps: readonly Step[];
  readonly messages: readonly PlannedMessage[];
}

/** The random shape of one transaction. */
export interface TransactionShape {
  readonly recipients: number;
  readonly transfer: 'DATA' | 'BDAT';
  /** Text lines (DATA) or any octets (BDAT) after the id header. */
  readonly content: string;
  /** Where the BDAT chunks end, as fractions of the body. */
  readonly cuts: readonly number[];
  /** Something the client says before the transaction. */
  readonly before: 'nothing' | 'RSET' | 'NOOP' | 'unknown command' | 'RCPT before MAIL';
}

/** The random shape of one session. */
export interface SessionShape {
  readonly greeting: 'EHLO' | 'HELO';
  readonly pipelining: boolean;
  readonly transactions: readonly TransactionShape[];
  readonly quit: boolean;
}

/** Text lines with what trips decoders: leading dots, a lone dot, 8-bit octets, long and empty lines. */
const textLine = fc.oneof(
  fc.constantFrom('', '.', '..', '. ', '.hidden', 'From: a@example.test', 'Subject: test', '\xe9t\xe9 \xff'),
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '.', '-', ':', '\t'), maxLength: 40 }),
  fc.nat({ max: 2000 }).map((n) => 'L'.repeat(n)),
);

const textContent = fc
  .array(textLine, { maxLength: 12 })
  .map((lines) => lines.map((line) => `${line}\r\n`).join(''));

/** Any octets, CR, LF, NUL and the end-of-data look-alikes included (BDAT counts them, so all pass). */
const binaryContent = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((n) => String.fromCharCode(n)),
      fc.constantFrom('\r\n.\r\n', '\n.\n', '\r\n'),
    ),
    {
      maxLength: 300,
    },
  )
  .map((parts) => parts.join(''));

const transaction: fc.Arbitrary<TransactionShape> = fc
  .record({
    recipients: fc.integer({ min: 1, max: 3 }),
    transfer: fc.constantFrom<'DATA' | 'BDAT'>('DATA', 'BDAT'),
    text: textContent,
    binary: binaryContent,
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
    before: fc.constantFrom<TransactionShape['before']>(
      'nothing',
      'nothing',
      'RSET',
      'NOOP',
      'unknown command',
      'RCPT before MAIL',
    ),
  })
  .map(({ text, binary, transfer, ...rest }) => ({
    ...rest,
    transfer,
    content: transfer === 'DATA' ? text : binary,
  }));

/** Random session shapes (at most four transactions). */
export const sessionShape: fc.Arbitrary<SessionShape> = fc.record({
  greeting: fc.constantFrom<'EHLO' | 'HELO'>('EHLO', 'EHLO', 'HELO'),
  pipelining: fc.boolean(),
  transactions: fc.array(transaction, { maxLength: 4 }),
  quit: fc.boolean(),
});

/**
 * Turns a shape into the plan a client plays. Message ids are `${tag}.${index}`, at the start of
 * every body, so each stored file can be traced to the message it must be. HELO sessions use
 * neither PIPELINING nor BDAT (they are not offered then).
 */
export function planSession(shape: SessionShape, tag: string): SessionPlan {
  const extended = shape.greeting === 'EHLO';
  const steps: Step[] = [{ bytes: `${shape.greeting} client.test\r\n`, replies: 1 }];
  const messages: PlannedMessage[] = [];
  for (const [index, tx] of shape.transactions.entries()) {
    const id = `${tag}.${index}`;
    const from = `s${index}@example.test`;
    const to = Array.from({ length: tx.recipients }, (_, r) => `r${r}@example.test`);
    const transfer = extended ? tx.transfer : 'DATA';
    const content = transfer === 'DATA' && tx.transfer === 'BDAT' ? '' : tx.content;
    const body = `X-Id: ${id}\r\n${content}`;
    const number = messages.push({ id, from, to, body }) - 1;
    const before = {
      nothing: '',
      RSET: 'RSET\r\n',
      NOOP: 'NOOP\r\n',
      'unknown command': 'XYZZY\r\n',
      'RCPT before MAIL': 'RCPT TO:<early@example.test>\r\n',
    }[tx.before];
    if (before !== '') steps.push({ bytes: before, replies: 1 });
    const envelope = [`MAIL FROM:<${from}>\r\n`, ...to.map((address) => `RCPT TO:<${address}>\r\n`)];
    if (transfer === 'DATA') envelope.push('DATA\r\n');
    if (extended && shape.pipelining) steps.push({ bytes: envelope.join(''), replies: envelope.length });
    else for (const line of envelope) steps.push({ bytes: line, replies: 1 });
    if (transfer === 'DATA') {
      steps.push({ bytes: stuffAndTerminate(body), replies: 1, completes: number });
      continue;
    }
    const ends = [...new Set(tx.cuts.map((fraction) => Math.floor(fraction * body.length)))]
      .filter((end) => end > 0 && end < body.length)
      .sort((a, b) => a - b);
    let start = 0;
    for (const end of [...ends, body.length]) {
      const last = end === body.length;
      const chunk = body.slice(start, end);
      steps.push({
        bytes: `BDAT ${chunk.length}${last ? ' LAST' : ''}\r\n${chunk}`,
        replies: 1,
        ...(last ? { completes: number } : {}),
      });
      start = end;
    }
  }
  if (shape.quit) steps.push({ bytes: 'QUIT\r\n', replies: 1 });
  return { steps, messages };
}
