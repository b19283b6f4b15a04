import { SmtpError } from '@smtp/codec';
import type { IncomingMessage, MessageSink, MessageStore } from '@smtp/server';
import { sleep } from './random.js';

/** Where and how a store fails for one message. */
export const FAULTS = [
  'none',
  'open throws',
  'open rejects',
  'open refuses 450',
  'open stalls',
  'write rejects',
  'write stalls',
  'end rejects',
  'end refuses 452',
  'end stalls',
] as const;

/** One fault of {@link FAULTS}. */
export type Fault = (typeof FAULTS)[number];

/** The reply (code and enhanced code) the server-behaviour contract gives the client for `fault`. */
export function expectedReply(fault: Fault): string {
  switch (fault) {
    case 'none':
      return '250 2.0.0';
    case 'open refuses 450':
      return '450 4.2.0';
    case 'end refuses 452':
      return '452 4.3.1';
    default:
      // Anything unexpected, a stall past storeTimeout included: local error in processing.
      return '451 4.3.0';
  }
}

/** The errors the faulty store throws on purpose, so a check can tell them from real ones. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** The sender address that asks the store for `fault` (the store reads it back in `open`). */
export function faultSender(fault: Fault, id: string): string {
  return `${fault.replace(/ /g, '-')}.${id}@example.test`;
}

function faultOf(message: IncomingMessage): Fault {
  const wanted = message.from.split('.')[0]?.replace(/-/g, ' ');
  return FAULTS.find((fault) => fault === wanted) ?? 'none';
}

/**
 * Wraps a real store and fails, refuses or stalls for each message as its sender asks. A stall
 * lasts `stallMs` (longer than the server's `storeTimeout`), then the operation goes on with the
 * real store as if nothing happened: the late answer the server must ignore.
 */
export class FaultyStore implements MessageStore {
  readonly #inner: MessageStore;
  readonly #stallMs: number;
  /** Stalled operations still running; a check waits for them before looking at the Maildir. */
  readonly pending = new Set<Promise<unknown>>();
  /** Faults actually injected, by kind. */
  readonly injected = new Map<Fault, number>();

  constructor(inner: MessageStore, stallMs: number) {
    this.#inner = inner;
    this.#stallMs = stallMs;
  }

  open(message: IncomingMessage): MessageSink | Promise<MessageSink> {
    const fault = faultOf(message);
    const count = () => this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
    switch (fault) {
      case 'open throws':
        count();
        throw new InjectedFault('open threw');
      case 'open rejects':
        count();
        return Promise.reject(new InjectedFault('open rejected'));
      case 'open refuses 450':
        count();
        throw new SmtpError(450, 'Mailbox busy, try again later', { enhanced: '4.2.0' });
      case 'open stalls':
        count();
        return this.#track(sleep(this.#stallMs).then(() => this.#wrap(this.#inner.open(message), fault)));
      default:
        return this.#wrap(this.#inner.open(message), fault);
    }
  }

  async #wrap(opening: MessageSink | Promise<MessageSink>, fault: Fault): Promise<MessageSink> {
    const sink = await opening;
    let failedWrite = false;
    return {
      write: (chunk) => {
        if (fault === 'write rejects' && !failedWrite) {
          failedWrite = true;
          this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
          return Promise.reject(new InjectedFault('write rejected'));
        }
        if (fault === 'write stalls' && !failedWrite) {
          failedWrite = true;
          this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
          return this.#track(sleep(this.#stallMs).then(() => sink.write(chunk)));
        }
        return sink.write(chunk);
      },
      end: () => {
        if (fault === 'end rejects') {
          this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
          return Promise.reject(new InjectedFault('end rejected'));
        }
        if (fault === 'end refuses 452') {
          this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
          throw new SmtpError(452, 'Insufficient system storage', { enhanced: '4.3.1' });
        }
        if (fault === 'end stalls') {
          this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
          // After the stall the real store is asked to commit: the server has aborted the
          // message meanwhile, so nothing may be kept of it.
          return this.#track(sleep(this.#stallMs).then(() => sink.end()));
        }
        return sink.end();
      },
      abort: (reason) => sink.abort(reason),
    };
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    const settled = operation.finally(() => this.pending.delete(settled));
    // Late failures are for the server to ignore; the tracked copy must not be unhandled.
    settled.catch(() => {});
    this.pending.add(settled);
    return settled;
  }
}
