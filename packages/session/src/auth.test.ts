/** AUTH with every mechanism: success, bad credentials, bad base64, cancel, and the rules around it. */
import {
  base64Decode,
  base64Encode,
  cramMd5Response,
  fromUtf8,
  oauthBearerResponse,
  saslPlainResponse,
  xoauth2Response,
} from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { ServerSession } from './session.js';
import { cramMd5Digest, testApplication } from './test-support/app.js';
import { Driver } from './test-support/driver.js';
import { expectScript, type ScriptOptions } from './test-support/script.js';

const HOST = 'mx.example.test';
const ALL = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'] as const;
const POLICY: SessionPolicy = {
  hostname: HOST,
  tls: { available: false, active: true },
  auth: { mechanisms: ALL },
};
const OPTIONS: ScriptOptions = { decide: testApplication, connection: { nonce: '4711.1700000000' } };
const EHLO =
  'S: 220 *\nC: EHLO client.example\nS: 250-*\nS: ...\nS: 250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER\nS: 250 HELP\n';

const good = saslPlainResponse({ username: 'alice', password: 'wonderland' });
const bad = saslPlainResponse({ username: 'alice', password: 'guess' });

function run(script: string, policy: SessionPolicy = POLICY) {
  return expectScript(policy, EHLO + script, OPTIONS);
}

describe('AUTH PLAIN', () => {
  it('succeeds with an initial response', () => {
    const driver = run(`C: AUTH PLAIN ${good}\nS: 235 2.7.0 *`);
    expect(driver.events).toContainEqual({ type: 'authenticated', username: 'alice', mechanism: 'PLAIN' });
    expect(driver.events).toContainEqual({
      type: 'auth',
      mechanism: 'PLAIN',
      username: 'alice',
      password: 'wonderland',
    });
    expect(driver.session.info.authenticatedAs).toBe('alice');
  });

  it('succeeds after an empty challenge', () => {
    run(`C: AUTH PLAIN\nS: 334 \nC: ${good}\nS: 235 2.7.0 *`);
  });

  it('refuses bad credentials with 535 5.7.8, delayed', () => {
    const driver = run(`C: AUTH PLAIN ${bad}\nS: 535 5.7.8 *`);
    expect(driver.actions.at(-1)).toMatchObject({ delayMs: 1000 });
    expect(driver.session.info).toMatchObject({ authenticatedAs: undefined, authFailures: 1 });
  });

  it('refuses an authorization identity the application does not allow', () => {
    const other = saslPlainResponse({ authzid: 'bob', username: 'alice', password: 'wonderland' });
    const driver = run(`C: AUTH PLAIN ${other}\nS: 535 5.7.8 *`);
    expect(driver.events).toContainEqual(expect.objectContaining({ type: 'auth', authzid: 'bob' }));
  });

  it('answers bad base64 and malformed responses with 501 5.5.2', () => {
    run(`C: AUTH PLAIN AGFsaWNl*\nS: 501 5.5.2 *\nC: AUTH PLAIN\nS: 334 \nC: !!!\nS: 501 5.5.2 *`);
    run(`C: AUTH PLAIN ${base64Encode('no separators')}\nS: 501 5.5.2 *\nC: AUTH PLAIN =\nS: 501 5.5.2 *`);
  });

  it('is cancelled by *', () => {
    const driver = run(`C: AUTH PLAIN\nS: 334 \nC: *\nS: 501 5.5.2 *\nC: NOOP\nS: 250 2.0.0 *`);
    expect(driver.session.info.authFailures).toBe(0);
  });
});

describe('AUTH LOGIN', () => {
  const user = base64Encode('alice');
  const password = base64Encode('wonderland');

  it('asks for the username and the password, then succeeds', () => {
    run(
      `C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ${user}\nS: 334 UGFzc3dvcmQ6\nC: ${password}\nS: 235 2.7.0 *`,
    );
  });

  it('takes the username as an initial response', () => {
    run(`C: AUTH LOGIN ${user}\nS: 334 UGFzc3dvcmQ6\nC: ${password}\nS: 235 2.7.0 *`);
  });

  it('refuses bad credentials', () => {
    run(`C: AUTH LOGIN ${user}\nS: 334 UGFzc3dvcmQ6\nC: ${base64Encode('nope')}\nS: 535 5.7.8 *`);
  });

  it('answers bad base64 with 501 5.5.2 and * with 501 5.5.2', () => {
    run(`C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: a=b=c\nS: 501 5.5.2 *`);
    run(`C: AUTH LOGIN ${user}\nS: 334 UGFzc3dvcmQ6\nC: *\nS: 501 5.5.2 *`);
  });
});

