import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';

/** A certificate and its private key, PEM-encoded. */
export interface CertificatePair {
  readonly key: string;
  readonly cert: string;
}

/** A TLS setting the user got wrong: unreadable file, key that does not match, bad PEM. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/** Names a self-signed certificate always covers, so local clients can verify it if they pin it. */
const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
const cache = new Map<string, Promise<CertificatePair>>();

/**
 * A self-signed certificate for local testing, valid for `localhost`, `127.0.0.1`, `::1` and the
 * given extra names. Made once per process and set of names (making one takes a noticeable
 * moment), then shared by every server that asks.
 */
export function selfSignedCertificate(extraNames: readonly string[] = []): Promise<CertificatePair> {
  const names = [...new Set([...LOCAL_NAMES, ...extraNames.filter((name) => name !== '')])];
  const key = names.join(' ');
  let pair = cache.get(key);
  if (pair === undefined) {
    pair = makeSelfSigned(names);
    cache.set(key, pair);
    // A failed attempt must not stick: the next caller tries again.
    pair.catch(() => cache.delete(key));
  }
  return pair;
}

async function makeSelfSigned(names: readonly string[]): Promise<CertificatePair> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000);
  const commonName = names.find((name) => isIP(name) === 0 && name !== 'localhost') ?? 'localhost';
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) => (isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })),
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Reads a PEM certificate (chain) and key from files and checks that they load and belong
 * together; every failure is a {@link CertificateError} with a one-line reason.
 */
export async function loadCertificateFiles(certFile: string, keyFile: string): Promise<CertificatePair> {
  const [cert, key] = await Promise.all([readPem(certFile, 'certificate'), readPem(keyFile, 'key')]);
  checkCertificatePair({ cert, key }, `${certFile} and ${keyFile}`);
  return { cert, key };
}

/** Throws a {@link CertificateError} unless Node's TLS accepts the pair. */
export function checkCertificatePair(pair: CertificatePair, where = 'the TLS certificate and key'): void {
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CertificateError(`cannot use ${where}: ${reason}`);
  }
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String(code ?? error);
    throw new CertificateError(`cannot read TLS ${what} ${file}: ${reason}`);
  }
}
