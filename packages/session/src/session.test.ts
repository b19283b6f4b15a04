/** The ServerSession API as an adapter uses it: decisions, buffering, lifecycle, errors. */
import { SmtpError } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { Decision } from './events.js';
import type { SessionPolicy } from './policy.js';
import { ServerSession } from './session.js';
import { testApplication } from './test-support/app.js';
import { Driver, latin1, octets } from './test-support/driver.js';
import { expectScript } from './test-support/script.js';

const POLICY: SessionPolicy = { hostname: 'mx.example.test' };
const hold = () => undefined;
const OPEN = 'EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n';

/** A driver whose application answers nothing: the test decides by hand. */
function manual(policy: SessionPolicy = POLICY): Driver {
  return new Driver(policy, { decide: hold });
}

describe('ServerSession', () => {
  it('starts with the greeting write, then the greeting event', () => {
    const session = new ServerSession(POLICY);
    const first = session.next();
    expect(first?.type === 'write' && latin1(first.data)).toBe(
      '220 mx.example.test ESMTP smtp-workbench\r\n',
    );
    expect(session.next()).toEqual({ type: 'event', event: { type: 'greeting' } });
    expect(session.next()).toBeUndefined();
    expect(session.state).toBe('connected');
  });

  it('holds input while a decision is pending, then answers pipelined commands in order', () => {
    const driver = manual().send(
      'EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nNOOP\r\n',
    );
    expect(driver.session.pending).toMatchObject({ type: 'mail', from: { address: 'a@example.test' } });
    expect(driver.session.buffered).toBeGreaterThan(0);
    const before = driver.writes.length;
    driver.send('RSET\r\n');
    expect(driver.writes.length).toBe(before);
    driver.session.decide({ accept: true, message: 'Sender fine' });
    driver.pump();
    expect(driver.session.pending).toMatchObject({ type: 'rcpt', envelope: { recipients: [] } });
    driver.session.decide({ accept: false, error: new SmtpError(450, 'Try later', { enhanced: '4.2.0' }) });
    driver.pump();
    expect(driver.writes.slice(before)).toEqual([
      '250 2.1.0 Sender fine\r\n',
      '450 4.2.0 Try later\r\n',
      '250 2.0.0 Ok\r\n',
      '250 2.0.0 Ok\r\n',
    ]);
    expect(driver.session.buffered).toBe(0);
  });

  it('refuses decisions it cannot write, and stays unchanged', () => {
    const driver = manual().send('EHLO c.example\r\nMAIL FROM:<a@example.test>\r\n');
    const session = driver.session;
    const wrong: Decision[] = [
      { accept: false, error: { code: 250, message: 'not an error' } },
      { accept: false, error: { code: 550, message: 'two\r\nlines' } },
      { accept: false, error: { code: 550, enhanced: '4.1.1', message: 'class mismatch' } },
      { accept: false, error: { code: 550, enhanced: '5.1', message: 'malformed' } },
      { accept: true, message: 'x\ny' },
      { accept: true, code: 251 },
      { accept: true, queueId: 'has space' },
      { perRecipient: [] },
    ];
    for (const decision of wrong) expect(() => session.decide(decision)).toThrow();
    expect(session.pending?.type).toBe('mail');
    session.decide({ accept: true });
    expect(() => session.decide({ accept: true })).toThrow(/no decision is pending/);
  });

  it('fills in an enhanced code for refusals without one, writes several lines, and closes on 421', () => {
    const driver = manual().send('EHLO c.example\r\nMAIL FROM:<a@example.test>\r\n');
    driver.session.decide({ accept: false, error: { code: 550, message: 'No' } });
    driver.pump().send('MAIL FROM:<a@example.test>\r\n');
    driver.session.decide({
      accept: false,
      error: new SmtpError(550, 'first', { enhanced: '5.7.1', lines: ['first', 'second'] }),
    });
    driver.pump().send('MAIL FROM:<a@example.test>\r\n');
    driver.session.decide({ accept: false, error: new SmtpError(421, 'Going away', { enhanced: '4.3.2' }) });
    driver.pump();
    expect(driver.writes.slice(-3)).toEqual([
      '550 5.0.0 No\r\n',
      '550-5.7.1 first\r\n550 5.7.1 second\r\n',
      '421 4.3.2 Going away\r\n',
    ]);
    expect(driver.closed).toBe(true);
  });

  it('accepts a message without a queue id as plain 250 2.0.0 Ok', () => {
    const driver = manual().send(`${OPEN}hi\r\n.\r\n`);
    driver.session.decide({ accept: true });
    driver.pump();
    driver.session.decide({ accept: true });
    driver.pump();
    expect(driver.session.pending?.type).toBe('message-end');
    driver.session.decide({ accept: true });
    driver.pump();
    expect(driver.writes.at(-1)).toBe('250 2.0.0 Ok\r\n');
  });

  it('writes no enhanced codes when ENHANCEDSTATUSCODES is off', () => {
    const driver = expectScript(
      { hostname: 'mx.example.test', extensions: { enhancedstatuscodes: false } },
      'S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nS: 250 HELP\nC: NOOP\nS: 250 Ok\nC: FROB\nS: 500 Command not recognized\nC: HELP\nS: 214-*\nS: ...\nS: 214 End of HELP',
    );
    expect(driver.output).not.toContain('ENHANCEDSTATUSCODES');
  });

  it('hands body pieces over as views into the received bytes (no copies)', () => {
    const session = new ServerSession(POLICY);
    const received = octets(`${OPEN}Subject: zero-copy\r\n\r\nbody\r\n.\r\n`);
    session.receive(received);
    const pieces: Uint8Array[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const action = session.next();
      if (action === undefined) {
        if (session.pending === undefined) break;
        session.decide({ accept: true });
        continue;
      }
      if (action.type === 'event' && action.event.type === 'message-data') pieces.push(action.event.data);
    }
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) expect(piece.buffer).toBe(received.buffer);
  });

  it('peerClosed mid-DATA aborts the message and ends the session without a close action', () => {
    const driver = new Driver(POLICY).send(`${OPEN}Subject: cut\r\n`);
    driver.session.peerClosed();
    driver.pump();
    expect(driver.aborted).toEqual(['disconnect']);
    expect(driver.closed).toBe(false);
    expect(driver.session.state).toBe('closed');
    driver.send('.\r\n');
    expect(driver.messages).toHaveLength(0);
    driver.session.peerClosed();
    driver.session.timedOut();
    driver.session.shutdown();
    expect(driver.pump().actions.at(-1)).toEqual({ event: { type: 'message-abort', reason: 'disconnect' } });
  });

  it('a time-out while the application stores a message aborts it; the late answer is ignored', () => {
    const driver = manual().send(OPEN);
    driver.session.decide({ accept: true });
    driver.pump();
    driver.session.decide({ accept: true });
    driver.pump().send('hi\r\n.\r\n');
    expect(driver.session.pending?.type).toBe('message-end');
    driver.session.timedOut();
    driver.pump();
    expect(driver.aborted).toEqual(['timeout']);
    expect(driver.writes.at(-1)).toMatch(/^421 4\.4\.2 /);
    expect(() => driver.session.decide({ accept: true, queueId: 'late' })).not.toThrow();
    expect(driver.pump().writes.at(-1)).toMatch(/^421 4\.4\.2 /);
  });

  it('a graceful shutdown waits for a pending decision, answers it, then says 421 4.3.2', () => {
    const driver = manual().send('EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nNOOP\r\n');
    driver.session.shutdown();
    driver.pump();
    expect(driver.closed).toBe(false);
    driver.session.decide({ accept: true });
    driver.pump();
    expect(driver.writes.slice(-2)).toEqual([
      '250 2.1.0 Ok\r\n',
      '421 4.3.2 Service shutting down; closing connection\r\n',
    ]);
    expect(driver.closed).toBe(true);
  });

  it('a graceful shutdown between BDAT chunks lets the message finish', () => {
    const driver = new Driver(POLICY).send(
      'EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 2\r\nab',
    );
    driver.session.shutdown();
    driver.pump().send('BDAT 1 LAST\r\nc');
    expect(driver.messages.map((message) => message.body)).toEqual(['abc']);
    expect(driver.writes.at(-1)).toMatch(/^421 4\.3\.2 /);
  });

  it('a shutdown during an AUTH exchange stops at once', () => {
    const driver = new Driver({
      hostname: 'mx.example.test',
      auth: { mechanisms: ['LOGIN'], allowInsecure: true },
    }).send('EHLO c\r\nAUTH LOGIN\r\n');
    expect(driver.session.state).toBe('auth');
    driver.session.shutdown();
    driver.pump();
    expect(driver.writes.at(-1)).toMatch(/^421 4\.3\.2 /);
  });

  it('gives up with 421 4.7.0 when too much input piles up behind a pending decision', () => {
    const driver = manual({ hostname: 'mx.example.test', maxPipelineBuffer: 100 }).send(OPEN);
    driver.session.decide({ accept: true });
    driver.pump();
    driver.session.decide({ accept: true });
    driver.pump().send('hi\r\n.\r\n');
    expect(driver.session.pending?.type).toBe('message-end');
    driver.send('NOOP\r\n'.repeat(10));
    expect(driver.closed).toBe(false);
    driver.send('NOOP\r\n'.repeat(10));
    expect(driver.writes.at(-1)).toMatch(/^421 4\.7\.0 /);
    expect(driver.aborted).toEqual(['overflow']);
    expect(driver.closed).toBe(true);
  });

  it('reports its own error replies as protocol-error events with the command line', () => {
    const driver = new Driver(POLICY).send('EHLO c\r\nDATA\r\nMAIL FROM:<a@@b>\r\n');
    expect(driver.events.filter((event) => event.type === 'protocol-error')).toEqual([
      { type: 'protocol-error', code: 503, enhanced: '5.5.1', line: 'DATA' },
      { type: 'protocol-error', code: 501, enhanced: '5.1.7', line: 'MAIL FROM:<a@@b>' },
    ]);
  });

  it('reads verbs and FROM:/TO: in any case', () => {
    const driver = expectScript(
      POLICY,
      'S: 220 *\nC: ehlo c.example\nS: 250-*\nS: ...\nC: mail from:<a@example.test>\nS: 250 2.1.0 *\nC: Rcpt To: <b@example.test>\nS: 250 2.1.5 *\nC: dAtA\nS: 354 *',
      { decide: testApplication },
    );
    expect(driver.session.state).toBe('data');
  });

  it('masks control characters of the client name it echoes', () => {
    expectScript(POLICY, 'S: 220 *\nC: HELO a\\tb\\x01c\nS: 250 mx.example.test Hello a?b?c');
  });

  it('ignores empty input and input after close', () => {
    const driver = new Driver(POLICY).send('QUIT\r\n');
    driver.session.receive(new Uint8Array(0));
    driver.send('NOOP\r\n');
    expect(driver.writes).toHaveLength(2);
    expect(driver.session.buffered).toBe(0);
  });

  it('exposes what it knows about the connection', () => {
    const driver = new Driver({ hostname: 'mx.example.test', tls: { available: false, active: true } }).send(
      'EHLO c\r\nFROB\r\n',
    );
    expect(driver.session.info).toEqual({
      greeting: { verb: 'EHLO', domain: 'c' },
      tls: true,
      authenticatedAs: undefined,
      errors: 1,
      authFailures: 0,
    });
    expect(driver.session.policy.maxRecipients).toBe(100);
  });

  it('times out with 421 4.4.2 and close in every phase, aborting a message in progress', () => {
    const auth: SessionPolicy = {
      hostname: 'mx.example.test',
      maxMessageSize: 10,
      auth: { mechanisms: ['LOGIN'], allowInsecure: true },
    };
    const into: Record<string, [string, boolean]> = {
      connected: ['', false],
      ready: ['EHLO c\r\n', false],
      mail: ['EHLO c\r\nMAIL FROM:<a@example.test>\r\n', false],
      rcpt: ['EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n', false],
      data: [`${OPEN}partial`, true],
      bdat: ['EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 1\r\nx', true],
      'bdat-chunk': ['EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 5\r\nx', true],
      'bdat-skip': ['EHLO c\r\nMAIL FROM:<a@example.test>\r\nBDAT 5\r\nx', false],
      'bdat-failed': [
        'EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 11\r\n01234567890',
        false,
      ],
      auth: ['EHLO c\r\nAUTH LOGIN\r\n', false],
    };
    for (const [state, [input, inMessage]] of Object.entries(into)) {
      const driver = new Driver(auth).send(input);
      expect(driver.session.state).toBe(state);
      driver.session.timedOut();
      driver.pump();
      expect(driver.actions.slice(-2), state).toEqual([
        { write: '421 4.4.2 Idle timeout; closing connection\r\n' },
        { close: true },
      ]);
      expect(driver.aborted, state).toEqual(inMessage ? ['timeout'] : []);
      expect(driver.session.state).toBe('closed');
    }
  });
});