describe('AUTH CRAM-MD5', () => {
  it('sends a challenge made of the connection nonce and the hostname, and checks the digest through the application', () => {
    const driver = new Driver(POLICY, OPTIONS);
    driver.send('EHLO client.example\r\nAUTH CRAM-MD5\r\n');
    const line = driver.writes.at(-1) ?? '';
    expect(line).toMatch(/^334 [A-Za-z0-9+/=]+\r\n$/);
    const challenge = fromUtf8(base64Decode(line.slice(4, -2)) ?? new Uint8Array());
    expect(challenge).toBe(`<4711.1700000000.1@${HOST}>`);
    driver.send(`${cramMd5Response('alice', cramMd5Digest('wonderland', challenge))}\r\n`);
    expect(driver.writes.at(-1)).toMatch(/^235 2\.7\.0 /);
    expect(driver.events).toContainEqual(
      expect.objectContaining({ type: 'auth', mechanism: 'CRAM-MD5', username: 'alice', challenge }),
    );
  });

  it('refuses a wrong digest, and numbers the next challenge differently', () => {
    const driver = new Driver(POLICY, OPTIONS);
    driver.send('EHLO client.example\r\nAUTH CRAM-MD5\r\n');
    driver.send(`${cramMd5Response('alice', cramMd5Digest('wrong', 'whatever'))}\r\n`);
    expect(driver.writes.at(-1)).toMatch(/^535 5\.7\.8 /);
    driver.send('AUTH CRAM-MD5\r\n');
    const line = driver.writes.at(-1) ?? '';
    expect(fromUtf8(base64Decode(line.slice(4, -2)) ?? new Uint8Array())).toBe(`<4711.1700000000.2@${HOST}>`);
  });

  it('answers bad base64 with 501 5.5.2 and is cancelled by *', () => {
    run(
      'C: AUTH CRAM-MD5\nS: 334 *\nC: @@@@\nS: 501 5.5.2 *\nC: AUTH CRAM-MD5\nS: 334 *\nC: *\nS: 501 5.5.2 *',
    );
  });

  it('refuses an initial response and malformed responses with 501 5.5.2', () => {
    run(`C: AUTH CRAM-MD5 ${base64Encode('alice 0123')}\nS: 501 5.5.2 *`);
    run(`C: AUTH CRAM-MD5\nS: 334 *\nC: ${base64Encode('alice not-a-digest')}\nS: 501 5.5.2 *`);
  });

  it('cannot be offered without a nonce (the session has no randomness)', () => {
    expect(() => new ServerSession({ hostname: HOST, auth: { mechanisms: ['CRAM-MD5'] } })).toThrow(
      TypeError,
    );
    expect(
      () => new ServerSession({ hostname: HOST, auth: { mechanisms: ['CRAM-MD5'] } }, { nonce: 'a<b' }),
    ).toThrow(TypeError);
  });
});

describe('AUTH XOAUTH2', () => {
  it('succeeds with a good token', () => {
    const driver = run(
      `C: AUTH XOAUTH2 ${xoauth2Response('alice@example.test', 'ya29.good-token')}\nS: 235 2.7.0 *`,
    );
    expect(driver.session.info.authenticatedAs).toBe('alice@example.test');
  });

  it('succeeds after an empty challenge', () => {
    run(
      `C: AUTH XOAUTH2\nS: 334 \nC: ${xoauth2Response('alice@example.test', 'ya29.good-token')}\nS: 235 2.7.0 *`,
    );
  });

  it('answers a bad token with the error challenge, then 535 after the client acknowledges', () => {
    const driver = run(
      `C: AUTH XOAUTH2 ${xoauth2Response('alice@example.test', 'ya29.stolen')}\nS: 334 *\nC:\nS: 535 5.7.8 *`,
    );
    const challenge = driver.writes.at(-2) ?? '';
    expect(JSON.parse(fromUtf8(base64Decode(challenge.slice(4, -2)) ?? new Uint8Array()))).toEqual({
      status: '401',
    });
    expect(driver.actions.at(-1)).toMatchObject({ delayMs: 1000 });
  });

  it('answers bad base64 with 501 5.5.2 and is cancelled by *', () => {
    run('C: AUTH XOAUTH2 %%%\nS: 501 5.5.2 *\nC: AUTH XOAUTH2\nS: 334 \nC: *\nS: 501 5.5.2 *');
  });
});

describe('AUTH OAUTHBEARER', () => {
  const token = (value: string) =>
    oauthBearerResponse({ user: 'alice@example.test', host: HOST, port: 587, token: value });

  it('succeeds with a good token', () => {
    const driver = run(`C: AUTH OAUTHBEARER ${token('ya29.good-token')}\nS: 235 2.7.0 *`);
    expect(driver.events).toContainEqual(
      expect.objectContaining({ type: 'auth', mechanism: 'OAUTHBEARER', authzid: 'alice@example.test' }),
    );
  });

  it('answers a bad token with the RFC 7628 error challenge, then 535 after ^A', () => {
    const driver = run(`C: AUTH OAUTHBEARER ${token('ya29.bad')}\nS: 334 *\nC: AQ==\nS: 535 5.7.8 *`);
    const challenge = driver.writes.at(-2) ?? '';
    expect(JSON.parse(fromUtf8(base64Decode(challenge.slice(4, -2)) ?? new Uint8Array()))).toEqual({
      status: 'invalid_token',
    });
  });

  it('answers bad base64 with 501 5.5.2 and is cancelled by *', () => {
    run('C: AUTH OAUTHBEARER ====\nS: 501 5.5.2 *\nC: AUTH OAUTHBEARER\nS: 334 \nC: *\nS: 501 5.5.2 *');
  });
});

