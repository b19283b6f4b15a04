import { isIPv4 } from 'node:net';
import { PROXY_V2_SIGNATURE } from '../proxy-protocol.js';

/** Builds a PROXY v1 header line (with CRLF) for tests. */
export function proxyV1(
  source: string,
  sourcePort: number,
  destination: string,
  destinationPort: number,
): Buffer {
  const protocol = isIPv4(source) ? 'TCP4' : 'TCP6';
  return Buffer.from(
    `PROXY ${protocol} ${source} ${destination} ${sourcePort} ${destinationPort}\r\n`,
    'latin1',
  );
}

/** Builds a PROXY v2 PROXY-command header over TCP for tests, with optional trailing TLV bytes. */
export function proxyV2(
  source: string,
  sourcePort: number,
  destination: string,
  destinationPort: number,
  tlv: Uint8Array = new Uint8Array(0),
): Buffer {
  const v4 = isIPv4(source);
  const addresses = v4
    ? Buffer.concat([ipv4Bytes(source), ipv4Bytes(destination)])
    : Buffer.concat([ipv6Bytes(source), ipv6Bytes(destination)]);
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destinationPort, 2);
  const length = addresses.length + 4 + tlv.length;
  const fixed = Buffer.from([0x21, v4 ? 0x11 : 0x21, length >> 8, length & 0xff]);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, addresses, ports, tlv]);
}

/** A PROXY v2 LOCAL header (a load balancer's health check: no client address). */
export function proxyV2Local(): Buffer {
  return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const zeros = new Array(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = address.includes('::') ? [...headGroups, ...zeros, ...tailGroups] : headGroups;
  const out = Buffer.alloc(16);
  for (const [i, group] of groups.entries()) out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return out;
}
