import { isIPv4, isIPv6 } from 'node:net';

/** One end of a proxied connection, as the load balancer saw it. */
export interface ProxiedEndpoint {
  /** The IP address in canonical text form (IPv6 lower-case and compressed, RFC 5952). */
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/**
 * A parsed PROXY protocol header (HAProxy's PROXY protocol, versions 1 and 2).
 *
 * `command: 'local'` means the header carries no client address (v1 `UNKNOWN`, v2 `LOCAL`, or a v2
 * address family other than TCP over IPv4/IPv6, such as a health check): the connection's own
 * addresses apply.
 */
export type ProxyHeader =
  | {
      readonly version: 1 | 2;
      readonly command: 'proxy';
      readonly source: ProxiedEndpoint;
      readonly destination: ProxiedEndpoint;
    }
  | { readonly version: 1 | 2; readonly command: 'local' };

/** What {@link parseProxyHeader} found at the start of a connection. */
export type ProxyParseResult =
  | { readonly status: 'incomplete' }
  | { readonly status: 'complete'; readonly header: ProxyHeader; readonly length: number }
  | { readonly status: 'invalid'; readonly reason: string };

/** The 12 octets every v2 header starts with. */
export const PROXY_V2_SIGNATURE: Uint8Array = Uint8Array.of(
  0x0d,
  0x0a,
  0x0d,
  0x0a,
  0x00,
  0x0d,
  0x0a,
  0x51,
  0x55,
  0x49,
  0x54,
  0x0a,
);
const V1_PREFIX = Uint8Array.from(Buffer.from('PROXY ', 'latin1'));
/** A v1 header is at most 107 octets including its CRLF. */
const V1_MAX_LENGTH = 107;
const V2_FIXED_LENGTH = 16;
const INCOMPLETE: ProxyParseResult = { status: 'incomplete' };

/**
 * Reads a PROXY protocol header (v1 text or v2 binary) from the first bytes of a connection.
 *
 * Returns `incomplete` while the bytes seen so far are a valid beginning, `complete` with the
 * header's length (the bytes after it belong to the proxied client), or `invalid` as soon as the
 * bytes cannot be a header — the caller then closes the connection.
 */
export function parseProxyHeader(bytes: Uint8Array): ProxyParseResult {
  if (bytes.length === 0) return INCOMPLETE;
  if (bytes[0] === V1_PREFIX[0]) return parseV1(bytes);
  if (bytes[0] === PROXY_V2_SIGNATURE[0]) return parseV2(bytes);
  return invalid('the connection did not start with a PROXY protocol header');
}

function invalid(reason: string): ProxyParseResult {
  return { status: 'invalid', reason };
}

function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function parseV1(bytes: Uint8Array): ProxyParseResult {
  if (!startsLike(bytes, V1_PREFIX)) return invalid('malformed PROXY v1 header');
  const lf = bytes.indexOf(0x0a);
  if (lf === -1) {
    return bytes.length >= V1_MAX_LENGTH ? invalid('PROXY v1 header longer than 107 octets') : INCOMPLETE;
  }
  if (lf + 1 > V1_MAX_LENGTH) return invalid('PROXY v1 header longer than 107 octets');
  if (bytes[lf - 1] !== 0x0d) return invalid('PROXY v1 header not ended by CRLF');
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, lf - 1).toString('latin1');
  const length = lf + 1;
  const fields = line.split(' ');
  const protocol = fields[1];
  if (protocol === 'UNKNOWN') return { status: 'complete', header: { version: 1, command: 'local' }, length };
  if (fields.length !== 6) return invalid('PROXY v1 header needs protocol, two addresses and two ports');
  const [, , sourceText, destinationText, sourcePortText, destinationPortText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const family = protocol === 'TCP4' ? 'IPv4' : protocol === 'TCP6' ? 'IPv6' : undefined;
  if (family === undefined) return invalid(`unknown PROXY v1 protocol ${JSON.stringify(protocol)}`);
  const source = v1Endpoint(family, sourceText, sourcePortText);
  const destination = v1Endpoint(family, destinationText, destinationPortText);
  if (source === undefined || destination === undefined) {
    return invalid('PROXY v1 header with a bad address or port');
  }
  return { status: 'complete', header: { version: 1, command: 'proxy', source, destination }, length };
}

function v1Endpoint(family: 'IPv4' | 'IPv6', address: string, portText: string): ProxiedEndpoint | undefined {
  const valid = family === 'IPv4' ? isIPv4(address) : isIPv6(address);
  if (!valid || !/^(?:0|[1-9]\d{0,4})$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { address: family === 'IPv6' ? canonicalIPv6(address) : address, port, family };
}

function parseV2(bytes: Uint8Array): ProxyParseResult {
  if (!startsLike(bytes, PROXY_V2_SIGNATURE)) return invalid('malformed PROXY v2 signature');
  if (bytes.length < V2_FIXED_LENGTH) return INCOMPLETE;
  const versionCommand = bytes[12] as number;
  const familyProtocol = bytes[13] as number;
  const addressLength = ((bytes[14] as number) << 8) | (bytes[15] as number);
  if (versionCommand >> 4 !== 2) return invalid(`unsupported PROXY protocol version ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid(`unknown PROXY v2 command ${command}`);
  const length = V2_FIXED_LENGTH + addressLength;
  if (bytes.length < length) return INCOMPLETE;
  if (command === 0) return { status: 'complete', header: { version: 2, command: 'local' }, length };

  const family = familyProtocol >> 4;
  const transport = familyProtocol & 0x0f;
  // Only TCP over IPv4/IPv6 carries an address an SMTP server can use; anything else (UNIX
  // sockets, UDP, unspecified) is accepted as "no address", as the protocol asks receivers to.
  if (transport !== 1 || (family !== 1 && family !== 2)) {
    return { status: 'complete', header: { version: 2, command: 'local' }, length };
  }
  const addressSize = family === 1 ? 4 : 16;
  if (addressLength < addressSize * 2 + 4) return invalid('PROXY v2 address block too short');
  const at = V2_FIXED_LENGTH;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const read = (offset: number) => bytes.subarray(at + offset, at + offset + addressSize);
  const format = family === 1 ? formatIPv4 : formatIPv6;
  const familyName = family === 1 ? 'IPv4' : 'IPv6';
  const source: ProxiedEndpoint = {
    address: format(read(0)),
    port: view.getUint16(at + addressSize * 2),
    family: familyName,
  };
  const destination: ProxiedEndpoint = {
    address: format(read(addressSize)),
    port: view.getUint16(at + addressSize * 2 + 2),
    family: familyName,
  };
  return { status: 'complete', header: { version: 2, command: 'proxy', source, destination }, length };
}

function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

function formatIPv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return canonicalIPv6(groups.join(':'));
}

/**
 * The RFC 5952 text of an IPv6 address (lower case, zero runs compressed, IPv4-mapped addresses in
 * dotted form like Node's own `remoteAddress`), so that per-address limits and hooks see one
 * spelling of one address.
 */
export function canonicalIPv6(address: string): string {
  // The WHATWG URL parser implements RFC 5952's compression but writes mapped IPv4 in hex.
  const compressed = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const high = Number.parseInt(mapped[1] as string, 16);
  const low = Number.parseInt(mapped[2] as string, 16);
  return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}
