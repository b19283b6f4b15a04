/**
 * Drives a ServerSession the way an adapter would, with no I/O: feeds bytes in chunks, drains
 * actions, answers decisions with a scripted application, and keeps what an adapter would keep
 * (the replies written, the events, the messages stored).
 */
import { utf8 } from '@smtp/codec';
import type {
  Decision,
  DecisionEvent,
  Envelope,
  MessageAbortReason,
  SessionAction,
  SessionEvent,
} from '../events.js';
import type { SessionPolicy } from '../policy.js';
import { type ConnectionOptions, ServerSession } from '../session.js';

/** The application's side: answers every decision (undefined = leave it pending). */
export type Decider = (event: DecisionEvent, session: ServerSession) => Decision | undefined;

/** A message the application stored (accepted at message-end). */
export interface StoredMessage {
  readonly envelope: Envelope;
  /** The body as stored, decoded as latin1 so every octet maps to one character. */
  readonly body: string;
  readonly queueId: string;
}

/** One action, in a form tests compare with `toEqual` (bytes as latin1 strings). */
export type RecordedAction =
  | { readonly write: string; readonly delayMs?: number }
  | { readonly event: RecordedEvent }
  | { readonly starttls: true }
  | { readonly close: true };

/** A session event with message bytes turned into a latin1 string. */
export type RecordedEvent =
  | Exclude<SessionEvent, { type: 'message-data' }>
  | { readonly type: 'message-data'; readonly data: string };

/** Octets as a string, one character per octet. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return text;
}

/** A string of octets (each character 0-255) as bytes. */
export function octets(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`not an octet string: U+${code.toString(16)} at ${i}`);
    bytes[i] = code;
  }
  return bytes;
}

/** Accepts everything (the driver numbers stored messages `Q1`, `Q2`, …). */
export const acceptAll: Decider = () => ({ accept: true });

/** Options of {@link Driver}. */
export interface DriverOptions {
  /** The application; default {@link acceptAll}. */
  readonly decide?: Decider | undefined;
  readonly connection?: ConnectionOptions | undefined;
}

/** A session with an adapter-like loop around it, recording everything. */
export class Driver {
  readonly session: ServerSession;
  readonly actions: RecordedAction[] = [];
  readonly messages: StoredMessage[] = [];
  readonly aborted: MessageAbortReason[] = [];
  #decide: Decider;
  #body: Uint8Array[] | undefined;
  #queueIds = 0;

  constructor(policy: SessionPolicy, options: DriverOptions = {}) {
    this.session = new ServerSession(policy, options.connection ?? {});
    this.#decide = this.#numbered(options.decide ?? acceptAll);
    this.pump();
  }

  /** Replaces the application. */
  set decider(decide: Decider) {
    this.#decide = this.#numbered(decide);
  }

