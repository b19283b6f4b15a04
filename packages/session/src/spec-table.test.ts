/**
 * Every row of /work/shared/spec/server-behaviour.md, walked through a session with no I/O: one
 * named case per row (issue #4's acceptance criterion), then the extension, bytes-on-the-wire
 * and authentication sections.
 */
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { testApplication } from './test-support/app.js';
import { expectScript, type ScriptOptions } from './test-support/script.js';

const HOST = 'mx.example.test';
const BASE: SessionPolicy = { hostname: HOST };
const WITH_TLS: SessionPolicy = { hostname: HOST, tls: { available: true, active: false } };

/** The greeting and an EHLO, with its reply checked only at its ends. */
const EHLO = `
S: 220 ${HOST} ESMTP smtp-workbench
C: EHLO client.example
S: 250-${HOST} Hello client.example
S: ...
S: 250 HELP
`;

/** {@link EHLO} whose last line may be any extension (AUTH, when offered, comes after HELP). */
const EHLO_ANY_LAST = EHLO.replace('S: 250 HELP', 'S: 250 *');

/** {@link EHLO}, then MAIL, RCPT and DATA sent together and accepted: the message text comes next. */
const PIPELINED_DATA = `${EHLO}
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
C: DATA
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 354 *
`;

function run(script: string, policy: SessionPolicy = BASE, options: ScriptOptions = {}) {
  return expectScript(policy, script, { decide: testApplication, ...options });
}

