/**
 * SMTP smuggling (CVE-2023-51764/51765/51766): a DATA body can never end at anything but
 * <CRLF>.<CRLF>, so one message never turns into two and smuggled commands never run. Each vector
 * in strict mode (521 and nothing stored) and in lenient mode (stored as one message).
 */
import { describe, expect, it } from 'vitest';
import type { LineEndingMode } from './policy.js';
import { testApplication } from './test-support/app.js';
import { Driver } from './test-support/driver.js';

const VECTORS: Readonly<Record<string, string>> = {
  '<LF>.<LF>': '\n.\n',
  '<CR>.<CR>': '\r.\r',
  '<LF>.<CR><LF>': '\n.\r\n',
  '<CR><LF>.<LF>': '\r\n.\n',
  '<CR><LF>.<CR>': '\r\n.\r',
  '<CR>.<CR><LF>': '\r.\r\n',
  '<LF>..<LF>': '\n..\n',
};

const SMUGGLED =
  'MAIL FROM:<admin@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nFrom: admin\r\n\r\nsmuggled\r\n';
const OPEN = 'EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n';

function smuggle(lineEndings: LineEndingMode, vector: string, split: 'whole' | 'bytewise'): Driver {
  const driver = new Driver({ hostname: 'mx.example.test', lineEndings }, { decide: testApplication });
  const stream = `${OPEN}Subject: real\r\n\r\nbody${vector}${SMUGGLED}.\r\nQUIT\r\n`;
  return split === 'whole' ? driver.send(stream) : driver.sendBytewise(stream);
}

for (const [name, vector] of Object.entries(VECTORS)) {
  describe(`smuggling vector ${name}`, () => {
    for (const split of ['whole', 'bytewise'] as const) {
      it(`strict (${split}): 521 5.5.2, close, nothing stored, nothing smuggled runs`, () => {
        const driver = smuggle('strict', vector, split);
        expect(driver.writes.at(-1)).toMatch(/^521 5\.5\.2 /);
        expect(driver.closed).toBe(true);
        expect(driver.messages).toHaveLength(0);
        expect(driver.events.filter((event) => event.type === 'mail')).toHaveLength(1);
      });

      it(`lenient (${split}): one message holding the smuggled text, nothing smuggled runs`, () => {
        const driver = smuggle('lenient', vector, split);
        expect(driver.messages).toHaveLength(1);
        // A dot that starts a line after CRLF is a stuffing dot and goes; after a bare CR or LF it stays.
        const stored = vector.replace(/^\r\n\./, '\r\n');
        expect(driver.messages[0]?.body).toBe(`Subject: real\r\n\r\nbody${stored}${SMUGGLED}`);
        expect(driver.events.filter((event) => event.type === 'mail')).toHaveLength(1);
        expect(driver.codes.slice(-2)).toEqual([250, 221]);
      });
    }
  });
}

describe('smuggling through command lines', () => {
  it('strict: a bare LF between pipelined commands closes before the second runs', () => {
    const driver = new Driver({ hostname: 'mx.example.test' }, { decide: testApplication }).send(
      'EHLO c.example\r\nMAIL FROM:<a@example.test>\nRCPT TO:<b@example.test>\r\n',
    );
    expect(driver.writes.at(-1)).toMatch(/^521 5\.5\.2 /);
    expect(driver.events.filter((event) => event.type === 'rcpt')).toHaveLength(0);
  });

  it('a BDAT chunk holding command text and a fake terminator is only content', () => {
    const chunk = 'x\r\n.\r\nMAIL FROM:<evil@example.test>\r\n';
    const driver = new Driver({ hostname: 'mx.example.test' }, { decide: testApplication }).send(
      `EHLO c.example\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT ${chunk.length} LAST\r\n${chunk}`,
    );
    expect(driver.messages.map((message) => message.body)).toEqual([chunk]);
    expect(driver.events.filter((event) => event.type === 'mail')).toHaveLength(1);
  });
});
