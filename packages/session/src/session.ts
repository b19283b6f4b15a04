import {
  BdatChunkReader,
  cramMd5Challenge,
  formatReply,
  fromUtf8,
  type LineEvent,
  LineFramer,
  parseCommand,
  utf8,
} from '@smtp/codec';
import type { SessionContext } from './context.js';
import { checkDecision } from './decisions.js';
import type {
  Decision,
  DecisionEvent,
  Envelope,
  MessageAbortReason,
  SessionAction,
  SessionEvent,
} from './events.js';
import { type AuthPhase, authResponse } from './handlers/auth.js';
import { HANDLERS } from './handlers/index.js';
import { endMessage } from './handlers/message.js';
import { currentOffer } from './offer.js';
import { MAX_AUTH_LINE_LENGTH, type ResolvedPolicy, resolvePolicy, type SessionPolicy } from './policy.js';
import { REPLIES, type ReplySpec } from './replies.js';
import {
  type CommandPhase,
  type ConnectionFacts,
  type Greeting,
  isCommandPhase,
  type Phase,
  type SessionState,
  type Transaction,
} from './state.js';
import { tableVerb, transition } from './transitions.js';
import { describeCommandLine, readVerb } from './verb.js';

/** What the adapter knows about the connection that the session needs. */
export interface ConnectionOptions {
  /**
   * Unpredictable and unique per connection (e.g. random digits and a timestamp): CRAM-MD5
   * challenges are built from it. Printable ASCII without `<`, `>`, `@` or spaces. Required when
   * the policy offers CRAM-MD5, since the session itself has no source of randomness.
   */
  readonly nonce?: string | undefined;
}

/** A read-only view of the connection, for the adapter and its logs. */
export interface SessionInfo {
  /** The client's last EHLO/HELO/LHLO (cleared when TLS starts). */
  readonly greeting: Greeting | undefined;
  /** The connection is encrypted (implicit TLS, or after STARTTLS). */
  readonly tls: boolean;
  /** Who authenticated, if anyone. */
  readonly authenticatedAs: string | undefined;
  /** Error replies given so far (the `maxErrors` count). */
  readonly errors: number;
  /** Refused AUTH exchanges so far. */
  readonly authFailures: number;
}

/** `graceful`: finish the command in progress first; `immediate`: stop now (the grace period ran out). */
export type ShutdownMode = 'graceful' | 'immediate';

interface PendingDecision {
  readonly event: DecisionEvent;
  readonly settle: (decision: Decision) => void;
}

/** Where the session stands towards its end, besides its phase. */
type Lifecycle = 'open' | 'draining';

/** Phases that read raw octets rather than lines: entering one hands it the unread input. */
function readsOctets(phase: Phase): boolean {
  return phase.name === 'data' || phase.name === 'bdat-chunk' || phase.name === 'bdat-skip';
}

const greetings = new WeakMap<ResolvedPolicy, ReplySpec>();

/** The `220` greeting of a policy: one frozen value per policy, so its bytes are cached too. */
function greetingFor(policy: ResolvedPolicy): ReplySpec {
  let greeting = greetings.get(policy);
  if (greeting === undefined) {
    const { hostname, product, lmtp } = policy;
    greeting = Object.freeze({
      code: 220,
      text: `${hostname} ${lmtp ? 'LMTP' : 'ESMTP'} ${product}`.trimEnd(),
    });
    greetings.set(policy, greeting);
  }
  return greeting;
}

/**
 * The write actions of fixed (frozen) replies, shared by all sessions: they never change, so
 * each is encoded and wrapped once, not per command.
 */
const writesWithEnhanced = new WeakMap<ReplySpec, SessionAction>();
const writesPlain = new WeakMap<ReplySpec, SessionAction>();

/**
 * The SMTP (or LMTP) server side of one connection as a sans-IO state machine: bytes in,
 * actions out. It never touches a socket, a timer or a clock; the adapter feeds it the client's
 * bytes, performs the actions it yields (write, close, start TLS), answers its decisions, and
 * tells it about time-outs, shutdown and disconnects.
 *
 * Every reply it gives follows the project's server-behaviour specification; the state × verb
 * table it follows is `TRANSITIONS` (rendered in the package README).
 *
 * @example
 * ```ts
 * const session = new ServerSession({ hostname: 'mx.example.test' });
 * session.receive(utf8('EHLO client.example\r\nMAIL FROM:<a@example.test>\r\n'));
 * for (;;) {
 *   const action = session.next();
 *   if (action === undefined) {
 *     if (session.pending === undefined) break; // wait for more input
 *     session.decide({ accept: true });         // the application's answer
 *     continue;
 *   }
 *   if (action.type === 'write') socket.write(action.data);
 * }
 * ```
 */
