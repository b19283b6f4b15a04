import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '@smtp/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificateFlags } from './certificate-flags.js';
import { CliError, UsageError } from './errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtp-cert-flags-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadCertificateFlags', () => {
  it('gives nothing when neither file is named', async () => {
    await expect(loadCertificateFlags({}, 'record')).resolves.toBeUndefined();
    await expect(loadCertificateFlags({ 'tls-self-signed': true }, 'serve')).resolves.toBeUndefined();
  });

  it('loads a certificate and its key', async () => {
    const pair = await selfSignedCertificate();
    await writeFile(join(dir, 'cert.pem'), pair.cert);
    await writeFile(join(dir, 'key.pem'), pair.key);
    const values = { 'tls-cert': join(dir, 'cert.pem'), 'tls-key': join(dir, 'key.pem') };
    await expect(loadCertificateFlags(values, 'record')).resolves.toEqual({ cert: pair.cert, key: pair.key });
  });

  it.each([
    [{ 'tls-cert': 'c.pem' }, 'record: --tls-cert and --tls-key go together'],
    [{ 'tls-key': 'k.pem' }, 'serve: --tls-cert and --tls-key go together'],
    [
      { 'tls-self-signed': true, 'tls-cert': 'c.pem', 'tls-key': 'k.pem' },
      'serve: use either --tls-self-signed or --tls-cert/--tls-key, not both',
    ],
  ])('refuses %j with a usage error', async (values, message) => {
    const command = message.slice(0, message.indexOf(':'));
    const error = await loadCertificateFlags(values, command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it('reports an unreadable file as a CliError of exit 2 prefixed with the command', async () => {
    const values = { 'tls-cert': join(dir, 'none.pem'), 'tls-key': join(dir, 'none.key') };
    const error = await loadCertificateFlags(values, 'record').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toBe(
      `record: cannot read TLS certificate ${join(dir, 'none.pem')}: no such file`,
    );
  });
});
