import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { APT_TOOLS, requireTool } from './peers.js';
import { scratchDir } from './scratch.js';

/** A self-signed certificate and its key, as files and as PEM. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  remove(): void;
}

/** Makes a self-signed certificate with openssl naming `names` (DNS names and IP addresses). */
export function makeCertificate(names: readonly string[] = ['localhost', '127.0.0.1']): TestCertificate {
  const openssl = requireTool(APT_TOOLS.openssl);
  const scratch = scratchDir('cert');
  const certFile = scratch.file('cert.pem');
  const keyFile = scratch.file('key.pem');
  const san = names.map((name) => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${names[0] ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${san}`,
    ],
    { stdio: 'pipe' },
  );
  return {
    certFile,
    keyFile,
    certPem: readFileSync(certFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
    remove: scratch.remove,
  };
}
