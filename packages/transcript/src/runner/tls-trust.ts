/**
 * Which server certificates a connection accepts: verified against the system's authorities
 * (the default), self-signed ones with a matching host name, or any at all (`@tls insecure`).
 * The embedded server's own certificate is pinned, so it is always verified and trusted.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from './options.js';

/** How much to trust the server's certificate. */
export type CertificateTrust = 'verify' | 'self-signed' | 'any';

/** What a TLS handshake checks. */
export interface TlsPolicy {
  readonly trust: CertificateTrust;
  /** The only authority to trust (the embedded server's self-signed certificate), PEM. */
  readonly ca?: string;
}

/** Errors of a certificate that is not signed by a known authority, and nothing worse. */
const UNTRUSTED_ISSUER = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** Node's options for a handshake with `endpoint` under `policy`. */
export function tlsConnectOptions(endpoint: Endpoint, policy: TlsPolicy): tls.ConnectionOptions {
  const servername = net.isIP(endpoint.host) === 0 ? endpoint.host : undefined;
  return {
    host: endpoint.host,
    ...(servername === undefined ? {} : { servername }),
    ...(policy.ca === undefined ? {} : { ca: [policy.ca] }),
    rejectUnauthorized: policy.trust === 'verify',
  };
}

/**
 * After a handshake that did not reject on its own: under `self-signed`, a certificate is
 * accepted when its only fault is its issuer and it names the host; returns the reason otherwise.
 */
export function checkAfterHandshake(
  socket: tls.TLSSocket,
  endpoint: Endpoint,
  policy: TlsPolicy,
): Error | undefined {
  if (policy.trust !== 'self-signed' || socket.authorized) return undefined;
  const problem = socket.authorizationError as unknown;
  const code = typeof problem === 'string' ? problem : (problem as { code?: string } | undefined)?.code;
  if (code === undefined || !UNTRUSTED_ISSUER.has(code)) {
    return Object.assign(new Error(`certificate not accepted: ${String(code ?? problem)}`), { code });
  }
  return tls.checkServerIdentity(endpoint.host, socket.getPeerCertificate()) ?? undefined;
}
