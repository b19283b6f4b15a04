import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SendLine } from '../ast.js';
import { parseTranscript } from '../parser.js';
import { sendLineBytes } from '../send-bytes.js';
import { createScope } from '../variables.js';
import { inVariable, SecretNames } from './auth-template.js';
import { SessionRecorder } from './session-recorder.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Plays a conversation through a recorder: `C` entries from the client, `S` from the server. */
function record(conversation: readonly (readonly ['C' | 'S', string])[], secrets = new SecretNames()) {
  const recorder = new SessionRecorder(secrets);
  const tls: number[] = [];
  conversation.forEach(([side, text], index) => {
    if (side === 'C') recorder.fromClient(bytes(text));
    else if (recorder.fromServer(bytes(text)).startTls) tls.push(index);
  });
  return { recorder, tls, secrets };
}

/** Parses recorded lines as a transcript and returns its errors and warnings. */
function problems(lines: readonly string[]): string[] {
  const file = parseTranscript(`${lines.join('\n')}\n`);
  return file.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

describe('SessionRecorder', () => {
  it('writes a pipelined delivery the way the client trace does', () => {
    const { recorder } = record([
      ['S', '220 mx.example.test ESMTP ready\r\n'],
      ['C', 'EHLO client.test\r\n'],
      ['S', '250-mx.example.test greets client.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n'],
      ['C', 'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n'],
      ['S', '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n'],
      ['S', '354 End data with <CR><LF>.<CR><LF>\r\n'],
      ['C', 'Subject: hi\r\n\r\n..dot\r\n'],
      ['C', '.\r\nQUIT\r\n'],
      ['S', '250 2.0.0 Ok: queued as 4F2A\r\n221 2.0.0 Bye\r\n'],
    ]);
    const lines = recorder.finish('server-closed');
    expect(lines).toEqual([
      'S: 220 *',
      'C: EHLO client.test',
      'S: 250-*',
      'S: 250-PIPELINING',
      'S: 250 SIZE 1000',
      'C: MAIL FROM:<a@example.test>',
      'C: RCPT TO:<b@example.test>',
      'C: DATA',
      'S: 250 2.1.0 Ok',
      'S: 250 2.1.5 Ok',
      'S: 354 End data with <CR><LF>.<CR><LF>',
      'C: Subject: hi',
      'C:',
      'C: ..dot',
      'C: .',
      'C: QUIT',
      'S: 250 2.0.0 *',
      'S: 221 2.0.0 Bye',
    ]);
    expect(problems(lines)).toEqual([]);
  });

  it('reads what follows a refused DATA as commands, and says when the server closed on its own', () => {
    const { recorder } = record([
      ['S', '220 hi\r\n'],
      ['C', 'DATA\r\n'],
      ['S', '503 5.5.1 need RCPT\r\n'],
      ['C', 'NOOP\r\n'],
      ['S', '421 4.7.0 too many errors\r\n'],
    ]);
    expect(recorder.finish('server-closed')).toEqual([
      'S: 220 *',
      'C: DATA',
      'S: 503 5.5.1 need RCPT',
      'C: NOOP',
      'S: 421 4.7.0 too many errors',
      '@closed',
    ]);
  });

  it('says when STARTTLS was accepted, and continues over TLS', () => {
    const { recorder, tls } = record([
      ['S', '220 hi\r\n'],
      ['C', 'STARTTLS\r\n'],
      ['S', '220 2.0.0 Ready to start TLS\r\n'],
      ['C', 'EHLO c\r\n'],
      ['S', '250 mx\r\n'],
    ]);
    expect(tls).toEqual([2]);
    expect(recorder.usedStartTls).toBe(true);
    expect(recorder.finish('client-closed')).toEqual([
      'S: 220 *',
      'C: STARTTLS',
      'S: 220 2.0.0 Ready to start TLS',
      'C: EHLO c',
      'S: 250 *',
    ]);
  });

  it('writes BDAT chunks with their command, a chunk that does not end in CRLF as C!', () => {
    const { recorder } = record([
      ['S', '220 hi\r\n'],
      ['C', 'BDAT 8\r\nab\r\n'],
      ['C', 'cd\r\n'],
      ['S', '250 2.0.0 8 octets\r\n'],
      ['C', 'BDAT 3 LAST\r\nxyz'],
      ['S', '250 2.0.0 queued as 77\r\n'],
    ]);
    const lines = recorder.finish('client-closed');
    expect(lines).toEqual([
      'S: 220 *',
      'C: BDAT 8',
      'C: ab',
      'C: cd',
      'S: 250 2.0.0 8 octets',
      'C: BDAT 3 LAST',
      'C! xyz',
      'S: 250 2.0.0 *',
    ]);
    expect(problems(lines)).toEqual([]);
  });

  it('keeps a bare LF as it was sent', () => {
    const { recorder } = record([
      ['S', '220 hi\r\n'],
      ['C', 'NOOP\n'],
      ['S', '250 ok\r\n'],
    ]);
    expect(recorder.finish('client-closed')).toEqual(['S: 220 *', 'C! NOOP\\n', 'S: 250 ok']);
  });

  it('never writes an AUTH secret: PLAIN and LOGIN replay through environment variables', () => {
    const secrets = new SecretNames();
    const plain = Buffer.from('\0bob\0pa}}ss').toString('base64');
    const { recorder } = record(
      [
        ['S', '220 hi\r\n'],
        ['C', `AUTH PLAIN ${plain}\r\n`],
        ['S', '535 5.7.8 no\r\n'],
        ['C', 'AUTH LOGIN\r\n'],
        ['S', '334 VXNlcm5hbWU6\r\n'],
        ['C', `${Buffer.from('carol').toString('base64')}\r\n`],
        ['S', '334 UGFzc3dvcmQ6\r\n'],
        ['C', `${Buffer.from('hunter2').toString('base64')}\r\n`],
        ['S', '235 2.7.0 ok\r\n'],
      ],
      secrets,
    );
    const lines = recorder.finish('client-closed');
    expect(lines).toEqual([
      'S: 220 *',
      'C: AUTH PLAIN {{base64:\\0bob\\0{{env:SMTP_PASSWORD}}}}',
      'S: 535 5.7.8 no',
      'C: AUTH LOGIN',
      'S: 334 VXNlcm5hbWU6',
      'C: {{base64:carol}}',
      'S: 334 UGFzc3dvcmQ6',
      'C: {{base64:{{env:SMTP_PASSWORD_2}}}}',
      'S: 235 2.7.0 ok',
    ]);
    expect(lines.join('\n')).not.toMatch(/hunter2|aHVudGVyMg|pa}}ss/);
    expect(secrets.notes()).toEqual([
      { variable: 'SMTP_PASSWORD', meaning: 'the password of bob (AUTH PLAIN)' },
      { variable: 'SMTP_PASSWORD_2', meaning: 'the password of carol (AUTH LOGIN)' },
    ]);
    // With the variables set, the recorded lines send exactly what the client sent.
    const file = parseTranscript(`${lines.join('\n')}\n`);
    const sends = file.lines.filter((l): l is SendLine => l.kind === 'send');
    const scope = createScope({ SMTP_PASSWORD: 'pa}}ss', SMTP_PASSWORD_2: 'hunter2' });
    const sent = sends.map((line) => {
      const resolved = sendLineBytes(line, scope);
      return resolved.ok ? Buffer.from(resolved.value).toString() : resolved.error.message;
    });
    expect(sent).toEqual([
      `AUTH PLAIN ${plain}\r\n`,
      'AUTH LOGIN\r\n',
      `${Buffer.from('carol').toString('base64')}\r\n`,
      `${Buffer.from('hunter2').toString('base64')}\r\n`,
    ]);
  });

  it('writes OAuth tokens and CRAM-MD5 digests as variables, with volatile challenges as *', () => {
    const token = Buffer.from('user=bob@example.test\x01auth=Bearer ya29.TOKEN\x01\x01').toString('base64');
    const { recorder, secrets } = record([
      ['S', '220 hi\r\n'],
      ['C', `AUTH XOAUTH2 ${token}\r\n`],
      ['S', '235 ok\r\n'],
      ['C', 'AUTH CRAM-MD5\r\n'],
      ['S', '334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZT4=\r\n'],
      ['C', `${Buffer.from('bob 0123456789abcdef0123456789abcdef').toString('base64')}\r\n`],
      ['S', '235 ok\r\n'],
    ]);
    const lines = recorder.finish('client-closed');
    expect(lines).toEqual([
      'S: 220 *',
      'C: AUTH XOAUTH2 {{base64:user=bob@example.test\\x01auth=Bearer {{env:SMTP_TOKEN}}\\x01\\x01}}',
      'S: 235 ok',
      'C: AUTH CRAM-MD5',
      'S: 334 *',
      expect.stringMatching(/^# CRAM-MD5 answers a random challenge/),
      'C: {{base64:bob {{env:SMTP_CRAM_MD5_DIGEST}}}}',
      'S: 235 ok',
    ]);
    expect(lines.join('\n')).not.toContain('ya29.TOKEN');
    expect(secrets.notes().map((n) => n.variable)).toEqual(['SMTP_TOKEN']);
  });
});

