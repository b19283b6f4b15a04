/**
 * Socket, file and TLS errors as short reasons for one-line messages
 * (`cannot connect to 127.0.0.1:2526: connection refused`), never a stack trace.
 */
import net from 'node:net';
import type { Endpoint } from './options.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'the server closed the connection',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (try again later)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
};

const CERTIFICATE_HINT =
  ' (add `@tls insecure` to the transcript, or run with --insecure, to accept any certificate)';

const TLS_HINTS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: CERTIFICATE_HINT,
  SELF_SIGNED_CERT_IN_CHAIN: CERTIFICATE_HINT,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: CERTIFICATE_HINT,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: CERTIFICATE_HINT,
  CERT_HAS_EXPIRED: CERTIFICATE_HINT,
  ERR_TLS_CERT_ALTNAME_INVALID: CERTIFICATE_HINT,
  ERR_SSL_WRONG_VERSION_NUMBER: ' (the server answered with something that is not TLS)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: ' (the server answered with something that is not TLS)',
};

/** The error's code, when it has a string one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first line of an error's message, without a trailing period. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/\.$/, '');
}

/** A short reason for a socket or file error. */
export function errorReason(error: unknown): string {
  const code = errorCode(error);
  return (code === undefined ? undefined : REASONS[code]) ?? firstLine(error);
}

/** A short reason for a TLS handshake error, with a hint for certificate problems. */
export function tlsReason(error: unknown): string {
  const code = errorCode(error);
  const hint = code === undefined ? '' : (TLS_HINTS[code] ?? '');
  const reason = code !== undefined && REASONS[code] !== undefined ? errorReason(error) : firstLine(error);
  return `${reason}${hint}`;
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatEndpoint(endpoint: Endpoint): string {
  return net.isIPv6(endpoint.host)
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}

/** Whether a socket error means the other side closed or reset the connection. */
export function isClosedBySocketError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE';
}
