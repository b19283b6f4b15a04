/** LMTP (RFC 2033): LHLO, and one reply per accepted recipient after the message. */
import { SmtpError } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { testApplication } from './test-support/app.js';
import { type Decider, Driver } from './test-support/driver.js';
import { expectScript } from './test-support/script.js';

const POLICY: SessionPolicy = { hostname: 'lmtp.example.test', lmtp: true };
const OPEN = `S: 220 lmtp.example.test LMTP smtp-workbench
C: LHLO c.example
S: 250-lmtp.example.test Hello c.example
S: ...
S: 250 HELP
C: MAIL FROM:<a@example.test>
C: RCPT TO:<one@example.test>
C: RCPT TO:<unknown@example.test>
C: RCPT TO:<two@example.test>
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 550 5.1.1 *
S: 250 2.1.5 *
`;

/** Stores for `one`, refuses `two` with a full mailbox. */
const perRecipient: Decider = (event, session) => {
  if (event.type !== 'message-end') return testApplication(event, session);
  return {
    perRecipient: event.envelope.recipients.map((recipient) =>
      recipient.to.address.startsWith('two@')
        ? { accept: false as const, error: new SmtpError(452, 'Mailbox full', { enhanced: '4.2.2' }) }
        : { accept: true as const, queueId: 'L1' },
    ),
  };
};

describe('LMTP', () => {
  it('greets with LMTP, takes LHLO, and answers every accepted recipient after DATA', () => {
    const driver = expectScript(
      POLICY,
      `${OPEN}C: DATA\nS: 354 *\nC: Subject: x\nC: .\nS: 250 2.0.0 <one@example.test> Ok: queued as L1\nS: 452 4.2.2 <two@example.test> Mailbox full`,
      { decide: perRecipient },
    );
    const end = driver.events.find((event) => event.type === 'message-end');
    expect(end).toMatchObject({
      envelope: {
        recipients: [{ to: { address: 'one@example.test' } }, { to: { address: 'two@example.test' } }],
      },
    });
  });

  it('applies a single decision to every recipient', () => {
    expectScript(
      POLICY,
      `${OPEN}C: DATA\nS: 354 *\nC: .\nS: 250 2.0.0 <one@example.test> Ok: queued as Q1\nS: 250 2.0.0 <two@example.test> Ok: queued as Q1`,
      { decide: testApplication },
    );
  });

  it('answers per recipient after BDAT LAST too', () => {
    expectScript(
      POLICY,
      `${OPEN}C! BDAT 3 LAST\\r\\nabc\nS: 250 2.0.0 <one@example.test> *\nS: 452 4.2.2 <two@example.test> *`,
      { decide: perRecipient },
    );
  });

  it('refuses EHLO and HELO with 500 5.5.2 (LMTP knows only LHLO)', () => {
    expectScript(
      POLICY,
      'S: 220 *\nC: EHLO c.example\nS: 500 5.5.2 *\nC: HELO c.example\nS: 500 5.5.2 *\nC: LHLO\nS: 501 5.5.4 *',
    );
  });

  it('checks the per-recipient list against the recipients', () => {
    const driver = new Driver(POLICY, { decide: () => undefined });
    driver.send('LHLO c\r\nMAIL FROM:<a@example.test>\r\n');
    driver.session.decide({ accept: true });
    driver.pump().send('RCPT TO:<b@example.test>\r\n');
    driver.session.decide({ accept: true });
    driver.pump().send('DATA\r\nhi\r\n.\r\n');
    expect(driver.session.pending?.type).toBe('message-end');
    expect(() => driver.session.decide({ perRecipient: [] })).toThrow(RangeError);
    expect(driver.session.pending?.type).toBe('message-end');
    driver.session.decide({ perRecipient: [{ accept: true, queueId: 'X' }] });
    driver.pump();
    expect(driver.writes.at(-1)).toBe('250 2.0.0 <b@example.test> Ok: queued as X\r\n');
  });
});
