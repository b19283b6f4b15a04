/**
 * `@server script=FILE`: the file's embedded server is the reverse server playing FILE (a
 * `.serve.smtp` script, relative to the transcript) instead of the project's SMTP server, e.g.
 * a server that answers `500` to EHLO to test a HELO fallback. It offers STARTTLS with the same
 * pinned certificate as the embedded server.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { selfSignedCertificate } from '@smtp/server';
import { parseTranscript } from '../parser.js';
import { createScriptServer, ScriptError, type ScriptResult } from '../server/index.js';
import { EMBEDDED_HOSTNAME } from './embedded-server.js';
import { errorReason } from './network-errors.js';
import type { Endpoint } from './options.js';
import type { RunWarning } from './results.js';

/** A running script server. */
export interface ServedScript {
  readonly endpoint: Endpoint;
  /** The certificate its STARTTLS presents (PEM), pinned by the runner. */
  readonly certificate: string;
  /** The script as given in `@server script=`. */
  readonly name: string;
  /** Stops it; resolves with what the script saw of the client (the runner). */
  close(): Promise<ScriptResult>;
}

/** Why a script server could not start, in one line (or a few, one per problem). */
export class ServedScriptError extends Error {
  override readonly name = 'ServedScriptError';
}

/** Reads, parses and starts the server script `script` (relative to the transcript at `transcriptPath`). */
export async function startServedScript(
  script: string,
  transcriptPath: string | undefined,
  options: { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal },
): Promise<ServedScript> {
  const path = resolve(transcriptPath === undefined ? process.cwd() : dirname(transcriptPath), script);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServedScriptError(`cannot read the server script ${script}: ${errorReason(error)}`);
  }
  const { key, cert } = await selfSignedCertificate([EMBEDDED_HOSTNAME]);
  try {
    const server = createScriptServer(parseTranscript(text, { uri: path }), {
      env: options.env,
      tls: { key, cert },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const address = await server.listen(0, '127.0.0.1');
    return {
      endpoint: { host: '127.0.0.1', port: address.port },
      certificate: cert,
      name: script,
      close: async () => {
        // Bounded, like the embedded server's close: a client of the script may linger.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          server.close(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, 3000);
          }),
        ]);
        clearTimeout(timer);
        return server.result();
      },
    };
  } catch (error) {
    if (error instanceof ScriptError) {
      const first = error.diagnostics[0];
      const where = first === undefined ? '' : ` (line ${first.range.start.line + 1}: ${first.message})`;
      throw new ServedScriptError(`server script ${script}: ${error.message}${where}`);
    }
    throw new ServedScriptError(
      `server script ${script} could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What the script server noticed about the runner's side, as warnings of the transcript. */
export function scriptWarnings(name: string, result: ScriptResult): RunWarning[] {
  const warnings: RunWarning[] = [];
  for (const session of result.sessions) {
    for (const failure of session.failures) {
      warnings.push({
        message: `server script ${name}:${failure.range.start.line + 1}: expected ${failure.expected}, got ${failure.received} (${failure.explanation})`,
      });
    }
  }
  if (result.extraConnections > 0) {
    warnings.push({
      message: `server script ${name} has fewer sessions than the transcript: ${result.extraConnections} connection(s) got 554`,
    });
  }
  return warnings;
}