describe('AUTH rules', () => {
  it('502 5.5.1 when authentication is not configured', () => {
    expectScript(
      { hostname: HOST },
      `S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: AUTH PLAIN ${good}\nS: 502 5.5.1 *`,
    );
  });

  it('503 5.5.1 before EHLO and after HELO', () => {
    expectScript(
      POLICY,
      `S: 220 *\nC: AUTH PLAIN ${good}\nS: 503 5.5.1 *\nC: HELO c\nS: 250 *\nC: AUTH PLAIN ${good}\nS: 503 5.5.1 *`,
      OPTIONS,
    );
  });

  it('works on a plain-text connection only with allowInsecure', () => {
    const insecure: SessionPolicy = { hostname: HOST, auth: { mechanisms: ['PLAIN'], allowInsecure: true } };
    expectScript(
      insecure,
      `S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: AUTH PLAIN ${good}\nS: 235 2.7.0 *`,
      OPTIONS,
    );
  });

  it('with auth.required, MAIL gets 530 5.7.0 until the client has authenticated; the envelope names the user', () => {
    const driver = run(
      `C: MAIL FROM:<a@example.test>\nS: 530 5.7.0 *\nC: AUTH PLAIN ${good}\nS: 235 2.7.0 *\n` +
        'C: MAIL FROM:<a@example.test>\nC: RCPT TO:<b@example.test>\nC: DATA\nS: 250 2.1.0 *\nS: 250 2.1.5 *\nS: 354 *\n' +
        'C: hi\nC: .\nS: 250 2.0.0 *',
      { ...POLICY, auth: { mechanisms: ALL, required: true } },
    );
    expect(driver.messages[0]?.envelope.authenticatedAs).toBe('alice');
  });

  it('accepts AUTH lines longer than 512 octets (long tokens), up to 12288', () => {
    const longToken = `ya29.${'t'.repeat(3000)}`;
    const driver = run(
      `C: AUTH XOAUTH2 ${xoauth2Response('alice@example.test', longToken)}\nS: 334 *\nC:\nS: 535 5.7.8 *`,
    );
    expect(driver.events).toContainEqual(expect.objectContaining({ type: 'auth', token: longToken }));
    run(`C: AUTH PLAIN\nS: 334 \nC: ${'A'.repeat(13000)}\nS: 500 5.5.6 *\nC: NOOP\nS: 250 2.0.0 *`);
  });

  it('a bare LF inside an exchange closes the session with 521 5.5.2', () => {
    run('C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC! YWxpY2U=\\n\nS: 521 5.5.2 *\n@closed');
  });

  it('slows every refusal down by authFailureDelayMs and stops after maxAuthFailures (0 = never)', () => {
    const policy: SessionPolicy = { ...POLICY, maxAuthFailures: 0, authFailureDelayMs: (n) => n * 7 };
    const attempts = Array.from({ length: 5 }, () => `C: AUTH PLAIN ${bad}\nS: 535 5.7.8 *`).join('\n');
    const driver = run(attempts, policy);
    const delays = driver.actions.flatMap((action) => ('delayMs' in action ? [action.delayMs] : []));
    expect(delays).toEqual([7, 14, 21, 28, 35]);
  });

  it('does not put initial responses into protocol-error events', () => {
    const driver = run(`C: AUTH GSSAPI ${good}\nS: 504 5.5.4 *`);
    const error = driver.events.find((event) => event.type === 'protocol-error');
    expect(error).toEqual({ type: 'protocol-error', code: 504, enhanced: '5.5.4', line: 'AUTH GSSAPI' });
  });

  it('is forgotten when TLS starts', () => {
    const policy: SessionPolicy = {
      hostname: HOST,
      tls: { available: true, active: false },
      auth: { mechanisms: ['PLAIN'], allowInsecure: true },
    };
    const driver = expectScript(
      policy,
      `S: 220 *\nC: EHLO c\nS: 250-*\nS: ...\nC: AUTH PLAIN ${good}\nS: 235 2.7.0 *\nC: STARTTLS\nS: 220 2.0.0 *\n@tls\nC: EHLO c\nS: 250-*\nS: ...\nC: AUTH PLAIN ${good}\nS: 235 2.7.0 *`,
      OPTIONS,
    );
    expect(driver.events.filter((event) => event.type === 'authenticated')).toHaveLength(2);
  });
});
