/**
 * The client core and the project's server session (@smtp/session) wired together in memory,
 * as h11's ConnectionPair: two sans-IO machines, bytes moved between them in chunks of chosen
 * sizes, no sockets. @smtp/session is not a dependency of @smtp/client, so it is imported from
 * its sources by path (tests only).
 */
import { createHmac } from 'node:crypto';
import { concatBytes, type SmtpErrorLike } from '@smtp/codec';
import { type Decision, type DecisionEvent, ServerSession, type SessionPolicy } from '@smtp/session';
import { ClientCore } from '../core.js';
import type { ClientCoreOptions, CoreEvent } from '../core-types.js';
import type { Envelope, TransactionOptions } from '../envelope.js';
import type { SendResult } from '../result.js';

/** One message the client is to send. */
export interface PairMessage {
  readonly envelope: Envelope;
  readonly body: Uint8Array;
  readonly options?: TransactionOptions;
  /** Feed the body in pieces of these sizes (cycled); default: whole. */
  readonly bodyPieces?: readonly number[];
  /** Declare the body type as scanned (as an in-memory body is). Default true. */
  readonly scanned?: boolean;
}

/** What the server stored for one accepted message. */
export interface StoredMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly body: Uint8Array;
  readonly via: 'DATA' | 'BDAT';
  readonly params: unknown;
}

/** The outcome of a paired run. */
export interface PairOutcome {
  /** Per message: the result, or the refusal. */
  readonly results: ({ ok: true; result: SendResult } | { ok: false; error: Error })[];
  readonly stored: StoredMessage[];
  /** The fatal error of the session, if any. */
  readonly fatal: Error | undefined;
  readonly closed: boolean;
  readonly clientEvents: CoreEvent['type'][];
}

/** How the server side decides. */
export interface PairServer {
  readonly policy: SessionPolicy;
  /** Refuse these recipient addresses with this error. */
  readonly refuse?: (address: string) => SmtpErrorLike | undefined;
  /** Accept AUTH for this user and password / token. */
  readonly credentials?: { readonly user: string; readonly pass?: string; readonly token?: string };
  /** Refuse the message after its end. */
  readonly refuseMessage?: SmtpErrorLike;
}

function cycled(sizes: readonly number[] | undefined, total: number): number[] {
  if (sizes === undefined || sizes.length === 0) return [total];
  const out: number[] = [];
  let left = total;
  for (let i = 0; left > 0; i++) {
    const size = Math.max(1, Math.min(left, sizes[i % sizes.length] as number));
    out.push(size);
    left -= size;
  }
  return out;
}