  /** Gives accepted messages without a queue id the next of `Q1`, `Q2`, … (per driver, so runs compare). */
  #numbered(decide: Decider): Decider {
    return (event, session) => {
      const decision = decide(event, session);
      if (
        event.type !== 'message-end' ||
        decision === undefined ||
        !('accept' in decision) ||
        !decision.accept
      ) {
        return decision;
      }
      if (decision.queueId !== undefined) return decision;
      this.#queueIds++;
      return { ...decision, queueId: `Q${this.#queueIds}` };
    };
  }

  /** Feeds bytes, split at the given chunk sizes (the rest in one last chunk), pumping after each. */
  send(data: Uint8Array | string, split: readonly number[] = []): this {
    const bytes = typeof data === 'string' ? octets(data) : data;
    let at = 0;
    for (const size of split) {
      if (at >= bytes.length) break;
      // Copies: a real socket hands out fresh buffers, and the session keeps references.
      this.session.receive(bytes.slice(at, at + size));
      at += size;
      this.pump();
    }
    if (at < bytes.length) {
      this.session.receive(bytes.slice(at));
      this.pump();
    }
    return this;
  }

  /** Feeds bytes one at a time. */
  sendBytewise(data: Uint8Array | string): this {
    const bytes = typeof data === 'string' ? octets(data) : data;
    return this.send(
      bytes,
      Array.from({ length: bytes.length }, () => 1),
    );
  }

  /** Drains the session's actions, answering decisions as they come, until it needs input. */
  pump(): this {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const action = this.session.next();
      if (action !== undefined) {
        this.#record(action);
        continue;
      }
      const pending = this.session.pending;
      if (pending === undefined) return this;
      const decision = this.#decide(pending, this.session);
      if (decision === undefined) return this;
      if (pending.type === 'message-end') this.#store(pending.envelope, decision);
      this.session.decide(decision);
    }
    throw new Error('session did not settle after a million actions');
  }

  /** Every reply written so far, one string per write. */
  get writes(): string[] {
    return this.actions.flatMap((action) => ('write' in action ? [action.write] : []));
  }

  /** Every reply written so far, as one string. */
  get output(): string {
    return this.writes.join('');
  }

  /** Every event so far. */
  get events(): RecordedEvent[] {
    return this.actions.flatMap((action) => ('event' in action ? [action.event] : []));
  }

  /** The code of every reply written so far (one per write). */
  get codes(): number[] {
    return this.writes.map((write) => Number(write.slice(0, 3)));
  }

  /** True once the session asked to close. */
  get closed(): boolean {
    return this.actions.some((action) => 'close' in action);
  }

  #record(action: SessionAction): void {
    switch (action.type) {
      case 'write': {
        const write = new TextDecoder().decode(action.data);
        this.actions.push(action.delayMs === undefined ? { write } : { write, delayMs: action.delayMs });
        return;
      }
      case 'starttls':
        this.actions.push({ starttls: true });
        return;
      case 'close':
        this.actions.push({ close: true });
        return;
      case 'event': {
        const event = action.event;
        if (event.type === 'message-start') this.#body = [];
        if (event.type === 'message-data') {
          this.#body?.push(event.data.slice());
          this.actions.push({ event: { type: 'message-data', data: latin1(event.data) } });
          return;
        }
        if (event.type === 'message-abort') {
          this.#body = undefined;
          this.aborted.push(event.reason);
        }
        this.actions.push({ event });
      }
    }
  }

  #store(envelope: Envelope, decision: Decision): void {
    const body = this.#body;
    this.#body = undefined;
    if (body === undefined) throw new Error('message-end without message-start');
    const accepted =
      'accept' in decision ? decision.accept : decision.perRecipient.some((single) => single.accept);
    if (!accepted) return;
    const queueId = 'accept' in decision && decision.accept ? (decision.queueId ?? '') : '';
    this.messages.push({ envelope, body: body.map(latin1).join(''), queueId });
  }
}

/**
 * The actions in a form independent of how the input was split: consecutive `message-data`
 * merge, and the data of an aborted message is dropped (the adapter discards it anyway).
 */
export function normalizeActions(actions: readonly RecordedAction[]): RecordedAction[] {
  const out: RecordedAction[] = [];
  let messageStart = -1;
  for (const action of actions) {
    if ('event' in action) {
      const event = action.event;
      if (event.type === 'message-start') messageStart = out.length;
      if (event.type === 'message-data') {
        const last = out[out.length - 1];
        if (last !== undefined && 'event' in last && last.event.type === 'message-data') {
          out[out.length - 1] = { event: { type: 'message-data', data: last.event.data + event.data } };
        } else {
          out.push(action);
        }
        continue;
      }
      if (event.type === 'message-abort' && messageStart >= 0) {
        for (let i = out.length - 1; i > messageStart; i--) {
          const candidate = out[i];
          if (candidate !== undefined && 'event' in candidate && candidate.event.type === 'message-data')
            out.splice(i, 1);
        }
      }
    }
    out.push(action);
  }
  return out;
}

/** UTF-8 bytes of a string (re-exported for tests that build inputs). */
export { utf8 };