describe('server-behaviour.md — Session and commands', () => {
  it('connect → 220 <hostname> ESMTP <product>', () => {
    run(`S: 220 ${HOST} ESMTP smtp-workbench`);
    run(`S: 220 ${HOST} ESMTP Example MTA 1.0`, { hostname: HOST, product: 'Example MTA 1.0' });
  });

  it('EHLO host → 250-<hostname> …, one line per extension, last line 250 …', () => {
    run(`
S: 220 *
C: EHLO client.example
S: 250-${HOST} Hello client.example
S: 250-PIPELINING
S: 250-SIZE 10485760
S: 250-8BITMIME
S: 250-ENHANCEDSTATUSCODES
S: 250-CHUNKING
S: 250-BINARYMIME
S: 250-SMTPUTF8
S: 250-DSN
S: 250 HELP
`);
  });

  it('HELO host → single-line 250 <hostname> …; no extension parameters afterwards', () => {
    run(`
S: 220 *
C: HELO client.example
S: 250 ${HOST} Hello client.example
C: MAIL FROM:<a@example.test> SIZE=100
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test> BODY=8BITMIME
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:<b@example.test> NOTIFY=NEVER
S: 555 5.5.4 *
`);
  });

  it('EHLO/HELO without argument → 501 5.5.4', () => {
    run(`
S: 220 *
C: EHLO
S: 501 5.5.4 *
C: HELO
S: 501 5.5.4 *
C: EHLO   
S: 501 5.5.4 *
`);
  });

  it('MAIL before EHLO/HELO → 503 5.5.1', () => {
    run(`
S: 220 *
C: MAIL FROM:<a@example.test>
S: 503 5.5.1 *
`);
  });

  it('MAIL FROM:<addr> [params] → 250 2.1.0; MAIL FROM:<> accepted', () => {
    run(`${EHLO}
C: MAIL FROM:<a@example.test> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=abc+2Bdef
S: 250 2.1.0 *
C: RSET
S: 250 2.0.0 *
C: MAIL FROM:<>
S: 250 2.1.0 *
`);
  });

  it('MAIL while a transaction is open → 503 5.5.1', () => {
    run(`${EHLO}
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: MAIL FROM:<b@example.test>
S: 503 5.5.1 *
C: RCPT TO:<c@example.test>
S: 250 2.1.5 *
C: MAIL FROM:<b@example.test>
S: 503 5.5.1 *
`);
  });

  it('MAIL/RCPT without <…> or with bad address syntax → 501 5.1.7 (MAIL) / 501 5.1.3 (RCPT)', () => {
    run(`${EHLO}
C: MAIL FROM:a@example.test
S: 501 5.1.7 *
C: MAIL FROM:<a@@example.test>
S: 501 5.1.7 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:b@example.test
S: 501 5.1.3 *
C: RCPT TO:<b example.test>
S: 501 5.1.3 *
C: RCPT TO:<>
S: 501 5.1.3 *
`);
  });

  it('unknown MAIL/RCPT parameter, or one of an extension not advertised → 555 5.5.4', () => {
    run(`${EHLO}
C: MAIL FROM:<a@example.test> FOO=bar
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test> REQUIRETLS
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test> MT-PRIORITY=3
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:<b@example.test> X-PRIORITY=1
S: 555 5.5.4 *
`);
    // An extension switched off in the policy is not advertised, so its parameters are refused.
    run(
      `${EHLO_ANY_LAST}
C: MAIL FROM:<a@example.test> RET=FULL
S: 555 5.5.4 *
C: MAIL FROM:<a@example.test> SIZE=10
S: 555 5.5.4 *
`,
      { hostname: HOST, extensions: { dsn: false, size: false } },
    );
  });

  it('SIZE=n above the limit → 552 5.3.4', () => {
    run(
      `${EHLO}
C: MAIL FROM:<a@example.test> SIZE=1001
S: 552 5.3.4 *
C: MAIL FROM:<a@example.test> SIZE=1000
S: 250 2.1.0 *
`,
      { hostname: HOST, maxMessageSize: 1000 },
    );
  });

  it('non-ASCII address without the SMTPUTF8 parameter → 553 5.6.7', () => {
    run(`${EHLO}
C: MAIL FROM:<jörg@example.test>
S: 553 5.6.7 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:<zoë@example.test>
S: 553 5.6.7 *
C: RSET
S: 250 2.0.0 *
C: MAIL FROM:<jörg@example.test> SMTPUTF8
S: 250 2.1.0 *
C: RCPT TO:<zoë@bücher.example>
S: 250 2.1.5 *
`);
  });

  it('RCPT before MAIL → 503 5.5.1', () => {
    run(`${EHLO}
C: RCPT TO:<b@example.test>
S: 503 5.5.1 *
`);
  });

  it('RCPT TO:<addr> → 250 2.1.5', () => {
    const driver = run(`${EHLO}
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.test
S: 250 2.1.5 *
C: RCPT TO:<Postmaster>
S: 250 2.1.5 *
`);
    const rcpt = driver.events.find((event) => event.type === 'rcpt');
    expect(rcpt).toMatchObject({
      to: { address: 'b@example.test' },
      params: { notify: ['SUCCESS', 'FAILURE'] },
    });
  });

  it('more recipients than the limit (default 100) → 452 4.5.3', () => {
    const recipients = Array.from({ length: 100 }, (_, i) => `C: RCPT TO:<r${i}@example.test>`).join('\n');
    const accepted = Array.from({ length: 100 }, () => 'S: 250 2.1.5 *').join('\n');
    run(`${EHLO}
C: MAIL FROM:<a@example.test>
${recipients}
C: RCPT TO:<one-too-many@example.test>
S: 250 2.1.0 *
${accepted}
S: 452 4.5.3 *
`);
    run(
      `${EHLO}
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
C: RCPT TO:<c@example.test>
C: RCPT TO:<d@example.test>
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 250 2.1.5 *
S: 452 4.5.3 *
`,
      { hostname: HOST, maxRecipients: 2 },
    );
  });

  it('DATA with no recipient accepted → 503 5.5.1 without RCPT, 554 5.5.1 when every RCPT was refused', () => {
    run(`${EHLO}
C: DATA
S: 503 5.5.1 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: DATA
S: 503 5.5.1 *
C: RCPT TO:<unknown@example.test>
S: 550 5.1.1 *
C: DATA
S: 554 5.5.1 *
C: RSET
S: 250 2.0.0 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:bad syntax
S: 501 5.1.3 *
C: DATA
S: 554 5.5.1 *
`);
  });

  it('DATA → 354; after <CRLF>.<CRLF>: 250 2.0.0 <queue id>', () => {
    const driver = run(`${EHLO}
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RCPT TO:<b@example.test>
S: 250 2.1.5 *
C: DATA
S: 354 *
C: Subject: test
C:
C: body
C: .
S: 250 2.0.0 Ok: queued as Q1
`);
    expect(driver.messages).toHaveLength(1);
    expect(driver.messages[0]?.body).toBe('Subject: test\r\n\r\nbody\r\n');
  });

  it('message over the size limit → read to the end, then 552 5.3.4; nothing stored', () => {
    const driver = run(
      `${PIPELINED_DATA}C: ${'x'.repeat(60)}
C: ${'y'.repeat(60)}
C: MAIL FROM:<smuggled@example.test>
C: .
S: 552 5.3.4 *
C: NOOP
S: 250 2.0.0 *
`,
      { hostname: HOST, maxMessageSize: 100 },
    );
    expect(driver.messages).toHaveLength(0);
    expect(driver.aborted).toEqual(['size']);
  });

  it('BDAT n / BDAT n LAST → 250 2.0.0 per chunk (queue id on LAST); before RCPT 503 5.5.1; DATA after BDAT 503 5.5.1', () => {
    const driver = run(`${EHLO}
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C! BDAT 5\\r\\nhello
S: 503 5.5.1 *
C: RCPT TO:<b@example.test>
S: 250 2.1.5 *
C! BDAT 7\\r\\nhello, 
S: 250 2.0.0 *
C: DATA
S: 503 5.5.1 *
C! BDAT 7 LAST\\r\\nworld\\r\\n
S: 250 2.0.0 Ok: queued as Q1
`);
    expect(driver.messages[0]?.body).toBe('hello, world\r\n');
  });

  it('RSET → 250 2.0.0, transaction cleared, session (EHLO, TLS, AUTH) kept', () => {
    const driver = run(
      `
S: 220 *
C: EHLO client.example
S: 250-*
S: ...
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 235 2.7.0 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: RSET
S: 250 2.0.0 *
C: RCPT TO:<b@example.test>
S: 503 5.5.1 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 503 5.5.1 *
`,
      { hostname: HOST, tls: { available: true, active: true }, auth: { mechanisms: ['PLAIN'] } },
    );
    expect(driver.session.info).toMatchObject({
      tls: true,
      authenticatedAs: 'alice',
      greeting: { verb: 'EHLO' },
    });
  });

  it('NOOP [anything] → 250 2.0.0', () => {
    run(`
S: 220 *
C: NOOP
S: 250 2.0.0 *
C: NOOP whatever you like
S: 250 2.0.0 *
`);
  });

  it('QUIT → 221 2.0.0, then the server closes', () => {
    const driver = run(`
S: 220 *
C: QUIT
S: 221 2.0.0 *
@closed
`);
    expect(driver.actions.at(-1)).toEqual({ close: true });
  });

  it('HELP [topic] → 214 (multi-line allowed)', () => {
    run(`
S: 220 *
C: HELP
S: 214-2.0.0 *
S: 214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY EXPN
S: 214 2.0.0 *
C: HELP MAIL
S: 214 2.0.0 MAIL FROM:<sender> *
C: HELP nonsense
S: 214 2.0.0 *
`);
  });

  it('VRFY x → 252 2.5.0 unless a verify hook is configured: then 250/251/550 5.1.1/553 5.1.4', () => {
    run(`
S: 220 *
C: VRFY alice
S: 252 2.5.0 *
`);
    run(
      `
S: 220 *
C: VRFY alice
S: 250 2.1.5 Alice <alice@example.test>
C: VRFY forward
S: 251 2.1.5 *
C: VRFY nobody
S: 550 5.1.1 *
C: VRFY ambiguous
S: 553 5.1.4 *
`,
      { hostname: HOST, vrfy: true },
    );
  });

  it('EXPN x → 502 5.5.1 unless an expand hook is configured', () => {
    run(`
S: 220 *
C: EXPN staff
S: 502 5.5.1 *
`);
    run(
      `
S: 220 *
C: EXPN staff
S: 250-2.1.5 Alice <alice@example.test>
S: 250 2.1.5 Bob <bob@example.test>
C: EXPN nobody
S: 550 5.1.1 *
`,
      { hostname: HOST, expn: true },
    );
  });

  it('obsolete or unimplemented verbs TURN ATRN SEND SOML SAML ETRN → 502 5.5.1', () => {
    run(`${EHLO}
C: TURN
S: 502 5.5.1 *
C: ATRN example.test
S: 502 5.5.1 *
C: SEND FROM:<a@example.test>
S: 502 5.5.1 *
C: SOML FROM:<a@example.test>
S: 502 5.5.1 *
C: SAML FROM:<a@example.test>
S: 502 5.5.1 *
C: ETRN example.test
S: 502 5.5.1 *
`);
  });

  it('unknown verb → 500 5.5.2', () => {
    run(`
S: 220 *
C: FROB
S: 500 5.5.2 *
C: X-EXPS something
S: 500 5.5.2 *
C: LHLO client.example
S: 500 5.5.2 *
`);
  });

  it('command line over 512 octets → 500 5.5.6; the line is discarded whole, the session continues', () => {
    // 510 octets + CRLF = 512: the longest line allowed.
    const longest = `NOOP ${'x'.repeat(505)}`;
    run(`
S: 220 *
C: ${longest}
S: 250 2.0.0 *
C: ${longest}y
S: 500 5.5.6 *
C: MAIL FROM:<${'a'.repeat(20000)}@example.test>
S: 500 5.5.6 *
C: EHLO client.example
S: 250-*
S: ...
C: QUIT
S: 221 *
`);
  });

  it('too many errors: counted over the connection (RSET/EHLO do not reset), the command after the 10th error gets 421 4.7.0 and close', () => {
    const driver = run(`${EHLO}
C: FROB 1
C: FROB 2
C: FROB 3
C: RSET
C: FROB 4
C: FROB 5
C: EHLO client.example
C: FROB 6
C: FROB 7
C: FROB 8
C: FROB 9
C: FROB 10
C: NOOP
C: NOOP
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 250 2.0.0 *
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 250-*
S: ...
S: 250 HELP
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 500 5.5.2 *
S: 421 4.7.0 *
@closed
`);
    expect(driver.session.state).toBe('closed');
    // --max-errors 0: no limit.
    const many = Array.from({ length: 30 }, () => 'C: FROB').join('\n');
    const refusals = Array.from({ length: 30 }, () => 'S: 500 5.5.2 *').join('\n');
    run(`S: 220 *\n${many}\nC: NOOP\n${refusals}\nS: 250 2.0.0 *\n@open`, { hostname: HOST, maxErrors: 0 });
  });

  it('too many errors: failed AUTH exchanges and refused recipients count too', () => {
    run(
      `${EHLO_ANY_LAST}
C: AUTH PLAIN AGFsaWNlAHdyb25n
S: 535 5.7.8 *
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: *
S: 501 5.5.2 *
C: MAIL FROM:<a@example.test>
C: RCPT TO:<unknown1@example.test>
C: RCPT TO:<unknown2@example.test>
S: 250 2.1.0 *
S: 550 5.1.1 *
S: 550 5.1.1 *
C: NOOP
S: 421 4.7.0 *
@closed
`,
      {
        hostname: HOST,
        maxErrors: 4,
        tls: { available: false, active: true },
        auth: { mechanisms: ['PLAIN', 'LOGIN'] },
        authFailureDelayMs: () => 0,
      },
    );
  });

  it('idle timeout → 421 4.4.2 and close, in every state; mid-DATA nothing stored', () => {
    run(`
S: 220 *
@timeout
S: 421 4.4.2 *
@closed
`);
    const driver = run(`${PIPELINED_DATA}C: Subject: half a message
@timeout
S: 421 4.4.2 *
@closed
`);
    expect(driver.messages).toHaveLength(0);
    expect(driver.aborted).toEqual(['timeout']);
  });

  it('shutting down: idle sessions get 421 4.3.2 at once; a command in progress is finished and answered first', () => {
    run(`${EHLO}
@shutdown
S: 421 4.3.2 *
@closed
`);
    // A message completing within the grace period is stored and acknowledged, then 421.
    const completed = run(`${PIPELINED_DATA}C: Subject: in flight
@shutdown
@open
C: .
C: NOOP
S: 250 2.0.0 Ok: queued as Q1
S: 421 4.3.2 *
@closed
`);
    expect(completed.messages).toHaveLength(1);
    // The grace period runs out: 421 4.3.2, nothing stored.
    const cut = run(`${PIPELINED_DATA}C: Subject: in flight
@shutdown
@open
@shutdown immediate
S: 421 4.3.2 *
@closed
`);
    expect(cut.messages).toHaveLength(0);
    expect(cut.aborted).toEqual(['shutdown']);
  });
});

