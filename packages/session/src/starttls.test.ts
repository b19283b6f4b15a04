/** STARTTLS: the upgrade, and the CVE-2011-0411 class of command injection. */
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { testApplication } from './test-support/app.js';
import { Driver, octets } from './test-support/driver.js';
import { expectScript } from './test-support/script.js';

const POLICY: SessionPolicy = { hostname: 'mx.example.test', tls: { available: true, active: false } };
const EHLO = 'S: 220 *\nC: EHLO c.example\nS: 250-*\nS: ...\nS: 250 HELP\n';
const INJECTION = 'STARTTLS\r\nMAIL FROM:<evil@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\n';

function mails(driver: Driver): number {
  return driver.events.filter((event) => event.type === 'mail').length;
}

describe('STARTTLS', () => {
  it('answers 220 2.0.0, emits the event, then the starttls action, and waits for the handshake', () => {
    const driver = new Driver(POLICY).send('EHLO c.example\r\nSTARTTLS\r\n');
    expect(driver.actions.slice(-3)).toEqual([
      { write: '220 2.0.0 Ready to start TLS\r\n' },
      { event: { type: 'starttls' } },
      { starttls: true },
    ]);
    expect(driver.session.state).toBe('starttls');
    driver.session.tlsEstablished();
    expect(driver.session.state).toBe('connected');
    expect(driver.session.info.tls).toBe(true);
  });

  it('never executes commands pipelined after it in the same chunk', () => {
    const driver = new Driver(POLICY, { decide: testApplication }).send(`EHLO c.example\r\n${INJECTION}`);
    driver.session.tlsEstablished();
    driver.pump().send('EHLO c.example\r\n');
    expect(mails(driver)).toBe(0);
    expect(driver.codes).toEqual([220, 250, 220, 250]);
  });

  it('never executes them when they arrived in other chunks before the session read the STARTTLS line', () => {
    const driver = new Driver(POLICY, { decide: testApplication });
    driver.session.receive(octets('EHLO c.example\r\nSTARTTLS\r\n'));
    driver.session.receive(octets('MAIL FROM:<evil@example.test>\r\n'));
    driver.session.receive(octets('RCPT TO:<victim@example.test>\r\n'));
    driver.pump();
    driver.session.tlsEstablished();
    driver.pump();
    expect(driver.session.buffered).toBe(0);
    driver.send('NOOP\r\n');
    expect(mails(driver)).toBe(0);
    expect(driver.codes).toEqual([220, 250, 220, 250]);
  });

  it('ignores bytes received between the starttls action and the handshake, one at a time too', () => {
    const driver = new Driver(POLICY, { decide: testApplication }).sendBytewise(
      `EHLO c.example\r\n${INJECTION}`,
    );
    driver.session.tlsEstablished();
    driver.pump();
    expect(mails(driver)).toBe(0);
    expect(driver.session.state).toBe('connected');
  });

  it('requires EHLO again after TLS, and is no longer offered; a second STARTTLS gets 503 5.5.1', () => {
    expectScript(
      POLICY,
      `${EHLO.replace('S: 250 HELP', 'S: 250-STARTTLS\nS: 250 HELP')}C: STARTTLS\nS: 220 2.0.0 *\n@tls\nC: MAIL FROM:<a@example.test>\nS: 503 5.5.1 *\nC: EHLO c.example\nS: 250-*\nS: ...\nS: 250 HELP\nC: STARTTLS\nS: 503 5.5.1 *`,
    );
  });

  it('502 5.5.1 when TLS is not available; 503 5.5.1 before EHLO, after HELO and in a transaction; 501 5.5.4 with an argument', () => {
    expectScript({ hostname: 'mx.example.test' }, `${EHLO}C: STARTTLS\nS: 502 5.5.1 *`);
    expectScript(
      POLICY,
      'S: 220 *\nC: STARTTLS\nS: 503 5.5.1 *\nC: HELO c\nS: 250 *\nC: STARTTLS\nS: 503 5.5.1 *',
    );
    expectScript(
      POLICY,
      `${EHLO.replace('S: 250 HELP', 'S: 250 *')}C: MAIL FROM:<a@example.test>\nS: 250 2.1.0 *\nC: STARTTLS\nS: 503 5.5.1 *\nC: RSET\nS: 250 *\nC: STARTTLS now\nS: 501 5.5.4 *`,
    );
  });

  it('is refused on a connection that started with TLS', () => {
    expectScript(
      { hostname: 'mx.example.test', tls: { available: true, active: true } },
      `${EHLO}C: STARTTLS\nS: 503 5.5.1 *`,
    );
  });

  it('tlsEstablished without a pending handshake is a programming error', () => {
    const driver = new Driver(POLICY);
    expect(() => driver.session.tlsEstablished()).toThrow(/no STARTTLS handshake/);
  });

  it('a time-out or shutdown during the handshake only closes (no plain-text reply into the TLS stream)', () => {
    for (const stop of ['timedOut', 'shutdown'] as const) {
      const driver = new Driver(POLICY).send('EHLO c.example\r\nSTARTTLS\r\n');
      const before = driver.writes.length;
      driver.session[stop]();
      driver.pump();
      expect(driver.writes.length).toBe(before);
      expect(driver.actions.at(-1)).toEqual({ close: true });
    }
  });
});
