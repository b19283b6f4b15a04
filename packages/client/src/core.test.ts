import { CommandInjectionError, SmtpError, utf8 } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from './core-types.js';
import { InvalidAddressError } from './envelope.js';
import {
  CapabilityError,
  ConnectionError,
  MessageTooLargeError,
  ProtocolError,
  RecipientsRefusedError,
} from './errors.js';
import { ehloReply, readyCore, scripted } from './test-support/scripted.js';

const ENVELOPE = { from: 'alice@example.test', to: ['bob@example.test'] };

function eventOf<T extends CoreEvent['type']>(events: CoreEvent[], type: T): Extract<CoreEvent, { type: T }> {
  const event = events.find((e) => e.type === type);
  if (event === undefined) throw new Error(`no ${type} event in ${events.map((e) => e.type).join(', ')}`);
  return event as Extract<CoreEvent, { type: T }>;
}

describe('ClientCore session set-up', () => {
  it('waits for the greeting, then sends EHLO with the client name', () => {
    const s = scripted();
    expect(s.client()).toBe('');
    expect(s.core.waiting).toBe('greeting');
    s.server('220 mx.example.test ESMTP\r\n');
    expect(s.client()).toBe('EHLO client.example.test\r\n');
    s.server(ehloReply(['PIPELINING', 'SIZE 1000']));
    const ready = eventOf(s.events(), 'ready');
    expect(ready.capabilities.pipelining).toBe(true);
    expect(ready.capabilities.size).toBe(1000);
    expect(s.core.ready).toBe(true);
    expect(s.core.extended).toBe(true);
  });

  it('falls back to HELO when EHLO gets 502, and to no extensions', () => {
    const s = scripted();
    s.server('220 old.example.test\r\n');
    s.client();
    s.server('502 5.5.2 command not recognized\r\n');
    expect(s.client()).toBe('HELO client.example.test\r\n');
    s.server('250 old.example.test\r\n');
    expect(s.eventTypes()).toEqual(['ready']);
    expect(s.core.extended).toBe(false);
    expect(s.core.capabilities.pipelining).toBe(false);
  });

  it('falls back to HELO when EHLO gets 500', () => {
    const s = scripted();
    s.server('220 old.example.test\r\n');
    s.client();
    s.server('500 what?\r\n');
    expect(s.client()).toBe('HELO client.example.test\r\n');
  });

  it('reports a refused EHLO (other than 500/502) as an SmtpError of phase ehlo', () => {
    const s = scripted();
    s.server('220 x\r\n');
    s.client();
    s.server('554 5.7.1 go away\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ code: 554, enhanced: '5.7.1', phase: 'ehlo' });
  });

  it('reports a greeting other than 220 as an SmtpError of phase greeting', () => {
    const s = scripted();
    s.server('554 5.3.2 no service here\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toMatchObject({ code: 554, enhanced: '5.3.2', phase: 'greeting' });
    expect(s.client()).toBe('');
  });

  it('refuses a client name with CR or LF before anything is sent', () => {
    expect(() => scripted({ clientName: 'x\r\nMAIL FROM:<a@b>' })).toThrow(CommandInjectionError);
  });

  it('speaks LMTP: LHLO, without HELO fallback', () => {
    const s = scripted({ lmtp: true });
    s.server('220 lmtp.example.test LMTP\r\n');
    expect(s.client()).toBe('LHLO client.example.test\r\n');
    s.server('500 no\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ code: 500, phase: 'ehlo' });
  });
});

describe('ClientCore STARTTLS', () => {
  /** A core greeted and offered STARTTLS in the EHLO reply; its STARTTLS command is not read yet. */
  function offeredStartTls(tls: 'starttls' | 'opportunistic' = 'starttls') {
    const s = scripted({ tls });
    s.server('220 x\r\n');
    s.server(ehloReply(['STARTTLS']));
    return s;
  }

  it('upgrades when offered, then says EHLO again and reads the capabilities afresh', () => {
    const s = scripted({ tls: 'starttls' });
    s.server('220 x\r\n');
    s.client();
    s.server(ehloReply(['STARTTLS', 'PIPELINING']));
    expect(s.client()).toBe('STARTTLS\r\n');
    s.server('220 2.0.0 go ahead\r\n');
    expect(s.eventTypes()).toEqual(['start-tls']);
    expect(s.core.waiting).toBe('tls');
    s.core.tlsEstablished();
    expect(s.core.secure).toBe(true);
    expect(s.core.capabilities.pipelining).toBe(false);
    expect(s.client()).toBe('EHLO client.example.test\r\n');
    s.server(ehloReply(['SIZE 5', 'AUTH PLAIN']));
    expect(s.eventTypes()).toEqual(['ready']);
    expect(s.core.capabilities.size).toBe(5);
    expect(s.core.capabilities.startTls).toBe(false);
  });

  it('fails with CapabilityError (after QUIT) when TLS is required and STARTTLS is not offered', () => {
    const s = scripted({ tls: 'starttls' });
    s.server('220 x\r\n');
    s.client();
    s.server(ehloReply(['PIPELINING']));
    expect(s.client()).toBe('QUIT\r\n');
    expect(s.events()).toEqual([]);
    s.server('221 bye\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toBeInstanceOf(CapabilityError);
    expect((error as CapabilityError).requirement).toBe('STARTTLS');
  });

  it('reports the requirement even when the server closes instead of answering QUIT', () => {
    const s = scripted({ tls: 'starttls' });
    s.server('220 x\r\n');
    s.server(ehloReply([]));
    s.core.connectionClosed();
    expect(eventOf(s.events(), 'fatal').error).toBeInstanceOf(CapabilityError);
  });

  it('goes on in plain text when opportunistic and STARTTLS is not offered or refused', () => {
    const absent = scripted({ tls: 'opportunistic' });
    absent.server('220 x\r\n');
    absent.server(ehloReply(['PIPELINING']));
    expect(absent.eventTypes()).toEqual(['ready']);

    const refused = offeredStartTls('opportunistic');
    refused.client();
    refused.server('454 4.7.0 TLS not available\r\n');
    expect(refused.eventTypes()).toEqual(['ready']);
    expect(refused.core.secure).toBe(false);
  });

  it('fails when STARTTLS is required and refused', () => {
    const s = offeredStartTls();
    s.client();
    s.server('454 4.7.0 TLS not available\r\n');
    expect(s.client()).toBe('QUIT\r\n');
    s.server('221 bye\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({
      code: 454,
      enhanced: '4.7.0',
      phase: 'starttls',
    });
  });

  it('aborts when the server sends more after its 220 to STARTTLS in the same packet (CVE-2011-1430)', () => {
    const s = offeredStartTls();
    s.client();
    s.server('220 go ahead\r\n250 injected\r\n');
    const events = s.events();
    expect(events.map((e) => e.type)).toEqual(['start-tls', 'fatal']);
    const { error } = eventOf(events, 'fatal');
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).violation).toBe('starttls-injection');
  });

  it('aborts on a partial line after the 220 too, and on bytes arriving before the handshake', () => {
    const partial = offeredStartTls();
    partial.server('220 go ahead\r\n25');
    expect(eventOf(partial.events(), 'fatal').error).toMatchObject({ violation: 'starttls-injection' });

    const later = offeredStartTls();
    later.server('220 go ahead\r\n');
    later.events();
    later.server('250 injected\r\n');
    expect(eventOf(later.events(), 'fatal').error).toMatchObject({ violation: 'starttls-injection' });
  });
});

describe('ClientCore AUTH', () => {
  function authCore(mechanisms: string, options: Parameters<typeof scripted>[0] = {}) {
    const s = scripted(
      { allowInsecureAuth: true, auth: { user: 'tim', pass: 'tanstaaftanstaaf' }, ...options },
      true,
    );
    s.server('220 x\r\n');
    s.client();
    s.server(ehloReply([`AUTH ${mechanisms}`]));
    return s;
  }

  it('refuses to authenticate over plain text unless allowed', () => {
    const s = scripted({ auth: { user: 'u', pass: 'p' } });
    s.server('220 x\r\n');
    s.server(ehloReply(['AUTH PLAIN']));
    expect(s.client()).toBe('EHLO client.example.test\r\nQUIT\r\n');
    s.server('221 bye\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toMatchObject({ requirement: 'ENCRYPTION' });
  });

  it('prefers CRAM-MD5, and answers the RFC 2195 challenge with its digest', () => {
    const s = authCore('LOGIN PLAIN CRAM-MD5');
    expect(s.client()).toBe('AUTH CRAM-MD5\r\n');
    const challenge = Buffer.from('<1896.697170952@postoffice.reston.mci.net>').toString('base64');
    s.server(`334 ${challenge}\r\n`);
    expect(Buffer.from(s.client().trim(), 'base64').toString()).toBe('tim b913a602c7eda7a495b4e6e7334d3890');
    s.server('235 2.7.0 ok\r\n');
    expect(s.eventTypes()).toEqual(['ready']);
    expect(s.core.authenticated).toBe(true);
    expect(s.trace.join('\n')).not.toContain('tanstaaf');
    expect(s.trace).toContain('S: 334 *');
  });

  it('sends PLAIN with an initial response, and traces it with the password as a variable', () => {
    const s = authCore('PLAIN LOGIN');
    const line = s.client();
    expect(line.startsWith('AUTH PLAIN ')).toBe(true);
    expect(Buffer.from(line.slice(11).trim(), 'base64').toString()).toBe('\0tim\0tanstaaftanstaaf');
    expect(s.trace).toContain('C: AUTH PLAIN {{base64:\\0tim\\0{{env:SMTP_PASSWORD}}}}');
    s.server('235 2.7.0 ok\r\n');
    expect(s.core.ready).toBe(true);
  });

  it('runs LOGIN through its two challenges', () => {
    const s = authCore('LOGIN', { auth: { user: 'tim', pass: 'secret', method: 'LOGIN' } });
    expect(s.client()).toBe('AUTH LOGIN\r\n');
    s.server('334 VXNlcm5hbWU6\r\n');
    expect(s.client()).toBe(`${Buffer.from('tim').toString('base64')}\r\n`);
    s.server('334 UGFzc3dvcmQ6\r\n');
    expect(s.client()).toBe(`${Buffer.from('secret').toString('base64')}\r\n`);
    s.server('235 2.7.0 ok\r\n');
    expect(s.core.authenticated).toBe(true);
    expect(s.trace).toContain('C: {{base64:{{env:SMTP_PASSWORD}}}}');
  });

  it('reports a refused AUTH as SmtpError with the mechanism but never the credentials', () => {
    const s = authCore('PLAIN');
    s.client();
    s.server('535 5.7.8 bad credentials\r\n');
    expect(s.client()).toBe('QUIT\r\n');
    s.server('221 bye\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toMatchObject({ code: 535, enhanced: '5.7.8', phase: 'auth', command: 'AUTH PLAIN' });
    expect(JSON.stringify(error)).not.toContain('tanstaaf');
  });

  it('acknowledges an XOAUTH2 error challenge with an empty line and reports the failure', () => {
    const s = authCore('XOAUTH2', { auth: { user: 'tim@example.test', accessToken: 'ya29.token' } });
    const line = s.client();
    expect(line.startsWith('AUTH XOAUTH2 ')).toBe(true);
    expect(Buffer.from(line.slice(13).trim(), 'base64').toString()).toBe(
      'user=tim@example.test\x01auth=Bearer ya29.token\x01\x01',
    );
    s.server(`334 ${Buffer.from('{"status":"401"}').toString('base64')}\r\n`);
    expect(s.client()).toBe('\r\n');
    s.server('535 5.7.8 token rejected\r\n');
    s.client();
    s.server('221 bye\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ code: 535, command: 'AUTH XOAUTH2' });
    expect(s.trace.join('\n')).not.toContain('ya29');
  });

  it('prefers OAUTHBEARER for a token', () => {
    const s = authCore('XOAUTH2 OAUTHBEARER', { auth: { user: 'tim@example.test', accessToken: 'tok' } });
    const line = s.client();
    expect(line.startsWith('AUTH OAUTHBEARER ')).toBe(true);
    expect(Buffer.from(line.slice(17).trim(), 'base64').toString()).toBe(
      'n,a=tim@example.test,\x01auth=Bearer tok\x01\x01',
    );
  });

  it('fails with CapabilityError when no offered mechanism fits', () => {
    const s = authCore('GSSAPI');
    expect(s.client()).toBe('QUIT\r\n');
    s.core.connectionClosed();
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ requirement: 'AUTH' });
  });

  it('fails with CapabilityError when the chosen mechanism is not offered', () => {
    const s = authCore('PLAIN', { auth: { user: 'u', pass: 'p', method: 'CRAM-MD5' } });
    s.server('221 bye\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ requirement: 'AUTH' });
  });
});

describe('ClientCore transactions', () => {
  /** A ready core offering `extensions` whose first commands for ENVELOPE have been sent and read. */
  function sentEnvelope(extensions: readonly string[] = ['PIPELINING']) {
    const s = readyCore(extensions);
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.client();
    return s;
  }

  it('pipelines MAIL, RCPT and DATA in one write when PIPELINING is offered', () => {
    const s = readyCore(['PIPELINING', 'SIZE 100000', '8BITMIME']);
    s.core.send({
      envelope: { from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test'] },
      options: { size: 42, bodyType: '7BIT' },
      bodyTypeScanned: true,
    });
    const output = s.core.takeOutput();
    expect(output).toHaveLength(1);
    expect(Buffer.from(output[0] as Uint8Array).toString()).toBe(
      'MAIL FROM:<alice@example.test> SIZE=42\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n',
    );
    s.server('250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n354 go\r\n');
    expect(s.eventTypes()).toEqual(['body-wanted']);
    s.core.writeBody(utf8('Subject: t\r\n\r\n.leading dot\r\nlast line'));
    s.core.endBody();
    expect(s.client()).toBe('Subject: t\r\n\r\n..leading dot\r\nlast line\r\n.\r\n');
    expect(s.core.waiting).toBe('final-reply');
    s.server('250 2.0.0 queued as ABC\r\n');
    const events = s.events();
    expect(events.map((e) => e.type)).toEqual(['sent', 'ready']);
    const { result } = eventOf(events, 'sent');
    expect(result.accepted).toEqual(['bob@example.test', 'carol@example.test']);
    expect(result.rejected).toEqual([]);
    expect(result.reply.code).toBe(250);
    expect(result.transfer).toBe('DATA');
  });

  it('sends one command per reply without PIPELINING', () => {
    const s = readyCore([]);
    s.core.send({
      envelope: { from: 'a@example.test', to: ['b@example.test', 'c@example.test'] },
      options: {},
    });
    expect(s.client()).toBe('MAIL FROM:<a@example.test>\r\n');
    s.server('250 ok\r\n');
    expect(s.client()).toBe('RCPT TO:<b@example.test>\r\n');
    s.server('250 ok\r\n');
    expect(s.client()).toBe('RCPT TO:<c@example.test>\r\n');
    s.server('250 ok\r\n');
    expect(s.client()).toBe('DATA\r\n');
    s.server('354 go\r\n');
    expect(s.eventTypes()).toEqual(['body-wanted']);
  });

  it('never pipelines anything after the final dot: the next MAIL waits for its reply', () => {
    const s = sentEnvelope();
    s.server('250 ok\r\n250 ok\r\n354 go\r\n');
    s.events();
    s.core.writeBody(utf8('x\r\n'));
    s.core.endBody();
    expect(s.client()).toBe('x\r\n.\r\n');
    expect(() => s.core.send({ envelope: ENVELOPE, options: {} })).toThrow(/phase transaction/);
    s.server('250 ok\r\n');
    s.events();
    s.core.send({ envelope: ENVELOPE, options: {} });
    expect(s.client()).toBe('MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
  });

  it('reports per-recipient results when some recipients are refused, and still sends', () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({
      envelope: { from: 'a@example.test', to: ['b@example.test', 'nobody@example.test'] },
      options: {},
    });
    s.client();
    s.server('250 ok\r\n250 ok\r\n550 5.1.1 no such user\r\n354 go\r\n');
    s.core.writeBody(utf8('x\r\n'));
    s.core.endBody();
    s.server('250 2.0.0 ok\r\n');
    const { result } = eventOf(s.events(), 'sent');
    expect(result.accepted).toEqual(['b@example.test']);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.error).toMatchObject({
      code: 550,
      enhanced: '5.1.1',
      phase: 'rcpt',
      command: 'RCPT TO:<nobody@example.test>',
      permanent: true,
    });
  });

  it('fails with RecipientsRefusedError and RSET when every recipient is refused', () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({
      envelope: { from: 'a@example.test', to: ['x@example.test', 'y@example.test'] },
      options: {},
    });
    s.client();
    s.server('250 ok\r\n550 5.1.1 no x\r\n450 4.2.1 try y later\r\n554 5.5.1 no valid recipients\r\n');
    expect(s.client()).toBe('RSET\r\n');
    expect(s.events()).toEqual([]);
    s.server('250 2.0.0 ok\r\n');
    const events = s.events();
    expect(events.map((e) => e.type)).toEqual(['refused', 'ready']);
    const { error } = eventOf(events, 'refused');
    expect(error).toBeInstanceOf(RecipientsRefusedError);
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).toMatchObject({ code: 550, enhanced: '5.1.1', phase: 'rcpt' });
    expect((error as RecipientsRefusedError).recipients.map((r) => r.accepted)).toEqual([false, false]);
  });

  it('closes a pipelined DATA with a lone dot when the server says 354 although no recipient was accepted', () => {
    const s = sentEnvelope();
    s.server('250 ok\r\n550 5.1.1 no\r\n354 go anyway\r\n');
    expect(s.client()).toBe('.\r\n');
    s.server('554 5.5.1 no recipients\r\n');
    expect(s.client()).toBe('RSET\r\n');
    s.server('250 ok\r\n');
    expect(eventOf(s.events(), 'refused').error).toBeInstanceOf(RecipientsRefusedError);
  });

  it("with partial 'all', waits for every RCPT reply and does not send DATA when one is refused", () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({
      envelope: { from: 'a@example.test', to: ['b@example.test', 'c@example.test'] },
      options: { partial: 'all' },
    });
    expect(s.client()).toBe(
      'MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\n',
    );
    s.server('250 ok\r\n250 ok\r\n');
    expect(s.client()).toBe('');
    s.server('452 4.5.3 too many\r\n');
    expect(s.client()).toBe('RSET\r\n');
    s.server('250 ok\r\n');
    const { error } = eventOf(s.events(), 'refused');
    expect(error).toMatchObject({ code: 452, transient: true });
    expect(error.message).toMatch(/1 of 2 recipients refused/);
  });

  it("with partial 'all', sends DATA once every recipient is accepted", () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({ envelope: ENVELOPE, options: { partial: 'all' } });
    s.client();
    s.server('250 ok\r\n250 ok\r\n');
    expect(s.client()).toBe('DATA\r\n');
  });

  it('reports a refused sender as SmtpError of phase mail, then RSET', () => {
    const s = sentEnvelope([]);
    s.server('553 5.1.8 sender refused\r\n');
    expect(s.client()).toBe('RSET\r\n');
    s.server('250 ok\r\n');
    expect(eventOf(s.events(), 'refused').error).toMatchObject({
      code: 553,
      enhanced: '5.1.8',
      phase: 'mail',
      command: 'MAIL FROM:<alice@example.test>',
    });
  });

  it('reports the sender refusal, not the consequent ones, under PIPELINING', () => {
    const s = sentEnvelope();
    s.server('553 5.1.8 sender refused\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need RCPT\r\n');
    s.server('250 ok\r\n');
    expect(eventOf(s.events(), 'refused').error).toMatchObject({ code: 553, phase: 'mail' });
  });

  it('reports a refused DATA as SmtpError of phase data', () => {
    const s = sentEnvelope();
    s.server('250 ok\r\n250 ok\r\n451 4.3.0 try later\r\n');
    expect(s.client()).toBe('RSET\r\n');
    s.server('250 ok\r\n');
    expect(eventOf(s.events(), 'refused').error).toMatchObject({ code: 451, phase: 'data', command: 'DATA' });
  });

  it('reports a message refused after its end as SmtpError of phase message, without RSET', () => {
    const s = sentEnvelope();
    s.server('250 ok\r\n250 ok\r\n354 go\r\n');
    s.events();
    s.core.writeBody(utf8('x\r\n'));
    s.core.endBody();
    s.client();
    s.server('554 5.7.1 spam\r\n');
    expect(s.client()).toBe('');
    const events = s.events();
    expect(events.map((e) => e.type)).toEqual(['refused', 'ready']);
    expect(eventOf(events, 'refused').error).toMatchObject({
      code: 554,
      enhanced: '5.7.1',
      phase: 'message',
    });
  });

  it('refuses a message over the SIZE limit before sending anything', () => {
    const s = readyCore(['SIZE 1000']);
    expect(() => s.core.send({ envelope: ENVELOPE, options: { size: 1001 } })).toThrow(MessageTooLargeError);
    expect(s.client()).toBe('');
    expect(s.core.ready).toBe(true);
    s.core.send({ envelope: ENVELOPE, options: { size: 1000 } });
    expect(s.client()).toBe('MAIL FROM:<alice@example.test> SIZE=1000\r\n');
  });

  it('does not check the size when the server declares SIZE 0 (no limit) or no SIZE', () => {
    const s = readyCore(['SIZE 0']);
    s.core.send({ envelope: ENVELOPE, options: { size: 10 ** 9 } });
    expect(s.client()).toBe(`MAIL FROM:<alice@example.test> SIZE=${10 ** 9}\r\n`);
    const t = readyCore([]);
    t.core.send({ envelope: ENVELOPE, options: { size: 10 ** 9 } });
    expect(t.client()).toBe('MAIL FROM:<alice@example.test>\r\n');
  });

  it('refuses CR, LF and NUL in addresses and parameters before anything is sent', () => {
    const s = readyCore(['DSN']);
    expect(() =>
      s.core.send({
        envelope: { from: 'a@example.test\r\nRCPT TO:<x@y>', to: ['b@example.test'] },
        options: {},
      }),
    ).toThrow(CommandInjectionError);
    expect(() =>
      s.core.send({ envelope: { from: 'a@example.test', to: ['b@example.test\n'] }, options: {} }),
    ).toThrow(CommandInjectionError);
    expect(() =>
      s.core.send({ envelope: { from: 'a\0@example.test', to: ['b@example.test'] }, options: {} }),
    ).toThrow(CommandInjectionError);
    expect(() => s.core.send({ envelope: ENVELOPE, options: { dsn: { envid: 'id\r\nQUIT' } } })).toThrow(
      CommandInjectionError,
    );
    expect(s.client()).toBe('');
    expect(s.core.ready).toBe(true);
  });

  it('refuses malformed addresses and an empty recipient list', () => {
    const s = readyCore([]);
    expect(() =>
      s.core.send({ envelope: { from: 'not an address', to: ['b@example.test'] }, options: {} }),
    ).toThrow(InvalidAddressError);
    expect(() => s.core.send({ envelope: { from: 'a@example.test', to: [] }, options: {} })).toThrow(
      /recipient/,
    );
    expect(s.client()).toBe('');
  });

  it('sends the null reverse-path for bounces', () => {
    const s = readyCore([]);
    s.core.send({ envelope: { from: '', to: ['b@example.test'] }, options: {} });
    expect(s.client()).toBe('MAIL FROM:<>\r\n');
  });

  it('declares BODY=8BITMIME for an 8-bit message, and refuses one when the server lacks 8BITMIME', () => {
    const s = readyCore(['8BITMIME']);
    s.core.send({ envelope: ENVELOPE, options: { bodyType: '8BITMIME' }, bodyTypeScanned: true });
    expect(s.client()).toBe('MAIL FROM:<alice@example.test> BODY=8BITMIME\r\n');
    const t = readyCore([]);
    expect(() => t.core.send({ envelope: ENVELOPE, options: { bodyType: '8BITMIME' } })).toThrow(
      CapabilityError,
    );
  });

  it('declares BODY=8BITMIME for a stream of unknown content when offered', () => {
    const s = readyCore(['8BITMIME']);
    s.core.send({ envelope: ENVELOPE, options: {} });
    expect(s.client()).toBe('MAIL FROM:<alice@example.test> BODY=8BITMIME\r\n');
  });

  it('ends the session when a stream turns out to need 8BITMIME the server lacks', () => {
    const s = readyCore([]);
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.server('250 ok\r\n');
    s.server('250 ok\r\n');
    s.server('354 go\r\n');
    s.client();
    s.events();
    s.core.writeBody(utf8('Subject: ascii\r\n\r\n'));
    expect(s.client()).toBe('Subject: ascii\r\n\r\n');
    s.core.writeBody(utf8('caf\u00e9\r\n'));
    expect(s.client()).toBe('');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toBeInstanceOf(CapabilityError);
    expect((error as CapabilityError).requirement).toBe('8BITMIME');
  });

  it('requires SMTPUTF8 for non-ASCII addresses', () => {
    const s = readyCore(['SMTPUTF8', '8BITMIME']);
    s.core.send({ envelope: { from: 'andré@example.test', to: ['bob@example.test'] }, options: {} });
    expect(s.client()).toBe('MAIL FROM:<andré@example.test> BODY=8BITMIME SMTPUTF8\r\n');
    const t = readyCore(['8BITMIME']);
    expect(() =>
      t.core.send({ envelope: { from: 'andré@example.test', to: ['bob@example.test'] }, options: {} }),
    ).toThrow(expect.objectContaining({ requirement: 'SMTPUTF8' }));
  });

  it('sends DSN parameters when offered, and refuses them otherwise', () => {
    const s = readyCore(['DSN', 'PIPELINING']);
    s.core.send({
      envelope: {
        from: 'a@example.test',
        to: ['b@example.test', { address: 'c@example.test', notify: ['NEVER'] }],
      },
      options: { dsn: { ret: 'HDRS', envid: 'QQ314159', notify: ['SUCCESS', 'FAILURE'], orcpt: true } },
    });
    expect(s.client()).toBe(
      'MAIL FROM:<a@example.test> RET=HDRS ENVID=QQ314159\r\n' +
        'RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.test\r\n' +
        'RCPT TO:<c@example.test> NOTIFY=NEVER ORCPT=rfc822;c@example.test\r\n' +
        'DATA\r\n',
    );
    const t = readyCore([]);
    expect(() => t.core.send({ envelope: ENVELOPE, options: { dsn: { ret: 'FULL' } } })).toThrow(
      expect.objectContaining({ requirement: 'DSN' }),
    );
  });

  it('sends REQUIRETLS only over TLS to a server offering it', () => {
    const plain = readyCore(['REQUIRETLS']);
    expect(() => plain.core.send({ envelope: ENVELOPE, options: { requireTls: true } })).toThrow(
      expect.objectContaining({ requirement: 'REQUIRETLS' }),
    );
    const secure = readyCore(['REQUIRETLS'], { tls: 'implicit' });
    secure.core.send({ envelope: ENVELOPE, options: { requireTls: true } });
    expect(secure.client()).toBe('MAIL FROM:<alice@example.test> REQUIRETLS\r\n');
    const lacking = readyCore([], { tls: 'implicit' });
    expect(() => lacking.core.send({ envelope: ENVELOPE, options: { requireTls: true } })).toThrow(
      CapabilityError,
    );
  });

  it('runs several messages on one session', () => {
    const s = readyCore(['PIPELINING']);
    for (let i = 0; i < 3; i++) {
      s.core.send({ envelope: ENVELOPE, options: {} });
      s.client();
      s.server('250 ok\r\n250 ok\r\n354 go\r\n');
      s.core.writeBody(utf8(`message ${i}\r\n`));
      s.core.endBody();
      expect(s.client()).toBe(`message ${i}\r\n.\r\n`);
      s.server('250 ok\r\n');
      expect(s.eventTypes()).toEqual(['body-wanted', 'sent', 'ready']);
    }
  });

  it('sends NOOP and RSET as commands and reports their replies', () => {
    const s = readyCore([]);
    s.core.command('NOOP');
    expect(s.client()).toBe('NOOP\r\n');
    s.server('250 2.0.0 ok\r\n');
    expect(eventOf(s.events(), 'reply').reply.code).toBe(250);
    expect(() => s.core.command('NOOP\r\nQUIT')).toThrow(TypeError);
  });

  it('quits: QUIT, 221, closed', () => {
    const s = readyCore([]);
    s.core.quit();
    expect(s.client()).toBe('QUIT\r\n');
    s.server('221 2.0.0 bye\r\n');
    expect(s.eventTypes()).toEqual(['closed']);
    expect(s.core.phase).toBe('closed');
  });
});

