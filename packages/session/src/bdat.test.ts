/** BDAT (RFC 3030): chunks, LAST, BDAT 0 LAST, refusals that still read the chunk, limits. */
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { testApplication } from './test-support/app.js';
import { Driver } from './test-support/driver.js';
import { expectScript } from './test-support/script.js';

const POLICY: SessionPolicy = { hostname: 'mx.example.test' };
const OPEN =
  'S: 220 *\nC: EHLO c.example\nS: 250-*\nS: ...\nS: 250 HELP\nC: MAIL FROM:<a@example.test>\nC: RCPT TO:<b@example.test>\nS: 250 2.1.0 *\nS: 250 2.1.5 *\n';

function run(script: string, policy: SessionPolicy = POLICY): Driver {
  return expectScript(policy, OPEN + script, { decide: testApplication });
}

describe('BDAT', () => {
  it('accepts chunks, answers each, and stores the message after LAST', () => {
    const driver = run(
      'C! BDAT 4\\r\\none BDAT 4\\r\\ntwo BDAT 5 LAST\\r\\nthree\nS: 250 2.0.0 Ok: 4 octets received\nS: 250 2.0.0 Ok: 4 octets received\nS: 250 2.0.0 Ok: queued as Q1',
    );
    expect(driver.messages[0]).toMatchObject({ body: 'one two three', queueId: 'Q1' });
    const start = driver.events.find((event) => event.type === 'message-start');
    expect(start).toMatchObject({ via: 'BDAT' });
    expect(driver.events.find((event) => event.type === 'message-end')).toMatchObject({
      size: 13,
      via: 'BDAT',
    });
    expect(driver.session.state).toBe('ready');
  });

  it('BDAT 0 LAST ends an empty message, or a chunked one', () => {
    expect(run('C: BDAT 0 LAST\nS: 250 2.0.0 Ok: queued as Q1').messages[0]?.body).toBe('');
    expect(
      run('C! BDAT 3\\r\\nabcBDAT 0 LAST\\r\\n\nS: 250 2.0.0 *\nS: 250 2.0.0 Ok: queued as Q1').messages[0]
        ?.body,
    ).toBe('abc');
  });

  it('a chunk split across many receives is read exactly', () => {
    const body = 'x'.repeat(1000);
    const driver = new Driver(POLICY).send(
      `EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT 1000 LAST\r\n${body}NOOP\r\n`,
      Array.from({ length: 200 }, () => 7),
    );
    expect(driver.messages[0]?.body).toBe(body);
    expect(driver.writes.at(-1)).toBe('250 2.0.0 Ok\r\n');
  });

  it('DATA after BDAT in one transaction gets 503 5.5.1, and so does RCPT', () => {
    run(
      'C! BDAT 2\\r\\nab\nS: 250 2.0.0 *\nC: DATA\nS: 503 5.5.1 *\nC: RCPT TO:<c@example.test>\nS: 503 5.5.1 *\nC: BDAT 0 LAST\nS: 250 2.0.0 *',
    );
  });

  it('before RCPT: 503 5.5.1, and the chunk is read rather than run as commands', () => {
    const driver = expectScript(
      POLICY,
      'S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: MAIL FROM:<a@example.test>\nS: 250 2.1.0 *\nC! BDAT 6\\r\\nQUIT\\r\\n\nS: 503 5.5.1 *\n@open',
    );
    expect(driver.events.some((event) => event.type === 'quit')).toBe(false);
  });

  it('after every recipient was refused: 554 5.5.1 (the DATA rule)', () => {
    expectScript(
      POLICY,
      'S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: MAIL FROM:<a@example.test>\nC: RCPT TO:<unknown@example.test>\nS: 250 2.1.0 *\nS: 550 5.1.1 *\nC! BDAT 3 LAST\\r\\nabc\nS: 554 5.5.1 *',
      { decide: testApplication },
    );
  });

  it('without MAIL or before EHLO: 503 5.5.1 with the chunk read', () => {
    expectScript(
      POLICY,
      'S: 220 *\nC! BDAT 6\\r\\nNOOP\\r\\n\nS: 503 5.5.1 *\nC: EHLO c\nS: 250-*\nS: ...\nC! BDAT 6\\r\\nNOOP\\r\\n\nS: 503 5.5.1 *',
    );
  });

  it('when CHUNKING is off: 502 5.5.1; after HELO: 503 5.5.1; the chunk is read either way', () => {
    expectScript(
      { hostname: 'mx.example.test', extensions: { chunking: false } },
      'S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: MAIL FROM:<a@example.test>\nC: RCPT TO:<b@example.test>\nS: 250 *\nS: 250 *\nC! BDAT 6\\r\\nNOOP\\r\\n\nS: 502 5.5.1 *',
    );
    expectScript(
      POLICY,
      'S: 220 *\nC: HELO c\nS: 250 *\nC: MAIL FROM:<a@example.test>\nC: RCPT TO:<b@example.test>\nS: 250 *\nS: 250 *\nC! BDAT 6\\r\\nNOOP\\r\\n\nS: 503 5.5.1 *',
    );
  });

  it('a malformed size gets 501 5.5.4', () => {
    run('C: BDAT ten\nS: 501 5.5.4 *\nC: BDAT -1\nS: 501 5.5.4 *\nC: BDAT 1 FIRST\nS: 501 5.5.4 *');
  });

  it('over the size limit: 552 5.3.4, the message aborted, later chunks read and refused until LAST', () => {
    const driver = run(
      'C! BDAT 6\\r\\n123456BDAT 6\\r\\n789012BDAT 6\\r\\nNOOP\\r\\nBDAT 2 LAST\\r\\nxy\nS: 250 2.0.0 *\nS: 552 5.3.4 *\nS: 552 5.3.4 *\nS: 552 5.3.4 *\nC: MAIL FROM:<a@example.test>\nS: 250 2.1.0 *',
      { hostname: 'mx.example.test', maxMessageSize: 10 },
    );
    expect(driver.messages).toHaveLength(0);
    expect(driver.aborted).toEqual(['size']);
  });

  it('a first chunk over the limit is refused before any message starts', () => {
    const driver = run('C! BDAT 20 LAST\\r\\n01234567890123456789\nS: 552 5.3.4 *', {
      hostname: 'mx.example.test',
      maxMessageSize: 10,
    });
    expect(driver.events.some((event) => event.type === 'message-start')).toBe(false);
    expect(driver.session.state).toBe('ready');
  });

  it('RSET, EHLO and QUIT between chunks abort the message', () => {
    expect(run('C! BDAT 2\\r\\nab\nS: 250 *\nC: RSET\nS: 250 2.0.0 *').aborted).toEqual(['rset']);
    expect(run('C! BDAT 2\\r\\nab\nS: 250 *\nC: EHLO c\nS: 250-*\nS: ...').aborted).toEqual(['rset']);
    expect(run('C! BDAT 2\\r\\nab\nS: 250 *\nC: QUIT\nS: 221 *').aborted).toEqual(['quit']);
  });

  it('BODY=BINARYMIME needs BDAT: DATA gets 503 5.5.1', () => {
    expectScript(
      POLICY,
      'S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: MAIL FROM:<a@example.test> BODY=BINARYMIME\nC: RCPT TO:<b@example.test>\nC: DATA\nS: 250 *\nS: 250 *\nS: 503 5.5.1 *\nC! BDAT 3 LAST\\r\\n\\0\\xff\\n\nS: 250 2.0.0 *',
    );
  });
});