describe('server-behaviour.md — Extensions advertised by default', () => {
  it('PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, CHUNKING, BINARYMIME, SMTPUTF8, DSN, HELP', () => {
    const driver = run(EHLO);
    const keywords = driver.output
      .split('\r\n')
      .slice(2, -1)
      .map((line) => line.slice(4));
    expect(keywords).toEqual([
      'PIPELINING',
      'SIZE 10485760',
      '8BITMIME',
      'ENHANCEDSTATUSCODES',
      'CHUNKING',
      'BINARYMIME',
      'SMTPUTF8',
      'DSN',
      'HELP',
    ]);
  });

  it('STARTTLS when TLS is configured and the connection is not yet TLS', () => {
    run(`${EHLO.replace('S: ...', 'S: ...\nS: 250-STARTTLS')}`, WITH_TLS);
    const implicit = run(EHLO, { hostname: HOST, tls: { available: true, active: true } });
    expect(implicit.output).not.toContain('STARTTLS');
  });

  it('AUTH <mechanisms> when configured, by default only once the connection is TLS', () => {
    const auth = { mechanisms: ['PLAIN', 'LOGIN'] } as const;
    const plain = run(EHLO, { hostname: HOST, tls: { available: true, active: false }, auth });
    expect(plain.output).not.toContain('AUTH');
    run(
      `
S: 220 *
C: EHLO client.example
S: 250-*
S: ...
S: 250-STARTTLS
S: 250 HELP
C: STARTTLS
S: 220 2.0.0 *
@tls
C: EHLO client.example
S: 250-*
S: ...
S: 250-REQUIRETLS
S: 250-AUTH PLAIN LOGIN
S: 250 HELP
`,
      { hostname: HOST, tls: { available: true, active: false }, auth },
    );
    const insecure = run(EHLO, { hostname: HOST, auth: { ...auth, allowInsecure: true } });
    expect(insecure.output).toContain('250-AUTH PLAIN LOGIN\r\n');
  });

  it('REQUIRETLS: advertised and accepted only over TLS (RFC 8689)', () => {
    const plain = run(`${EHLO}
C: MAIL FROM:<a@example.test> REQUIRETLS
S: 555 5.5.4 *
`);
    expect(plain.output).not.toContain('REQUIRETLS\r\n');
    const driver = run(
      `${EHLO.replace('S: ...', 'S: ...\nS: 250-REQUIRETLS')}
C: MAIL FROM:<a@example.test> REQUIRETLS
S: 250 2.1.0 *
`,
      { hostname: HOST, tls: { available: false, active: true } },
    );
    expect(driver.events.find((event) => event.type === 'mail')).toMatchObject({
      params: { requireTls: true },
    });
  });
});