describe('ClientCore BDAT (CHUNKING)', () => {
  it('sends an in-memory message as one BDAT LAST chunk right behind the envelope under PIPELINING', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING']);
    s.core.send({ envelope: ENVELOPE, options: {} });
    expect(s.eventTypes()).toEqual(['body-wanted']);
    s.core.writeBody(utf8('Subject: x\r\n\r\n.dot stays\r\n'));
    s.core.endBody();
    expect(s.client()).toBe(
      'MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 26 LAST\r\nSubject: x\r\n\r\n.dot stays\r\n',
    );
    expect(s.core.waiting).toBe('command');
    s.server('250 ok\r\n250 ok\r\n250 2.0.0 queued\r\n');
    const { result } = eventOf(s.events(), 'sent');
    expect(result.transfer).toBe('BDAT');
    expect(result.wireOctets).toBe(26);
  });

  it('normalises bare line ends and adds the missing final CRLF, as DATA does', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING']);
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.core.writeBody(utf8('a\nb\rc'));
    s.core.endBody();
    expect(s.client()).toContain('BDAT 9 LAST\r\na\r\nb\r\nc\r\n');
  });

  it('waits for each chunk reply without PIPELINING', () => {
    const s = readyCore(['CHUNKING'], { bdatChunkSize: 4 });
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.server('250 ok\r\n');
    s.server('250 ok\r\n');
    expect(s.eventTypes()).toEqual(['body-wanted']);
    s.client();
    s.core.writeBody(utf8('0123456789'));
    expect(s.client()).toBe('BDAT 4\r\n0123');
    expect(s.core.bodyWanted).toBe(false);
    s.server('250 ok\r\n');
    expect(s.client()).toBe('BDAT 4\r\n4567');
    expect(s.eventTypes()).toEqual([]);
    s.server('250 ok\r\n');
    expect(s.eventTypes()).toEqual(['body-wanted']);
    s.core.endBody();
    // The missing final CRLF is added, as DATA would.
    expect(s.client()).toBe('BDAT 4 LAST\r\n89\r\n');
    s.server('250 2.0.0 done\r\n');
    expect(s.eventTypes()).toEqual(['sent', 'ready']);
  });

  it('stops a pipelined BDAT message when every recipient is refused, then RSET', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING'], { bdatChunkSize: 4 });
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.events();
    s.core.writeBody(utf8('0123456789'));
    // Only the first chunk goes with the envelope; the others wait for the RCPT replies.
    expect(s.client()).toBe('MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 4\r\n0123');
    expect(s.core.bodyWanted).toBe(false);
    s.server('250 ok\r\n550 5.1.1 no\r\n');
    expect(s.core.bodyWanted).toBe(false);
    expect(s.client()).toBe('');
    s.server('503 5.5.1 no recipients\r\n');
    expect(s.client()).toBe('RSET\r\n');
    s.server('250 ok\r\n');
    expect(eventOf(s.events(), 'refused').error).toBeInstanceOf(RecipientsRefusedError);
  });

  it('uses BDAT with BODY=BINARYMIME for a binary message, sent octet for octet', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING', 'BINARYMIME']);
    s.core.send({ envelope: ENVELOPE, options: { bodyType: 'BINARYMIME' }, bodyTypeScanned: true });
    s.core.writeBody(Uint8Array.of(0, 10, 13, 46));
    s.core.endBody();
    const text = s.client();
    expect(text).toContain('MAIL FROM:<alice@example.test> BODY=BINARYMIME\r\n');
    expect(text.endsWith('BDAT 4 LAST\r\n\0\n\r.')).toBe(true);
  });

  it('refuses a binary message when the server lacks BINARYMIME', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING']);
    expect(() => s.core.send({ envelope: ENVELOPE, options: { bodyType: 'BINARYMIME' } })).toThrow(
      expect.objectContaining({ requirement: 'BINARYMIME' }),
    );
  });

  it('uses DATA when BDAT is turned off', () => {
    const s = readyCore(['PIPELINING', 'CHUNKING'], { chunking: false });
    s.core.send({ envelope: ENVELOPE, options: {} });
    expect(s.client()).toContain('DATA\r\n');
  });
});

