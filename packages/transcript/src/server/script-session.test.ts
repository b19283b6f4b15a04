import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../parser.js';
import { planScript } from './script-plan.js';
import { MAX_SESSION_FAILURES, ScriptSession, sameKeywordCase } from './script-session.js';

/** What the client does when the session waits for input: send bytes, close, or stay silent. */
type ClientMove = string | { close: true } | { silent: true };

/**
 * Plays one session of `script` against scripted client moves: each time the session waits for
 * input, the next move is made. Returns what the server wrote (as text, `|TLS|` after a write
 * that starts TLS, `|sleep N|`, `|close|`) and the result.
 */
function play(script: string, moves: readonly ClientMove[], session = 0) {
  const file = parseTranscript(script, { uri: 'test.serve.smtp' });
  expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const planned = planScript(file, { SECRET: 's3cret' });
  if (!planned.ok) throw new Error(planned.error.message);
  const machine = new ScriptSession(planned.plans[session] as never, { index: session });
  const out: string[] = [];
  const queue = [...moves];
  for (let steps = 0; steps < 1000; steps++) {
    const instruction = machine.next();
    switch (instruction.kind) {
      case 'write':
        out.push(new TextDecoder().decode(instruction.bytes) + (instruction.startTls ? '|TLS|' : ''));
        continue;
      case 'sleep':
        out.push(`|sleep ${instruction.milliseconds}|`);
        continue;
      case 'await-tls':
        machine.tlsStarted();
        continue;
      case 'read':
      case 'await-close': {
        const move = queue.shift();
        if (move === undefined || (typeof move === 'object' && 'close' in move)) machine.clientClosed();
        else if (typeof move === 'object') machine.timedOut();
        else machine.receive(new TextEncoder().encode(move));
        continue;
      }
      case 'close':
        out.push('|close|');
        continue;
      case 'ended':
        return { out, result: machine.result(), unused: queue };
    }
  }
  throw new Error('the session did not end');
}

const DELIVERY = `S: 220 mx.example.test ESMTP
C: EHLO *
S: 250-mx.example.test
S: 250 PIPELINING
C: MAIL FROM:<*>
C: RCPT TO:<bob@example.test>
C: DATA
S: 250 2.1.0 ok
S: 250 2.1.5 ok
S: 354 go ahead
C: Subject: hi
C:
C: ..a dot
C: .
S: 250 2.0.0 queued
C: QUIT
S: 221 2.0.0 bye
`;

