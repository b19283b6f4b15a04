import { CertificateError, type CertificatePair, loadCertificateFiles } from '@smtp/server';
import { booleanFlag, type FlagValues, stringFlag } from './args.js';
import { CliError, UsageError } from './errors.js';

/**
 * Loads the certificate named by `--tls-cert` and `--tls-key` (both or neither; undefined for
 * neither). `--tls-self-signed`, in the commands that have it, excludes the two. Every error is a
 * one-line message prefixed with `command`.
 *
 * @throws UsageError for flags that do not go together; CliError (exit 2) for unusable files.
 */
export async function loadCertificateFlags(
  values: FlagValues,
  command: string,
): Promise<CertificatePair | undefined> {
  const certFile = stringFlag(values, 'tls-cert');
  const keyFile = stringFlag(values, 'tls-key');
  if (booleanFlag(values, 'tls-self-signed') && (certFile !== undefined || keyFile !== undefined)) {
    throw new UsageError(`${command}: use either --tls-self-signed or --tls-cert/--tls-key, not both`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(`${command}: --tls-cert and --tls-key go together`);
  }
  if (certFile === undefined || keyFile === undefined) return undefined;
  try {
    return await loadCertificateFiles(certFile, keyFile);
  } catch (error) {
    if (error instanceof CertificateError) throw new CliError(`${command}: ${error.message}`, 2);
    throw error;
  }
}