describe('server-behaviour.md — Bytes on the wire', () => {
  it('bare LF in a command line → 521 5.5.2 and close', () => {
    run(`
S: 220 *
C! EHLO client.example\\n
S: 521 5.5.2 *
@closed
`);
  });

  it('bare CR in a command line → 521 5.5.2 and close', () => {
    run(`
S: 220 *
C! NOOP\\rNOOP\\r\\n
S: 521 5.5.2 *
@closed
`);
  });

  it('bare LF or CR in DATA text → 521 5.5.2 and close; the message is discarded', () => {
    for (const bare of ['\\n', '\\r']) {
      const driver = run(`${PIPELINED_DATA}C! Subject: x\\r\\n\\r\\nline one${bare}line two\\r\\n.\\r\\n
S: 521 5.5.2 *
@closed
`);
      expect(driver.messages).toHaveLength(0);
      expect(driver.aborted).toEqual(['line-ending']);
    }
  });

  it('<LF>.<LF>, <CR>.<CR>, <LF>.<CR><LF> and <CR><LF>.<LF> never end DATA', () => {
    for (const fake of ['\\n.\\n', '\\r.\\r', '\\n.\\r\\n', '\\r\\n.\\n']) {
      const driver = run(
        `${PIPELINED_DATA}C! Subject: x\\r\\n\\r\\nbody${fake}MAIL FROM:<evil@example.test>\\r\\nRCPT TO:<victim@example.test>\\r\\nDATA\\r\\n\\r\\nsmuggled\\r\\n.\\r\\n
S: 250 2.0.0 *
`,
        { hostname: HOST, lineEndings: 'lenient' },
      );
      expect(driver.messages).toHaveLength(1);
      expect(driver.events.filter((event) => event.type === 'mail')).toHaveLength(1);
    }
  });

  it('BDAT chunks are octets counted by length, not checked for line endings', () => {
    const driver = run(`${EHLO}
C: MAIL FROM:<a@example.test> BODY=BINARYMIME
C: RCPT TO:<b@example.test>
S: 250 2.1.0 *
S: 250 2.1.5 *
C! BDAT 12 LAST\\r\\na\\nb\\rc\\0\\xff.\\r\\n.\\n
S: 250 2.0.0 *
`);
    expect(driver.messages[0]?.body).toBe('a\nb\rc\0\xff.\r\n.\n');
  });

  it('lenient mode: a bare LF ends a command line; bare LF and CR stay in DATA; only <CRLF>.<CRLF> ends it, a dot between bare LFs is content', () => {
    const driver = run(
      `
S: 220 *
C! EHLO client.example\\n
S: 250-*
S: ...
C! MAIL FROM:<a@example.test>\\nRCPT TO:<b@example.test>\\nDATA\\n
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 354 *
C! one\\ntwo\\rthree\\n.\\nfour\\n..five\\r\\n..six\\r\\n.\\r\\n
S: 250 2.0.0 *
`,
      { hostname: HOST, lineEndings: 'lenient' },
    );
    expect(driver.messages[0]?.body).toBe('one\ntwo\rthree\n.\nfour\n..five\r\n.six\r\n');
  });

  it('NUL in a command line → 501 5.5.2 (before any address check); the session continues', () => {
    run(`${EHLO}
C: MAIL FROM:<a\\0@@example.test>
S: 501 5.5.2 *
C: NOOP\\0
S: 501 5.5.2 *
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
`);
  });

  it('NUL and 8-bit octets inside DATA are stored as they came', () => {
    const driver = run(`${PIPELINED_DATA}C! a\\0b\\xe9\\xff\\r\\n.\\r\\n
S: 250 2.0.0 *
`);
    expect(driver.messages[0]?.body).toBe('a\0b\xe9\xff\r\n');
  });

  it('DATA text lines over 1000 octets are accepted by default; an option refuses such a message after its end with 500 5.5.6', () => {
    const long = 'x'.repeat(5000);
    const script = `${PIPELINED_DATA}C: ${long}
C: .
`;
    expect(run(`${script}S: 250 2.0.0 *`).messages[0]?.body).toBe(`${long}\r\n`);
    const refused = run(`${script}S: 500 5.5.6 *\nC: NOOP\nS: 250 2.0.0 *`, {
      hostname: HOST,
      maxTextLineLength: 1000,
    });
    expect(refused.messages).toHaveLength(0);
    expect(refused.aborted).toEqual(['long-line']);
  });

  it('DATA is dot-unstuffed; the stored message is exactly the bytes the client meant, CRLF kept', () => {
    const driver = run(`${PIPELINED_DATA}C: ..
C: ...leading dots
C: .a
C:  .not first
C:
C: .
S: 250 2.0.0 *
`);
    expect(driver.messages[0]?.body).toBe('.\r\n..leading dots\r\na\r\n .not first\r\n\r\n');
  });

  it('STARTTLS → 220 2.0.0; pipelined bytes after it are discarded; after TLS EHLO is required, STARTTLS not advertised, a second one gets 503 5.5.1', () => {
    const driver = run(
      `${EHLO}
C: STARTTLS
C: MAIL FROM:<injected@example.test>
C: RCPT TO:<victim@example.test>
S: 220 2.0.0 *
@tls
C: MAIL FROM:<a@example.test>
S: 503 5.5.1 *
C: EHLO client.example
S: 250-*
S: ...
S: 250 HELP
C: STARTTLS
S: 503 5.5.1 *
`,
      WITH_TLS,
    );
    expect(driver.events.some((event) => event.type === 'mail')).toBe(false);
    expect(driver.output.split('220 2.0.0')[1]).not.toContain('STARTTLS\r\n');
  });

  it('PIPELINING: commands that arrive together are answered in order', () => {
    const driver = run(`${EHLO}
C: MAIL FROM:<a@example.test>
C: RCPT TO:<b@example.test>
C: RCPT TO:<unknown@example.test>
C: RCPT TO:<c@example.test>
C: DATA
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 550 5.1.1 *
S: 250 2.1.5 *
S: 354 *
`);
    expect(driver.events.filter((event) => event.type === 'rcpt').map((event) => event.type)).toHaveLength(3);
  });
});