describe('ClientCore LMTP', () => {
  it('reads one reply per accepted recipient after the message', () => {
    const s = scripted({ lmtp: true });
    s.server('220 x LMTP\r\n');
    s.server(ehloReply(['PIPELINING']));
    s.events();
    s.client();
    s.core.send({
      envelope: { from: 'a@example.test', to: ['b@example.test', 'gone@example.test', 'c@example.test'] },
      options: {},
    });
    s.client();
    s.server('250 ok\r\n250 ok\r\n550 5.1.1 gone\r\n250 ok\r\n354 go\r\n');
    s.core.writeBody(utf8('x\r\n'));
    s.core.endBody();
    s.client();
    s.server('250 2.0.0 b delivered\r\n');
    expect(s.eventTypes()).toEqual(['body-wanted']);
    s.server('452 4.2.2 c over quota\r\n');
    const { result } = eventOf(s.events(), 'sent');
    expect(result.accepted).toEqual(['b@example.test']);
    expect(result.rejected.map((r) => [r.address, r.error.code, r.error.phase])).toEqual([
      ['gone@example.test', 550, 'rcpt'],
      ['c@example.test', 452, 'message'],
    ]);
  });

  it('fails when every recipient refuses the message', () => {
    const s = scripted({ lmtp: true });
    s.server('220 x LMTP\r\n');
    s.server(ehloReply([]));
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.server('250 ok\r\n');
    s.server('250 ok\r\n');
    s.server('354 go\r\n');
    s.core.writeBody(utf8('x\r\n'));
    s.core.endBody();
    s.events();
    s.server('552 5.2.2 full\r\n');
    expect(eventOf(s.events(), 'refused').error).toMatchObject({ code: 552 });
  });
});

