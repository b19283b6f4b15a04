import type { SmtpPhase } from '@smtp/codec';
import { ConnectionError, TlsError } from './errors.js';

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A Node socket error as the client's typed error. */
export function connectionErrorOf(error: unknown, where: string, phase: SmtpPhase): ConnectionError {
  const code = codeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') {
    return new ConnectionError('refused', `connection refused by ${where}`, { phase, code, cause: error });
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new ConnectionError('unreachable', `cannot reach ${where}: ${reason}`, {
      phase,
      code,
      cause: error,
    });
  }
  if (code !== undefined && RESET.has(code)) {
    return new ConnectionError('reset', `connection to ${where} was reset`, { phase, code, cause: error });
  }
  return new ConnectionError('other', `connection to ${where} failed: ${reason}`, {
    phase,
    ...(code === undefined ? {} : { code }),
    cause: error,
  });
}

/** An error of a TLS handshake as a {@link TlsError}, with the certificate problem spelled out. */
export function tlsErrorOf(error: unknown, where: string, afterStartTls: boolean): TlsError {
  const code = codeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const how = afterStartTls ? 'TLS handshake after STARTTLS' : 'TLS handshake';
  return new TlsError(`${how} with ${where} failed: ${reason}${hint(code)}`, {
    phase: afterStartTls ? 'starttls' : 'tls',
    ...(code === undefined ? {} : { code }),
    cause: error,
  });
}

function hint(code: string | undefined): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return ' (the certificate is not signed by a trusted authority: pass its CA, or disable verification for tests)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return ' (the certificate is for another host name)';
    case 'CERT_HAS_EXPIRED':
      return ' (the certificate has expired)';
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_RECORD_LAYER_FAILURE':
      return ' (the server sent something that is not TLS: a plain-text server, or bytes injected after its reply to STARTTLS)';
    default:
      return '';
  }
}
