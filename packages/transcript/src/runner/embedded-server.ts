/**
 * The embedded server of a transcript: the project's own server (`@smtp/server` with a memory
 * store) started in this process on a free loopback port, configured by the file's `@server`
 * lines, with STARTTLS on a self-signed certificate and, when a session asks for it, a second
 * listener that speaks TLS from the first byte. One per file, closed after it.
 */
import {
  createServer,
  MemoryStore,
  type ServerOptions,
  type SmtpServer,
  selfSignedCertificate,
} from '@smtp/server';
import type { ServerSettings } from '../ast.js';
import type { Endpoint } from './options.js';

/** The name the embedded server gives in its greeting and EHLO reply, unless `@server hostname=`. */
export const EMBEDDED_HOSTNAME = 'mx.example.test';

/** Longest wait for the embedded server to finish closing once its clients are gone. */
const CLOSE_BOUND_MS = 2000;

/** Loopback only: the embedded server is never reachable from elsewhere. */
const LOOPBACK = '127.0.0.1';

/** A running embedded server. */
export interface EmbeddedServer {
  /** The plain (STARTTLS) listener. */
  readonly plain: Endpoint;
  /** The implicit-TLS listener, when one was asked for. */
  readonly implicit: Endpoint | undefined;
  /** Its certificate (PEM): pinned, so connections to it verify it and trust nothing else. */
  readonly certificate: string;
  /** What it stored. */
  readonly store: MemoryStore;
  /** Stops both listeners; `grace` 0 drops sessions in progress at once. */
  close(grace?: number): Promise<void>;
}

/** The `@smtp/server` options that `@server` settings stand for (TLS aside). */
export function serverOptionsOf(settings: ServerSettings): ServerOptions {
  const users: Record<string, string> = {};
  for (const account of settings.auth ?? []) users[account.user] = account.password;
  return {
    hostname: settings.hostname ?? EMBEDDED_HOSTNAME,
    ...(settings.size === undefined ? {} : { maxMessageSize: settings.size }),
    ...(settings.maxRecipients === undefined ? {} : { maxRecipients: settings.maxRecipients }),
    ...(settings.maxErrors === undefined ? {} : { maxErrors: settings.maxErrors }),
    ...(settings.lenientLineEndings === true ? { lineEndings: 'lenient' as const } : {}),
    ...(settings.auth === undefined
      ? {}
      : { auth: { users, allowInsecure: settings.allowInsecureAuth === true } }),
  };
}

/**
 * Starts the embedded server for `settings`; with `implicitTls`, also a listener for implicit
 * TLS. Rejects with the server's own one-line error when it cannot start.
 */
export async function startEmbeddedServer(
  settings: ServerSettings,
  { implicitTls }: { implicitTls: boolean },
): Promise<EmbeddedServer> {
  const base = serverOptionsOf(settings);
  const { key, cert } = await selfSignedCertificate([base.hostname as string]);
  const store = new MemoryStore({ capacity: 1000 });
  const started: SmtpServer[] = [];
  const closeAll = async (grace = 0): Promise<void> => {
    // Bounded: a server that does not finish closing must not hold the run (or the CLI) forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(started.map((server) => server.close({ grace }))),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, grace + CLOSE_BOUND_MS);
      }),
    ]);
    clearTimeout(timer);
  };
  try {
    const plainServer = createServer({
      ...base,
      store,
      ...(settings.tls === false ? {} : { tls: { key, cert } }),
    });
    started.push(plainServer);
    const plain = await plainServer.listen(0, LOOPBACK);
    let implicit: Endpoint | undefined;
    if (implicitTls) {
      const tlsServer = createServer({ ...base, store, tls: { key, cert, implicit: true } });
      started.push(tlsServer);
      const address = await tlsServer.listen(0, LOOPBACK);
      implicit = { host: LOOPBACK, port: address.port };
    }
    return {
      plain: { host: LOOPBACK, port: plain.port },
      implicit,
      certificate: cert,
      store,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