/** Splits bytes into pieces of the given sizes (cycled). */
function split(data: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const size of cycled(sizes, data.length)) {
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

function hmacOk(event: Extract<DecisionEvent, { type: 'auth' }>, pass: string | undefined): boolean {
  if (event.mechanism !== 'CRAM-MD5') return event.password === pass;
  return (
    createHmac('md5', pass ?? '')
      .update(event.challenge ?? '')
      .digest('hex') === event.response
  );
}

function decide(event: DecisionEvent, server: PairServer): Decision {
  switch (event.type) {
    case 'rcpt': {
      const error = server.refuse?.(event.to.address);
      return error === undefined ? { accept: true } : { accept: false, error };
    }
    case 'message-end':
      return server.refuseMessage === undefined
        ? { accept: true, queueId: 'Q1' }
        : { accept: false, error: server.refuseMessage };
    case 'auth': {
      const credentials = server.credentials;
      const ok =
        credentials !== undefined &&
        event.username === credentials.user &&
        (event.token !== undefined ? event.token === credentials.token : hmacOk(event, credentials.pass));
      return ok
        ? { accept: true }
        : { accept: false, error: { code: 535, enhanced: '5.7.8', message: 'no' } };
    }
    default:
      return { accept: true };
  }
}

/**
 * Runs a whole session: the client sends `messages` one after the other, then QUIT. Bytes go
 * from each side to the other in pieces of `clientToServer` / `serverToClient` sizes (cycled).
 */
export function runPair(
  clientOptions: Partial<ClientCoreOptions>,
  server: PairServer,
  messages: readonly PairMessage[],
  splits: { clientToServer?: readonly number[]; serverToClient?: readonly number[] } = {},
): PairOutcome {
  const session = new ServerSession(server.policy, { nonce: '1896.697170952' });
  const client = new ClientCore({ clientName: 'client.example.test', ...clientOptions });
  const results: PairOutcome['results'] = [];
  const stored: StoredMessage[] = [];
  const clientEvents: CoreEvent['type'][] = [];
  let fatal: Error | undefined;
  let closed = false;
  let serverClosed = false;
  let serverTlsDue = false;
  let next = 0;
  let current: { from: string; to: string[]; data: Uint8Array[] } | undefined;

  const startNext = (): void => {
    const message = messages[next];
    if (message === undefined) {
      client.quit();
      return;
    }
    try {
      const options = message.options ?? {};
      client.send({
        envelope: message.envelope,
        options: { size: message.body.length, ...options },
        bodyTypeScanned: message.scanned !== false,
      });
    } catch (error) {
      results.push({ ok: false, error: error as Error });
      next++;
      startNext();
    }
  };

  // The body pieces still to give; without PIPELINING a BDAT client takes them one reply at a time.
  let pieces: Uint8Array[] | undefined;
  const feedBody = (): void => {
    const message = messages[next] as PairMessage;
    pieces ??= split(message.body, message.bodyPieces ?? []);
    while (pieces.length > 0 && client.bodyWanted) client.writeBody(pieces.shift() as Uint8Array);
    if (pieces.length === 0 && client.bodyWanted) {
      pieces = undefined;
      client.endBody();
    }
  };

  for (let rounds = 0; rounds < 100_000; rounds++) {
    let progressed = false;
    // Server side: run its actions, answer its decisions.
    for (;;) {
      const action = session.next();
      if (action === undefined) {
        const pending = session.pending;
        if (pending === undefined) break;
        const decision = decide(pending, server);
        if (
          pending.type === 'message-end' &&
          'accept' in decision &&
          decision.accept &&
          current !== undefined
        ) {
          stored.push({
            from: current.from,
            to: current.to,
            body: concatBytes(current.data),
            via: pending.via,
            params: pending.envelope.params,
          });
        }
        if (pending.type === 'message-end') current = undefined;
        session.decide(decision);
        continue;
      }
      progressed = true;
      if (action.type === 'write') {
        for (const piece of split(action.data, splits.serverToClient ?? [])) client.receive(piece);
      } else if (action.type === 'starttls') {
        serverTlsDue = true;
      } else if (action.type === 'close') {
        serverClosed = true;
      } else if (action.event.type === 'message-start') {
        current = {
          from: action.event.envelope.from.address,
          to: action.event.envelope.recipients.map((r) => r.to.address),
          data: [],
        };
      } else if (action.event.type === 'message-data') {
        current?.data.push(action.event.data.slice());
      } else if (action.event.type === 'message-abort') {
        current = undefined;
      }
    }
    // Client side: its events, then its output.
    for (let event = client.nextEvent(); event !== undefined; event = client.nextEvent()) {
      progressed = true;
      clientEvents.push(event.type);
      switch (event.type) {
        case 'ready':
          if (client.ready) startNext();
          break;
        case 'start-tls':
          if (!serverTlsDue) throw new Error('client upgraded before the server');
          serverTlsDue = false;
          session.tlsEstablished();
          client.tlsEstablished();
          break;
        case 'body-wanted':
          feedBody();
          break;
        case 'sent':
          pieces = undefined;
          results.push({ ok: true, result: event.result });
          next++;
          break;
        case 'refused':
          pieces = undefined;
          results.push({ ok: false, error: event.error });
          next++;
          break;
        case 'closed':
          closed = true;
          break;
        case 'fatal':
          fatal = event.error;
          break;
        case 'reply':
          break;
      }
    }
    const output = client.takeOutput();
    if (output.length > 0) {
      progressed = true;
      for (const piece of split(concatBytes(output), splits.clientToServer ?? [])) session.receive(piece);
    }
    if (serverClosed && !closed && fatal === undefined) {
      client.connectionClosed();
      serverClosed = false;
      progressed = true;
    }
    if (!progressed) break;
  }
  return { results, stored, fatal, closed, clientEvents };
}
