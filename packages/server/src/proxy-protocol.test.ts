import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIPv6, PROXY_V2_SIGNATURE, parseProxyHeader } from './proxy-protocol.js';
import { proxyV1, proxyV2, proxyV2Local } from './test-support/proxy-headers.js';

const text = (s: string) => Buffer.from(s, 'latin1');

describe('PROXY v1', () => {
  it('reads a TCP4 header and reports its length', () => {
    const bytes = text('PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\nEHLO x\r\n');
    expect(parseProxyHeader(bytes)).toEqual({
      status: 'complete',
      length: 44,
      header: {
        version: 1,
        command: 'proxy',
        source: { address: '192.0.2.7', port: 40000, family: 'IPv4' },
        destination: { address: '198.51.100.1', port: 25, family: 'IPv4' },
      },
    });
  });

  it('reads a TCP6 header and canonicalises the addresses', () => {
    const result = parseProxyHeader(text('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::1 1 65535\r\n'));
    expect(result).toMatchObject({
      status: 'complete',
      header: { source: { address: '2001:db8::1', port: 1 }, destination: { address: '::1', port: 65535 } },
    });
  });

  it('treats UNKNOWN as a header without an address', () => {
    expect(parseProxyHeader(text('PROXY UNKNOWN ffff:f...f ffff:f...f 65535 65535\r\n'))).toMatchObject({
      status: 'complete',
      header: { version: 1, command: 'local' },
    });
  });

  it('asks for more bytes while the header may still be valid', () => {
    const whole = proxyV1('192.0.2.7', 1000, '192.0.2.8', 25);
    for (let n = 0; n < whole.length; n++) {
      expect(parseProxyHeader(whole.subarray(0, n)).status).toBe('incomplete');
    }
    expect(parseProxyHeader(whole).status).toBe('complete');
  });

  it.each([
    ['a plain SMTP command', 'EHLO client.example\r\n'],
    ['a lower-case keyword', 'proxy TCP4 192.0.2.7 192.0.2.8 1 2\r\n'],
    ['an unknown protocol', 'PROXY UDP4 192.0.2.7 192.0.2.8 1 2\r\n'],
    ['an IPv6 address under TCP4', 'PROXY TCP4 ::1 ::1 1 2\r\n'],
    ['a port above 65535', 'PROXY TCP4 192.0.2.7 192.0.2.8 65536 2\r\n'],
    ['a port with a leading zero', 'PROXY TCP4 192.0.2.7 192.0.2.8 025 2\r\n'],
    ['a missing port', 'PROXY TCP4 192.0.2.7 192.0.2.8 1\r\n'],
    ['a bare LF', 'PROXY TCP4 192.0.2.7 192.0.2.8 1 2\n'],
    ['a header over 107 octets', `PROXY UNKNOWN ${'x'.repeat(100)}\r\n`],
  ])('refuses %s', (_name, input) => {
    expect(parseProxyHeader(text(input)).status).toBe('invalid');
  });

  it('refuses an endless first line without waiting for its end', () => {
    expect(parseProxyHeader(text(`PROXY UNKNOWN ${'x'.repeat(200)}`)).status).toBe('invalid');
  });
});

describe('PROXY v2', () => {
  it('reads an IPv4 PROXY header, skipping TLVs', () => {
    const header = proxyV2('203.0.113.9', 5555, '192.0.2.1', 25, Uint8Array.of(0x04, 0x00, 0x01, 0xff));
    const result = parseProxyHeader(Buffer.concat([header, text('EHLO x\r\n')]));
    expect(result).toEqual({
      status: 'complete',
      length: header.length,
      header: {
        version: 2,
        command: 'proxy',
        source: { address: '203.0.113.9', port: 5555, family: 'IPv4' },
        destination: { address: '192.0.2.1', port: 25, family: 'IPv4' },
      },
    });
  });

  it('reads an IPv6 PROXY header', () => {
    const header = proxyV2('2001:db8::42', 1, '2001:db8::1', 587);
    expect(parseProxyHeader(header)).toMatchObject({
      status: 'complete',
      length: 16 + 36,
      header: { source: { address: '2001:db8::42', family: 'IPv6' }, destination: { port: 587 } },
    });
  });

  it('treats LOCAL as a header without an address', () => {
    expect(parseProxyHeader(proxyV2Local())).toEqual({
      status: 'complete',
      length: 16,
      header: { version: 2, command: 'local' },
    });
  });

  it('treats a UNIX-socket family as a header without an address', () => {
    const unix = Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x31, 0x00, 216]), Buffer.alloc(216)]);
    expect(parseProxyHeader(unix)).toMatchObject({
      status: 'complete',
      length: 232,
      header: { command: 'local' },
    });
  });

  it('is incomplete at every prefix of a valid header', () => {
    const whole = proxyV2('203.0.113.9', 5555, '192.0.2.1', 25);
    for (let n = 0; n < whole.length; n++) {
      expect(parseProxyHeader(whole.subarray(0, n)).status).toBe('incomplete');
    }
  });

  it.each([
    ['a bad signature', Buffer.concat([Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x52])])],
    [
      'version 1 in the binary form',
      Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x11, 0x11, 0x00, 0x0c])]),
    ],
    ['an unknown command', Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x22, 0x11, 0x00, 0x0c])])],
    [
      'an address block too short',
      Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 0x04]), Buffer.alloc(4)]),
    ],
  ])('refuses %s', (_name, input) => {
    expect(parseProxyHeader(input).status).toBe('invalid');
  });

  it('round-trips any TCP4 endpoint pair', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
    const port = fc.nat(65535);
    fc.assert(
      fc.property(ipv4, port, ipv4, port, (source, sourcePort, destination, destinationPort) => {
        for (const header of [
          proxyV1(source, sourcePort, destination, destinationPort),
          proxyV2(source, sourcePort, destination, destinationPort),
        ]) {
          expect(parseProxyHeader(header)).toMatchObject({
            status: 'complete',
            length: header.length,
            header: {
              command: 'proxy',
              source: { address: source, port: sourcePort },
              destination: { address: destination, port: destinationPort },
            },
          });
        }
      }),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, v2) => {
        const input = Buffer.concat([v2 ? PROXY_V2_SIGNATURE : text('PROXY '), tail]);
        expect(['incomplete', 'complete', 'invalid']).toContain(parseProxyHeader(input).status);
      }),
    );
  });
});

describe('canonicalIPv6', () => {
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
  ])('%s → %s', (input, output) => {
    expect(canonicalIPv6(input)).toBe(output);
  });
});
