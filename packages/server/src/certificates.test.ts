import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError, loadCertificateFiles, selfSignedCertificate } from './certificates.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-certs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('selfSignedCertificate', () => {
  it('covers localhost, the loopback addresses and extra names', async () => {
    const pair = await selfSignedCertificate(['mx.example.test']);
    const cert = new X509Certificate(pair.cert);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('mx.example.test')).toBe('mx.example.test');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(pair.key))).toBe(true);
  });

  it('is made once per process for the same names', async () => {
    const [a, b] = await Promise.all([selfSignedCertificate(['x.test']), selfSignedCertificate(['x.test'])]);
    expect(a).toBe(b);
    expect(await selfSignedCertificate(['x.test'])).toBe(a);
  });
});

describe('loadCertificateFiles', () => {
  it('loads a matching pair', async () => {
    const pair = await selfSignedCertificate();
    await writeFile(join(dir, 'cert.pem'), pair.cert);
    await writeFile(join(dir, 'key.pem'), pair.key);
    expect(await loadCertificateFiles(join(dir, 'cert.pem'), join(dir, 'key.pem'))).toEqual(pair);
  });

  it('names a missing file', async () => {
    await expect(loadCertificateFiles(join(dir, 'nope.pem'), join(dir, 'key.pem'))).rejects.toThrow(
      new CertificateError(`cannot read TLS certificate ${join(dir, 'nope.pem')}: no such file`),
    );
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const one = await selfSignedCertificate();
    const other = await selfSignedCertificate(['other.test']);
    await writeFile(join(dir, 'c1.pem'), one.cert);
    await writeFile(join(dir, 'k2.pem'), other.key);
    await expect(loadCertificateFiles(join(dir, 'c1.pem'), join(dir, 'k2.pem'))).rejects.toThrow(
      /^cannot use .*: .+/,
    );
  });

  it('refuses a file that is not PEM', async () => {
    await writeFile(join(dir, 'junk.pem'), 'hello');
    await expect(loadCertificateFiles(join(dir, 'junk.pem'), join(dir, 'junk.pem'))).rejects.toBeInstanceOf(
      CertificateError,
    );
  });
});