describe('inVariable', () => {
  it('escapes what would end or start a variable, backslashes and control characters', () => {
    expect(inVariable('a}b{{c\\d\te ')).toBe('a\\x7db\\x7b{c\\\\d\\te\\x20');
    expect(inVariable('')).toBe('');
    expect(inVariable('józef')).toBe('józef');
  });
});

describe('SessionRecorder, however the bytes of each side are split', () => {
  const conversation: (readonly ['C' | 'S', string])[] = [
    ['S', '220 mx.example.test ESMTP ready\r\n'],
    ['C', 'EHLO client.test\r\n'],
    ['S', '250-mx.example.test greets client.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n'],
    ['C', `AUTH PLAIN ${Buffer.from('\0bob\0s3cret').toString('base64')}\r\n`],
    ['S', '235 2.7.0 ok\r\n'],
    ['C', 'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n'],
    ['S', '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n'],
    ['C', 'Subject: hi\r\n\r\n..dot\r\n.\r\nBDAT 3 LAST\r\nabc'],
    ['S', '250 2.0.0 queued as A\r\n'],
    ['S', '503 5.5.1 no MAIL\r\n'],
  ];

  it('writes the same lines when every chunk is cut into pieces', () => {
    const whole = record(conversation).recorder.finish('client-closed');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const pieces: (readonly ['C' | 'S', string])[] = [];
        let turn = 0;
        for (const [side, text] of conversation) {
          for (let at = 0; at < text.length; ) {
            const size = sizes[turn++ % sizes.length] as number;
            pieces.push([side, text.slice(at, at + size)]);
            at += size;
          }
        }
        expect(record(pieces).recorder.finish('client-closed')).toEqual(whole);
      }),
      { numRuns: Number(process.env.RUNS ?? 200) },
    );
  });
});