describe('ClientCore protocol errors', () => {
  it('fails on a malformed reply with ProtocolError', () => {
    const s = scripted();
    s.server('22O greeting\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).violation).toBe('malformed-reply');
  });

  it('fails on a multi-line reply with mixed codes', () => {
    const s = scripted();
    s.server('220 x\r\n');
    s.server('250-a\r\n251 b\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ violation: 'malformed-reply' });
  });

  it('fails on a reply nobody asked for', () => {
    const s = readyCore([]);
    s.server('250 surprise\r\n');
    expect(eventOf(s.events(), 'fatal').error).toMatchObject({ violation: 'unexpected-reply' });
  });

  it('treats 421 as the server closing, whatever the command', () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.server('421 4.3.2 shutting down\r\n');
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toMatchObject({ code: 421, enhanced: '4.3.2', phase: 'mail', transient: true });
  });

  it('reports a connection closed mid-session with where it happened', () => {
    const s = readyCore(['PIPELINING']);
    s.core.send({ envelope: ENVELOPE, options: {} });
    s.server('250 ok\r\n');
    s.core.connectionClosed();
    const { error } = eventOf(s.events(), 'fatal');
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ failure: 'closed', phase: 'rcpt' });
    expect(error.message).toMatch(/RCPT TO/);
  });

  it('ignores input after the session is over', () => {
    const s = readyCore([]);
    s.core.quit();
    s.server('221 bye\r\n');
    s.events();
    s.server('250 late\r\n');
    s.core.connectionClosed();
    expect(s.events()).toEqual([]);
  });
});