describe('ScriptSession', () => {
  it('serves a delivery to a client that pipelines, checking every line', () => {
    const { out, result } = play(DELIVERY, [
      'EHLO client.test\r\n',
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n',
      'Subject: hi\r\n\r\n..a dot\r\n.\r\n',
      'QUIT\r\n',
    ]);
    expect(out.join('')).toBe(
      '220 mx.example.test ESMTP\r\n250-mx.example.test\r\n250 PIPELINING\r\n' +
        '250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n250 2.0.0 queued\r\n221 2.0.0 bye\r\n|close|',
    );
    expect(result).toMatchObject({ status: 'passed', matched: 9, failures: [] });
  });

  it('answers each command of a pipelined group as it comes when the client waits for replies', () => {
    const { out, result } = play(DELIVERY, [
      'EHLO client.test\r\n',
      'MAIL FROM:<a@example.test>\r\n',
      'RCPT TO:<bob@example.test>\r\n',
      'DATA\r\n',
      'Subject: hi\r\n',
      '\r\n..a dot\r\n.\r\n',
      'QUIT\r\n',
    ]);
    expect(out).toEqual([
      '220 mx.example.test ESMTP\r\n',
      '250-mx.example.test\r\n250 PIPELINING\r\n',
      '250 2.1.0 ok\r\n',
      '250 2.1.5 ok\r\n',
      '354 go ahead\r\n',
      '250 2.0.0 queued\r\n',
      '221 2.0.0 bye\r\n',
      '|close|',
    ]);
    expect(result.status).toBe('passed');
  });

  it('answers a command that does not match with 500 5.5.2, reports it, and lets the client go on', () => {
    const { out, result } = play(DELIVERY, ['HELO client.test\r\n', 'EHLO client.test\r\n', 'QUIT\r\n']);
    expect(out.slice(0, 3)).toEqual([
      '220 mx.example.test ESMTP\r\n',
      '500 5.5.2 transcript expected: EHLO *\r\n',
      '250-mx.example.test\r\n250 PIPELINING\r\n',
    ]);
    expect(out[3]).toBe('500 5.5.2 transcript expected: MAIL FROM:<*>\r\n');
    expect(result.status).toBe('failed');
    expect(JSON.parse(JSON.stringify(result.failures[0]))).toEqual({
      session: 0,
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } },
      expected: 'C: EHLO *',
      received: 'C: HELO client.test',
      explanation: 'line `HELO client.test` does not match `EHLO *` at column 1',
    });
    // The client closed while MAIL FROM was still expected.
    expect(result.failures.at(-1)).toMatchObject({
      expected: 'C: MAIL FROM:<*>',
      received: 'the client closed the connection',
    });
  });

  it('answers the replies of pipelined commands before the 500 of a later one, in order', () => {
    const { out } = play(DELIVERY, [
      'EHLO c\r\n',
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n',
      { close: true },
    ]);
    expect(out.slice(2)).toEqual([
      '250 2.1.0 ok\r\n',
      '500 5.5.2 transcript expected: RCPT TO:<bob@example.test>\r\n',
      '500 5.5.2 transcript expected: RCPT TO:<bob@example.test>\r\n',
    ]);
  });

  it('checks a DATA body line by line and answers a different body with the 500 after its end', () => {
    const { out, result } = play(DELIVERY, [
      'EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n',
      'Subject: hi\r\n\r\n.a dot not stuffed\r\n.\r\n',
      'QUIT\r\n',
    ]);
    expect(out).toContain('500 5.5.2 transcript expected: ..a dot\r\n');
    expect(out).not.toContain('250 2.0.0 queued\r\n');
    expect(out.at(-2)).toBe('221 2.0.0 bye\r\n');
    expect(result.failures).toEqual([
      expect.objectContaining({ expected: 'C: ..a dot', received: 'C: .a dot not stuffed' }),
    ]);
  });

  it('resynchronises after a body that is shorter or longer than the script', () => {
    const shorter = play(DELIVERY, [
      'EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n',
      'Subject: hi\r\n.\r\n',
      'QUIT\r\n',
    ]);
    expect(shorter.out.at(-2)).toBe('221 2.0.0 bye\r\n');
    expect(shorter.result.failures).toHaveLength(1);
    expect(shorter.result.failures[0]).toMatchObject({
      expected: 'C: ',
      received: 'C: . (the end of the message)',
    });

    const longer = play(DELIVERY, [
      'EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n',
      'Subject: hi\r\n\r\n..a dot\r\nmore\r\nand more\r\n.\r\n',
      'QUIT\r\n',
    ]);
    expect(longer.out.at(-2)).toBe('221 2.0.0 bye\r\n');
    expect(longer.result.failures).toEqual([
      expect.objectContaining({ expected: 'C: .', received: 'C: more' }),
    ]);
  });

  it('reads a BDAT chunk as counted octets and checks its lines', () => {
    const script = `S: 220 hi
C: EHLO *
S: 250 CHUNKING
C: MAIL FROM:<a@b>
S: 250 ok
C: BDAT * LAST
C: Subject: x
C:
C: body
S: 250 2.0.0 got it
C: QUIT
S: 221 bye
`;
    const chunk = 'Subject: x\r\n\r\nbody\r\n';
    const passing = play(script, [
      'EHLO c\r\n',
      'MAIL FROM:<a@b>\r\n',
      `BDAT ${chunk.length} LAST\r\n${chunk.slice(0, 5)}`,
      chunk.slice(5),
      'QUIT\r\n',
    ]);
    expect(passing.result).toMatchObject({ status: 'passed', matched: 7 });
    expect(passing.out.at(-3)).toBe('250 2.0.0 got it\r\n');

    const failing = play(script, [
      'EHLO c\r\nMAIL FROM:<a@b>\r\n',
      'BDAT 12 LAST\r\nSubject: y\r\n',
      'QUIT\r\n',
    ]);
    expect(failing.out).toContain('500 5.5.2 transcript expected: Subject: x\r\n');
    expect(failing.result.failures[0]).toMatchObject({
      expected: 'C: Subject: x',
      received: 'C: Subject: y',
    });
  });

  it('skips the chunk of a BDAT command that does not match instead of reading it as commands', () => {
    const { out, result } = play('S: 220 hi\nC: BDAT 3 LAST\nC: a\nS: 250 ok\nC: QUIT\nS: 221 bye\n', [
      // The six octets `QUIT\r\n` are the chunk, not a command.
      'BDAT 6 LAST\r\nQUIT\r\n',
      'QUIT\r\n',
    ]);
    const refusal = '500 5.5.2 transcript expected: BDAT 3 LAST\r\n';
    expect(out).toEqual(['220 hi\r\n', refusal, refusal]);
    expect(result.failures.map((f) => f.received)).toEqual([
      'C: BDAT 6 LAST',
      'C: QUIT',
      'the client closed the connection',
    ]);
  });

  it('reads commands again after the script refuses DATA', () => {
    const { out, result } = play(
      'S: 220 hi\nC: DATA\nS: 554 5.5.1 no valid recipients\nC: QUIT\nS: 221 bye\n',
      ['DATA\r\n', 'QUIT\r\n'],
    );
    expect(out).toEqual(['220 hi\r\n', '554 5.5.1 no valid recipients\r\n', '221 bye\r\n', '|close|']);
    expect(result.status).toBe('passed');
  });

  it('starts TLS after a 220 to STARTTLS and reports bytes the client sent before the handshake', () => {
    const script =
      'S: 220 hi\nC: EHLO *\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 2.0.0 go\nC: EHLO *\nS: 250 ok\n';
    const clean = play(script, ['EHLO c\r\n', 'STARTTLS\r\n', 'EHLO c\r\n']);
    expect(clean.out).toEqual([
      '220 hi\r\n',
      '250 STARTTLS\r\n',
      '220 2.0.0 go\r\n|TLS|',
      '250 ok\r\n',
      '|close|',
    ]);
    expect(clean.result.status).toBe('passed');

    const injected = play(script, ['EHLO c\r\n', 'STARTTLS\r\nEHLO injected\r\n', 'EHLO c\r\n']);
    expect(injected.out).toContain('250 ok\r\n');
    expect(injected.result.failures).toEqual([
      expect.objectContaining({
        received: 'C: EHLO injected',
        explanation: 'the client sent more after STARTTLS before TLS started (discarded)',
      }),
    ]);
  });

  it('does not start TLS when the script refuses STARTTLS', () => {
    const { out } = play('S: 220 hi\nC: STARTTLS\nS: 454 4.7.0 not now\nC: QUIT\nS: 221 bye\n', [
      'STARTTLS\r\n',
      'QUIT\r\n',
    ]);
    expect(out).toEqual(['220 hi\r\n', '454 4.7.0 not now\r\n', '221 bye\r\n', '|close|']);
  });

  it('gives up on a silent client with 421 4.4.2 and says what it waited for', () => {
    const { out, result } = play('S: 220 hi\n@timeout 2s\nC: EHLO *\nS: 250 ok\n', [{ silent: true }]);
    expect(out).toEqual([
      '220 hi\r\n',
      '421 4.4.2 transcript: timed out waiting for the client\r\n',
      '|close|',
    ]);
    expect(result.failures).toEqual([
      expect.objectContaining({ expected: 'C: EHLO *', received: 'nothing within 2s' }),
    ]);
  });

  it('accepts a client that closes after the last line it owed, and @closed when it closes', () => {
    expect(
      play(DELIVERY.replace('S: 221 2.0.0 bye\n', ''), [
        'EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n',
        'Subject: hi\r\n\r\n..a dot\r\n.\r\nQUIT\r\n',
      ]).result.status,
    ).toBe('passed');

    const closed = play('S: 220 hi\nC: QUIT\nS: 221 bye\n@closed\n', ['QUIT\r\n', { close: true }]);
    expect(closed.result).toMatchObject({ status: 'passed', matched: 2 });
    const stays = play('S: 220 hi\nC: QUIT\nS: 221 bye\n@closed\n', ['QUIT\r\n', { silent: true }]);
    expect(stays.result.failures).toEqual([
      expect.objectContaining({ expected: 'the client to close the connection (@closed)' }),
    ]);
  });

  it('reports what the client sent after the session ended', () => {
    const { result } = play('S: 220 hi\nC: NOOP\nS: 250 ok\n', ['NOOP\r\nNOOP\r\n']);
    expect(result.failures).toEqual([
      expect.objectContaining({ expected: 'nothing more (the session ends here)', received: 'C: NOOP' }),
    ]);
  });

  it('sends the @sleep before the reply it stands before, and resolves variables in replies and checks', () => {
    const { out, result } = play(
      '@set me mx.example.test\nS: 220 {{me}}\nC: EHLO {{env:SECRET}}\n@sleep 50ms\nS: 250 {{me}}\n',
      ['EHLO s3cret\r\n'],
    );
    expect(out).toEqual(['220 mx.example.test\r\n', '|sleep 50|', '250 mx.example.test\r\n', '|close|']);
    expect(result.status).toBe('passed');
  });

  it('never shows AUTH arguments or SASL responses in failures', () => {
    const { result } = play(
      'S: 220 hi\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: Ym9i\nS: 235 ok\nC: AUTH PLAIN x\nS: 235 ok\n',
      ['AUTH LOGIN\r\n', 'c2VjcmV0\r\n', 'Ym9i\r\n', 'AUTH PLAIN AGJvYgBzM2NyZXQ=\r\n'],
    );
    const shown = JSON.stringify(result.failures);
    expect(shown).not.toContain('c2VjcmV0');
    expect(shown).not.toContain('AGJvYgBzM2NyZXQ=');
    expect(result.failures.map((f) => f.received)).toEqual([
      'C: … (a SASL response, not shown)',
      'C: AUTH PLAIN …',
      'the client closed the connection',
    ]);
  });

  it('reports a bare LF once', () => {
    const { result } = play('S: 220 hi\nC: NOOP\nS: 250 ok\nC: NOOP\nS: 250 ok\n', ['NOOP\n', 'NOOP\n']);
    expect(result.failures).toEqual([expect.objectContaining({ received: 'C: NOOP ended by a bare LF' })]);
  });

  it(`stops listening after ${MAX_SESSION_FAILURES} differences`, () => {
    const { out, result } = play('S: 220 hi\nC: QUIT\nS: 221 bye\n', Array(20).fill('NOOP\r\n'));
    expect(result.failures).toHaveLength(MAX_SESSION_FAILURES);
    expect(out.at(-2)).toBe('421 4.7.0 transcript: too many differences, closing\r\n');
  });

  it('plays later sessions with the variables and timeout of the lines above them', () => {
    const script =
      '@set a 1\nS: 220 {{a}}\n@set a 2\n@timeout 3s\n@close\n@connect\nS: 220 {{a}}\nC: QUIT\nS: 221 bye\n';
    expect(play(script, [], 0).out).toEqual(['220 1\r\n', '|close|']);
    const second = play(script, [{ silent: true }], 1);
    expect(second.out[0]).toBe('220 2\r\n');
    expect(second.result.failures[0]?.received).toBe('nothing within 3s');
  });
});