export class ServerSession {
  readonly #policy: ResolvedPolicy;
  readonly #facts: ConnectionFacts;
  readonly #nonce: string | undefined;
  readonly #context: SessionContext;
  #phase: Phase = { name: 'connected' };
  #lifecycle: Lifecycle = 'open';
  #pending: PendingDecision | undefined;
  /**
   * Actions not yet taken, at `[#head, #tail)`. The slots are reused for the session's life and
   * cleared as they are taken (a taken message-data event must not keep its chunk alive).
   */
  readonly #actions: (SessionAction | undefined)[] = [];
  #head = 0;
  #tail = 0;
  /** Input not yet given to a reader, oldest first. */
  readonly #inbox: Uint8Array[] = [];
  #inboxBytes = 0;
  #framer: LineFramer;
  /** The command line being answered, for `protocol-error` events. */
  #line: Uint8Array | undefined;

  /**
   * Starts a session; its first action is the `220` greeting. Pass the result of
   * {@link resolvePolicy} when many sessions share one policy: it is checked once and the
   * greeting and extension lists are computed once.
   *
   * @throws TypeError or RangeError when the policy cannot be honoured (see {@link resolvePolicy}),
   * or CRAM-MD5 is offered without a usable `connection.nonce`.
   */
  constructor(policy: SessionPolicy, connection: ConnectionOptions = {}) {
    this.#policy = resolvePolicy(policy);
    this.#nonce = connection.nonce;
    if (this.#policy.auth.mechanisms.includes('CRAM-MD5')) {
      if (this.#nonce === undefined)
        throw new TypeError('CRAM-MD5 needs connection.nonce (the session has no randomness)');
      cramMd5Challenge(`${this.#nonce}.1`, this.#policy.hostname);
    }
    this.#facts = {
      greeting: undefined,
      tls: this.#policy.tls.active,
      authenticated: undefined,
      errors: 0,
      authFailures: 0,
      authAttempts: 0,
    };
    this.#framer = this.#newFramer();
    this.#context = this.#createContext();
    this.#write(greetingFor(this.#policy));
    this.#emit({ type: 'greeting' });
  }

  /** The current phase's name (see the transition table for the command-reading ones). */
  get state(): SessionState {
    return this.#phase.name;
  }

  /** The decision the session waits for, if any. Input is held (not read) meanwhile. */
  get pending(): DecisionEvent | undefined {
    return this.#pending?.event;
  }

  /**
   * Octets received and not yet read. Pause the socket above a high-water mark of your choice
   * (well below the policy's `maxPipelineBuffer`, where the session gives up with `421`).
   */
  get buffered(): number {
    return this.#inboxBytes + this.#framer.buffered;
  }

  /** What is known about the connection. */
  get info(): SessionInfo {
    const facts = this.#facts;
    return {
      greeting: facts.greeting,
      tls: facts.tls,
      authenticatedAs: facts.authenticated?.username,
      errors: facts.errors,
      authFailures: facts.authFailures,
    };
  }

  /** The policy in force, defaults filled in. */
  get policy(): ResolvedPolicy {
    return this.#policy;
  }

  /**
   * Input from the client. Nothing happens until {@link next} is called. The session keeps a
   * reference to `bytes` until it has read them: do not reuse the array. Ignored after `close`
   * and while a STARTTLS handshake is due.
   */
  receive(bytes: Uint8Array): void {
    const name = this.#phase.name;
    if (name === 'closed' || name === 'starttls' || bytes.length === 0) return;
    this.#inbox.push(bytes);
    this.#inboxBytes += bytes.length;
    if (this.#pending !== undefined && this.buffered > this.#policy.maxPipelineBuffer) {
      this.#abortMessage('overflow');
      this.#pending = undefined;
      this.#refuse(REPLIES.pipelineOverflow);
    }
  }

  /**
   * The next action, reading more of the received input as needed; `undefined` when the session
   * needs more input, or waits for a decision ({@link pending}), or is closed.
   */
  next(): SessionAction | undefined {
    while (this.#head === this.#tail) {
      this.#head = 0;
      this.#tail = 0;
      if (!this.#step()) return undefined;
    }
    const action = this.#actions[this.#head] as SessionAction;
    this.#actions[this.#head++] = undefined;
    return action;
  }

  /**
   * Answers the {@link pending} decision. Ignored once the session is closed (a late answer
   * after a time-out or disconnect).
   *
   * @throws Error when nothing is pending; TypeError or RangeError when the decision cannot be
   * written as a reply (a code out of range, CR/LF in a message, a per-recipient list of the
   * wrong length). The session is unchanged then.
   */
  decide(decision: Decision): void {
    if (this.#phase.name === 'closed') return;
    const pending = this.#pending;
    if (pending === undefined) throw new Error('decide() called while no decision is pending');
    const event = pending.event;
    const recipients =
      event.type === 'message-end' && this.#policy.lmtp ? event.envelope.recipients.length : undefined;
    checkDecision(decision, event, recipients);
    this.#pending = undefined;
    pending.settle(decision);
  }

  /**
   * The adapter finished the TLS handshake after a `starttls` action. The session starts over
   * (RFC 3207 §4.2): EHLO again, no STARTTLS offered, authentication forgotten.
   *
   * @throws Error when no handshake was due.
   */
  tlsEstablished(): void {
    if (this.#phase.name !== 'starttls')
      throw new Error('tlsEstablished() called while no STARTTLS handshake was due');
    this.#facts.tls = true;
    this.#facts.greeting = undefined;
    this.#facts.authenticated = undefined;
    this.#framer = this.#newFramer();
    this.#phase = { name: 'connected' };
  }

  /** The idle time-out expired: `421 4.4.2` and close, in every phase; a message in progress is dropped. */
  timedOut(): void {
    const name = this.#phase.name;
    if (name === 'closed') return;
    if (name === 'starttls') {
      this.#close();
      return;
    }
    this.#abortMessage('timeout');
    this.#pending = undefined;
    this.#write(REPLIES.idleTimeout);
  }

  /**
   * The server is stopping. An idle session gets `421 4.3.2` and closes at once. A busy one (a
   * decision pending, a message being read) finishes that command and answers it first, then
   * gets `421 4.3.2`; call again with `immediate` when the grace period runs out.
   */
  shutdown(mode: ShutdownMode = 'graceful'): void {
    const name = this.#phase.name;
    if (name === 'closed') return;
    if (name === 'starttls') {
      this.#close();
      return;
    }
    if (mode === 'immediate' || !this.#busy()) this.#stopNow();
    else this.#lifecycle = 'draining';
  }

  /** The connection is gone: the message in progress is dropped; nothing more happens. */
  peerClosed(): void {
    if (this.#phase.name === 'closed') return;
    this.#abortMessage('disconnect');
    this.#pending = undefined;
    this.#discardInput();
    this.#phase = { name: 'closed' };
  }

  // -------------------------------------------------------------------------------------------
  // Reading input

  /** Reads one step further; false when nothing can be done until more input or a decision. */
  #step(): boolean {
    if (this.#pending !== undefined) return false;
    const phase = this.#phase;
    if (phase.name === 'closed' || phase.name === 'starttls') return false;
    if (this.#lifecycle === 'draining' && !this.#busy()) {
      this.#stopNow();
      return true;
    }
    switch (phase.name) {
      case 'data': {
        const chunk = this.#take();
        if (chunk === undefined) return false;
        this.#readData(phase, chunk);
        return true;
      }
      case 'bdat-chunk':
      case 'bdat-skip': {
        if (phase.reader.remaining > 0) {
          const chunk = this.#take();
          if (chunk === undefined) return false;
          const { data, done, rest } = phase.reader.push(chunk);
          if (phase.name === 'bdat-chunk' && data !== undefined) this.#emit({ type: 'message-data', data });
          if (!done) return true;
          if (rest !== undefined) this.#untake(rest);
        }
        this.#chunkRead(phase);
        return true;
      }
      default: {
        const event = this.#framer.next();
        if (event !== undefined) {
          this.#onLine(phase, event);
          return true;
        }
        const chunk = this.#take();
        if (chunk === undefined) return false;
        this.#framer.push(chunk);
        return true;
      }
    }
  }

  #take(): Uint8Array | undefined {
    const chunk = this.#inbox.shift();
    if (chunk !== undefined) this.#inboxBytes -= chunk.length;
    return chunk;
  }

  #untake(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#inbox.unshift(bytes);
    this.#inboxBytes += bytes.length;
  }

  #discardInput(): void {
    this.#inbox.length = 0;
    this.#inboxBytes = 0;
    this.#framer.takeRest();
  }

  #newFramer(): LineFramer {
    return new LineFramer({
      maxLineLength: Math.max(this.#policy.maxCommandLineLength, MAX_AUTH_LINE_LENGTH),
      lineEndings: this.#policy.lineEndings,
    });
  }

  #readData(phase: Extract<Phase, { name: 'data' }>, chunk: Uint8Array): void {
    const { decoder, tx } = phase;
    const { body, done, rest } = decoder.push(chunk);
    if (decoder.lineEndingError !== undefined) {
      // Strict mode: the message is void and the peer is not speaking SMTP as we understand it.
      this.#abortMessage('line-ending');
      this.#refuse(REPLIES.bareLineEnding);
      return;
    }
    for (const data of body) if (data.length > 0) this.#emit({ type: 'message-data', data });
    if (!done) return;
    if (rest !== undefined) this.#untake(rest);
    if (decoder.oversize || decoder.longLine) {
      this.#abortMessage(decoder.oversize ? 'size' : 'long-line');
      this.#phase = { name: 'ready' };
      this.#refuse(decoder.oversize ? REPLIES.messageTooBig : REPLIES.textLineTooLong);
      return;
    }
    endMessage(this.#context, tx, decoder.size, 'DATA');
  }

  #chunkRead(phase: Extract<Phase, { name: 'bdat-chunk' | 'bdat-skip' }>): void {
    if (phase.name === 'bdat-skip') {
      this.#phase = phase.resume;
      this.#refuse(phase.reply);
      return;
    }
    const tx = phase.tx;
    if (phase.last) {
      endMessage(this.#context, tx, tx.chunkedSize, 'BDAT');
      return;
    }
    this.#phase = { name: 'bdat', tx };
    this.#write({ code: 250, enhanced: '2.0.0', text: `Ok: ${phase.size} octets received` });
  }

  #onLine(phase: Phase, event: LineEvent): void {
    if (phase.name === 'auth') {
      this.#onAuthLine(phase, event);
      return;
    }
    if (!isCommandPhase(phase)) return;
    if (this.#policy.maxErrors > 0 && this.#facts.errors >= this.#policy.maxErrors) {
      this.#abortMessage('too-many-errors');
      this.#refuse(REPLIES.tooManyErrors);
      return;
    }
    switch (event.kind) {
      case 'bare-lf':
      case 'bare-cr':
        this.#abortMessage('line-ending');
        this.#refuse(REPLIES.bareLineEnding);
        return;
      case 'too-long':
        this.#refuse(REPLIES.lineTooLong);
        return;
      case 'line':
        this.#line = event.line;
        try {
          this.#onCommand(phase, event.line);
        } finally {
          this.#line = undefined;
        }
    }
  }

  #onAuthLine(phase: AuthPhase, event: LineEvent): void {
    switch (event.kind) {
      case 'bare-lf':
      case 'bare-cr':
        this.#refuse(REPLIES.bareLineEnding);
        return;
      case 'too-long':
        this.#phase = { name: 'ready' };
        this.#refuse(REPLIES.lineTooLong);
        return;
      case 'line':
        authResponse(this.#context, phase, fromUtf8(event.line));
    }
  }

  #onCommand(phase: CommandPhase, line: Uint8Array): void {
    const verb = readVerb(line);
    // AUTH lines may be longer: an initial response can reach 12288 octets (RFC 4954 §4).
    if (line.length + 2 > this.#policy.maxCommandLineLength && verb !== 'AUTH') {
      this.#refuse(REPLIES.lineTooLong);
      return;
    }
    if (line.includes(0)) {
      this.#refuse(REPLIES.nulInCommand);
      return;
    }
    const next = transition(phase.name, tableVerb(verb));
    if ('handler' in next) {
      HANDLERS[next.handler](
        this.#context,
        parseCommand(line, { smtputf8: this.#policy.extensions.smtputf8 }),
      );
      return;
    }
    const reply = REPLIES[next.reply];
    if (verb === 'BDAT') {
      // The chunk follows whatever we answer; it must be read, not taken for commands.
      const parsed = parseCommand(line);
      if (parsed.ok && parsed.command.verb === 'BDAT') {
        this.#enter({
          name: 'bdat-skip',
          reader: new BdatChunkReader(parsed.command.size),
          reply,
          resume: phase,
        });
        return;
      }
    }
    this.#refuse(reply);
  }

  // -------------------------------------------------------------------------------------------
  // Producing actions

  #push(action: SessionAction): void {
    this.#actions[this.#tail++] = action;
  }