describe('server-behaviour.md — Authentication', () => {
  const TLS_AUTH: SessionPolicy = {
    hostname: HOST,
    tls: { available: false, active: true },
    auth: { mechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'] },
  };
  const options: ScriptOptions = { connection: { nonce: '1234.5678' } };
  /** Runs `lines` after the greeting and EHLO, on a TLS connection offering every mechanism. */
  const runAuth = (lines: string, policy: SessionPolicy = TLS_AUTH) =>
    run(`${EHLO_ANY_LAST}${lines}`, policy, options);

  it('235 2.7.0 success; 535 5.7.8 bad credentials', () => {
    runAuth(`
C: AUTH PLAIN AGFsaWNlAHdyb25n
S: 535 5.7.8 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 235 2.7.0 *
`);
  });

  it('504 5.5.4 unknown mechanism', () => {
    runAuth(`
C: AUTH GSSAPI
S: 504 5.5.4 *
`);
  });

  it('503 5.5.1 when already authenticated or during a transaction', () => {
    runAuth(`
C: MAIL FROM:<a@example.test>
S: 250 2.1.0 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 503 5.5.1 *
C: RSET
S: 250 2.0.0 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 235 2.7.0 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 503 5.5.1 *
`);
  });

  it('501 5.5.2 for bad base64 or * cancel', () => {
    runAuth(`
C: AUTH PLAIN not*base64
S: 501 5.5.2 *
C: AUTH PLAIN
S: 334 
C: %%%
S: 501 5.5.2 *
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: *
S: 501 5.5.2 *
`);
  });

  it('538 5.7.11 when AUTH is tried on a plain-text connection while encryption is required (the default)', () => {
    runAuth(
      `
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 538 5.7.11 *
`,
      { ...TLS_AUTH, tls: { available: true, active: false } },
    );
  });

  it('failed attempts are counted per connection and slowed down', () => {
    const driver = runAuth(`
C: AUTH PLAIN AGFsaWNlAHdyb25n
S: 535 5.7.8 *
C: AUTH PLAIN AGFsaWNlAHdyb25n
S: 535 5.7.8 *
C: AUTH PLAIN AGFsaWNlAHdyb25n
S: 535 5.7.8 *
C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=
S: 421 4.7.0 *
@closed
`);
    const delays = driver.actions.flatMap((action) =>
      'write' in action && action.write.startsWith('535') ? [action.delayMs] : [],
    );
    expect(delays).toEqual([1000, 2000, 3000]);
    expect(driver.session.info.authFailures).toBe(3);
  });
});