describe('sameKeywordCase', () => {
  it('gives the received line the script spelling of its verb and FROM:/TO:, nothing else', () => {
    expect(sameKeywordCase('EHLO *', 'ehlo client.test')).toBe('EHLO client.test');
    expect(sameKeywordCase('MAIL FROM:<*>', 'mail from:<A@B>')).toBe('MAIL FROM:<A@B>');
    expect(sameKeywordCase('RCPT TO:<b@c>', 'rcpt TO:<B@C>')).toBe('RCPT TO:<B@C>');
    expect(sameKeywordCase('MAIL FROM:<*>', 'rcpt to:<b>')).toBe('rcpt to:<b>');
    expect(sameKeywordCase('NOOP Hello', 'noop hello')).toBe('NOOP hello');
    expect(sameKeywordCase('*', 'noop')).toBe('noop');
  });

  it('lets a lower-case client pass a script written in upper case', () => {
    const { result } = play('S: 220 hi\nC: EHLO *\nS: 250 ok\nC: MAIL FROM:<a@b>\nS: 250 ok\n', [
      'ehlo x\r\n',
      'mail FROM:<a@b>\r\n',
    ]);
    expect(result.status).toBe('passed');
  });
});

describe('ScriptSession, however the client splits its bytes', () => {
  const client =
    'EHLO client.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n' +
    'Subject: hi\r\n\r\n..a dot\r\n.\r\nQUIT\r\n';

  it('writes the same replies and passes (any cut points, any number of writes)', () => {
    const whole = play(DELIVERY, [client]);
    expect(whole.result.status).toBe('passed');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: client.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const points = [0, ...[...cuts].sort((a, b) => a - b), client.length];
          const moves = points.slice(1).map((end, i) => client.slice(points[i], end));
          const split = play(DELIVERY, moves);
          expect(split.out.join('')).toBe(whole.out.join(''));
          expect(split.result).toEqual(whole.result);
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 200) },
    );
  });
});