  #emit(event: SessionEvent): void {
    this.#push({ type: 'event', event });
  }

  #encode(reply: ReplySpec): Uint8Array {
    const enhanced = this.#policy.extensions.enhancedstatuscodes ? reply.enhanced : undefined;
    return utf8(formatReply(reply.code, reply.text, enhanced === undefined ? {} : { enhanced }));
  }

  /** The write action of a reply without delay; made once for a fixed (frozen) reply. */
  #writeAction(reply: ReplySpec): SessionAction {
    if (!Object.isFrozen(reply)) return { type: 'write', data: this.#encode(reply) };
    const cache = this.#policy.extensions.enhancedstatuscodes ? writesWithEnhanced : writesPlain;
    let action = cache.get(reply);
    if (action === undefined) {
      action = Object.freeze({ type: 'write', data: this.#encode(reply) });
      cache.set(reply, action);
    }
    return action;
  }

  /** Writes a reply. Error replies count towards `maxErrors`; 421 and 521 end the session. */
  #write(reply: ReplySpec, delayMs = 0): void {
    if (this.#phase.name === 'closed') return;
    this.#push(
      delayMs > 0 ? { type: 'write', data: this.#encode(reply), delayMs } : this.#writeAction(reply),
    );
    if (reply.code >= 400) this.#facts.errors++;
    if (reply.code === 421 || reply.code === 521) this.#close();
  }

  #refuse(reply: ReplySpec): void {
    if (this.#phase.name === 'closed') return;
    const enhanced = this.#policy.extensions.enhancedstatuscodes ? reply.enhanced : undefined;
    const line = this.#line === undefined ? undefined : describeCommandLine(this.#line);
    this.#emit({
      type: 'protocol-error',
      code: reply.code,
      ...(enhanced === undefined ? {} : { enhanced }),
      ...(line === undefined ? {} : { line }),
    });
    this.#write(reply);
  }

  #close(): void {
    if (this.#phase.name === 'closed') return;
    this.#push({ type: 'close' });
    this.#pending = undefined;
    this.#discardInput();
    this.#phase = { name: 'closed' };
  }

  #enter(phase: Phase): void {
    if (readsOctets(phase)) this.#untake(this.#framer.takeRest());
    this.#phase = phase;
  }

  /** A command is in progress: a decision is due or a message is being read. */
  #busy(): boolean {
    const name = this.#phase.name;
    return (
      this.#pending !== undefined ||
      name === 'data' ||
      name === 'bdat' ||
      name === 'bdat-chunk' ||
      name === 'bdat-skip'
    );
  }

  #stopNow(): void {
    this.#abortMessage('shutdown');
    this.#pending = undefined;
    this.#write(REPLIES.shuttingDown);
  }

  #abortMessage(reason: MessageAbortReason): void {
    const name = this.#phase.name;
    const inMessage =
      name === 'data' ||
      name === 'bdat' ||
      name === 'bdat-chunk' ||
      this.#pending?.event.type === 'message-end';
    if (inMessage) this.#emit({ type: 'message-abort', reason });
  }

  #envelope(tx: Transaction): Envelope {
    const authenticated = this.#facts.authenticated;
    return {
      from: tx.from,
      params: tx.params,
      recipients: [...tx.recipients],
      helo: this.#facts.greeting?.domain ?? '',
      tls: this.#facts.tls,
      ...(authenticated === undefined ? {} : { authenticatedAs: authenticated.username }),
    };
  }

  #createContext(): SessionContext {
    const session = this;
    return {
      policy: this.#policy,
      facts: this.#facts,
      nonce: this.#nonce,
      get phase() {
        return session.#phase;
      },
      offer: () => currentOffer(this.#policy, this.#facts),
      enter: (phase) => this.#enter(phase),
      reply: (reply, delayMs) => this.#write(reply, delayMs),
      refuse: (reply) => this.#refuse(reply),
      challenge: (base64) => {
        if (this.#phase.name === 'closed') return;
        this.#push({ type: 'write', data: utf8(`334 ${base64}\r\n`) });
      },
      emit: (event) => this.#emit(event),
      ask: (event, settle) => {
        this.#emit(event);
        this.#pending = { event, settle };
      },
      abortMessage: (reason) => this.#abortMessage(reason),
      startTls: () => {
        this.#discardInput();
        this.#push({ type: 'starttls' });
        this.#phase = { name: 'starttls' };
      },
      close: () => this.#close(),
      envelope: (tx) => this.#envelope(tx),
    };
  }
}
