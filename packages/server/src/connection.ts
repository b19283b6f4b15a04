import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { SmtpErrorLike } from '@smtp/codec';
import type { Decision, DecisionEvent, Envelope, MessageVia, SessionEvent } from '@smtp/session';
import type { ConnectionLimiter } from './connection-limiter.js';
import { type DecisionContext, decideWithHooks, fromThrown, isRefusal, LOCAL_ERROR } from './decisions.js';
import { withDirectReads } from './direct-reads.js';
import type { MaybePromise } from './hooks.js';
import { IdleTimer } from './idle-timer.js';
import { MessageTransfer } from './message-transfer.js';
import type { ServerConfig } from './options.js';
import { type ProxyHeader, parseProxyHeader } from './proxy-protocol.js';
import { encodeReplyLine } from './reply-line.js';
import type { SessionInfo } from './session-info.js';
import type { SessionPort } from './session-port.js';
import type { IncomingMessage } from './stores/message-store.js';

/** What the server provides to each of its connections. */
export interface ConnectionHost {
  readonly config: ServerConfig;
  readonly limiter: ConnectionLimiter;
  /** TLS for STARTTLS or implicit TLS; undefined when the server has none. */
  readonly secureContext: SecureContext | undefined;
  /** Makes the sans-IO session for a connection (TLS state as the session must know it). */
  createSession(tls: { available: boolean; active: boolean }): SessionPort;
  /** The server is no longer accepting sessions (shutting down). */
  readonly stopping: boolean;
  sessionStarted(info: SessionInfo): void;
  sessionEnded(info: SessionInfo): void;
  messageStored(message: IncomingMessage, size: number): void;
  /** A client was turned away by a limit or by `onConnect`. */
  connectionRefused(): void;
  report(error: unknown, info: SessionInfo): void;
}

/**
 * Where a connection is in its life. One value, changed in few places: everything else about
 * the connection (whether it reads, whether its idle timer counts) follows from it.
 */
type Phase =
  /** Reading the PROXY protocol header; no session yet. */
  | 'proxy-header'
  /** Implicit TLS handshake; no session yet. */
  | 'tls-handshake'
  /** Limits and the `onConnect` hook; no session yet. */
  | 'admitting'
  /** The session is drained: waiting for the client. */
  | 'reading'
  /** Waiting on the application (a hook, the store) or a deliberate reply delay. */
  | 'busy'
  /** STARTTLS handshake under way. */
  | 'upgrading'
  /** The last replies are written and the socket is ending. */
  | 'closing'
  | 'closed';

/**
 * Whether the client may still send. A client may half-close (shut down its sending side after
 * its last command, as `nc -N` or a script piping a whole session does) and still expect every
 * reply: its input is finished, not its connection.
 */
type InputState = 'open' | 'ended';

type MutableSessionInfo = { -readonly [K in keyof SessionInfo]: SessionInfo[K] };

const ADDRESS_FULL: SmtpErrorLike = {
  code: 421,
  enhanced: '4.7.0',
  message: 'Too many connections from your address; try again later',
};
const SHUTTING_DOWN: SmtpErrorLike = {
  code: 421,
  enhanced: '4.3.2',
  message: 'Service shutting down; closing connection',
};
/** How long a forced close waits for a store to clean up before the socket goes. */
const FORCED_CLEANUP_MS = 1000;
/** How long a closing socket may linger before it is destroyed. */
const LINGER_MS = 5000;

/**
 * One client connection: the PROXY header, admission, TLS, and the loop that feeds socket bytes
 * to the sans-IO session, performs its actions (writes, STARTTLS, close), asks the application
 * for its decisions and streams message bodies into the store.
 */
export class Connection {
  readonly info: SessionInfo;
  /** Resolves once the socket is closed and every store cleanup has finished. */
  readonly done: Promise<void>;

  readonly #host: ConnectionHost;
  readonly #config: ServerConfig;
  readonly #info: MutableSessionInfo;
  readonly #timer: IdleTimer;
  readonly #decisionContext: DecisionContext;
  #socket: Socket;
  #phase: Phase = 'admitting';
  #input: InputState = 'open';
  #session: SessionPort | undefined;
  /** Replies waiting to be written together (PIPELINING: one flush per batch of commands). */
  #out: Uint8Array[] = [];
  /** The chunk last given to the session: body pieces that are views into it need no copy. */
  #lastInput: Uint8Array | undefined;
  #early: Uint8Array[] = [];
  #transfer: MessageTransfer | undefined;
  #delay: ReturnType<typeof setTimeout> | undefined;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #admittedAddress: string | undefined;
  readonly #cleanups: Promise<unknown>[] = [];
  #resolveDone!: () => void;

  constructor(socket: Socket, id: string, host: ConnectionHost) {
    this.#socket = socket;
    this.#host = host;
    this.#config = host.config;
    this.#info = {
      id,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
      proxy: undefined,
      helo: undefined,
      tls: false,
      authenticatedAs: undefined,
    };
    this.info = this.#info;
    this.#timer = new IdleTimer(this.#config.idleTimeout, () => this.#onIdle());
    this.#decisionContext = {
      hooks: this.#config.hooks,
      credentials: { lookup: this.#config.lookup, verifyToken: this.#config.verifyToken },
      session: this.#info,
      report: (error) => this.#host.report(error, this.#info),
    };
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /**
   * Starts the connection: PROXY header, admission and TLS as configured, then the session.
   * The socket arrives paused; a plain one is rebuilt to hand its reads straight to
   * {@link #onData} (see `withDirectReads`). With implicit TLS the TLS layer reads instead.
   */
  start(): void {
    const direct = this.#config.implicitTls ? undefined : withDirectReads(this.#socket, this.#onData);
    if (direct !== undefined) this.#socket = direct;
    this.#listen(this.#socket);
    if (direct === undefined) this.#socket.resume();
    if (this.#config.proxyProtocol) {
      this.#phase = 'proxy-header';
      this.#timer.setTimeout(this.#config.proxyTimeout);
      this.#timer.count();
      return;
    }
    this.#afterProxy(undefined, undefined);
  }

  /**
   * Graceful stop: an idle session gets `421 4.3.2` at once; a command in progress is finished
   * and answered first (the session decides when).
   */
  shutdown(): void {
    switch (this.#phase) {
      case 'reading':
        this.#session?.shutdown();
        this.#pump();
        return;
      case 'busy':
      case 'upgrading':
        this.#session?.shutdown();
        return;
      case 'admitting':
        this.#refuseConnection(SHUTTING_DOWN);
        return;
      case 'closing':
      case 'closed':
        return;
      default:
        // Before any session (PROXY header, TLS handshake) there is nobody to tell.
        this.#socket.destroy();
    }
  }

  /**
   * The grace period is over: whatever is still in progress is dropped (nothing stored), the
   * client gets `421 4.3.2` if it can still be told, and the socket closes.
   */
  forceClose(): void {
    const session = this.#session;
    if ((this.#phase === 'reading' || this.#phase === 'busy') && session !== undefined) {
      // Whatever we were waiting for no longer matters: a late answer finds the phase changed.
      if (this.#delay !== undefined) clearTimeout(this.#delay);
      this.#delay = undefined;
      session.shutdown('immediate');
      this.#phase = 'reading';
      this.#pump();
    }
    // The pump may wait on a store's cleanup before its last reply; not for long.
    if (this.#phase === 'busy') {
      setTimeout(() => this.#closeSocket(), FORCED_CLEANUP_MS).unref();
      return;
    }
    if (this.#phase !== 'closed' && this.#phase !== 'closing') this.#closeSocket();
  }

  // ---------------------------------------------------------------------------------------------
  // Socket plumbing

  #listen(socket: Socket): void {
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('drain', this.#onDrain);
    socket.on('close', this.#onClose);
    // Errors (resets, TLS alerts) end in 'close'; the client is gone and there is nobody to tell.
    socket.on('error', () => {});
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#timer.touch();
    switch (this.#phase) {
      case 'reading':
        this.#receive(chunk);
        this.#pump();
        return;
      case 'busy':
        this.#receive(chunk);
        this.#updateFlow();
        return;
      case 'proxy-header':
        this.#readProxyHeader(chunk);
        return;
      case 'admitting':
      case 'tls-handshake':
        this.#early.push(chunk);
        return;
      default:
        // After STARTTLS and while closing, bytes are discarded, never executed.
        return;
    }
  };

  /**
   * The client sent its last byte (half-close). What it sent before is still processed and
   * answered — a message it completed is stored and acknowledged — and the connection closes once
   * the session needs input that can no longer come.
   */
  readonly #onEnd = (): void => {
    this.#input = 'ended';
    switch (this.#phase) {
      case 'reading':
        this.#pump();
        return;
      case 'busy':
      case 'admitting':
      case 'closing':
      case 'closed':
        // Busy and admitting reach the pump later, which sees the input ended; closing is under way.
        return;
      default:
        // A PROXY header or a TLS handshake cut short: there is no session to answer.
        this.#socket.destroy();
    }
  };

  readonly #onDrain = (): void => {
    this.#updateFlow();
  };

  readonly #onClose = (): void => {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#timer.stop();
    if (this.#delay !== undefined) clearTimeout(this.#delay);
    if (this.#linger !== undefined) clearTimeout(this.#linger);
    const session = this.#session;
    if (session !== undefined) {
      session.peerClosed();
      // Only the events matter now (a message in progress is dropped); replies have nowhere to go.
      for (let action = session.next(); action !== undefined; action = session.next()) {
        if (action.type === 'event' && action.event.type === 'message-abort')
          this.#abortMessage(action.event.reason);
      }
    }
    this.#abortMessage('disconnect');
    this.#host.limiter.release();
    if (this.#admittedAddress !== undefined) this.#host.limiter.releaseAddress(this.#admittedAddress);
    void Promise.allSettled(this.#cleanups).then(() => {
      if (session !== undefined) this.#host.sessionEnded(this.#info);
      this.#resolveDone();
    });
  };

  #receive(chunk: Buffer): void {
    this.#lastInput = chunk;
    (this.#session as SessionPort).receive(chunk);
  }

  /** Reads while the session is drained or waiting, the client reads our replies, and input is bounded. */
  #updateFlow(): void {
    const socket = this.#socket;
    // While closing, reading goes on (what arrives is dropped) so that the client's own close is
    // seen: a paused socket with direct reads reads nothing at all, not even the end.
    const wanted =
      this.#phase === 'closing' ||
      ((this.#phase === 'reading' || this.#phase === 'busy') &&
        !socket.writableNeedDrain &&
        (this.#session?.buffered ?? 0) < this.#config.highWaterMark);
    if (wanted) {
      if (socket.isPaused()) socket.resume();
    } else if (!socket.isPaused()) {
      socket.pause();
    }
  }

  #write(data: Uint8Array): void {
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(data);
  }

  #flush(): void {
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    this.#write(out.length === 1 ? (out[0] as Uint8Array) : Buffer.concat(out));
  }

  #closeSocket(): void {
    if (this.#phase === 'closed' || this.#phase === 'closing') return;
    this.#phase = 'closing';
    this.#timer.stop();
    this.#updateFlow();
    this.#socket.end();
    this.#linger = setTimeout(() => this.#socket.destroy(), LINGER_MS);
    this.#linger.unref();
  }

  /** Turns a client away before any session: one reply, then close. */
  #refuseConnection(error: SmtpErrorLike): void {
    this.#host.connectionRefused();
    this.#write(encodeReplyLine(error));
    this.#closeSocket();
  }

  #onIdle(): void {
    if (this.#phase === 'reading' && this.#session !== undefined) {
      this.#session.timedOut();
      this.#pump();
      return;
    }
    // No session to answer (PROXY header, handshakes) or the client does not close: just cut.
    this.#socket.destroy();
  }

  // ---------------------------------------------------------------------------------------------
  // Before the session: PROXY header, admission, implicit TLS

  #readProxyHeader(chunk: Buffer): void {
    this.#early.push(chunk);
    const seen = this.#early.length === 1 ? chunk : Buffer.concat(this.#early);
    this.#early = [seen];
    const result = parseProxyHeader(seen);
    if (result.status === 'incomplete') return;
    if (result.status === 'invalid') {
      // A bad header is not an SMTP client: nothing to answer, just close.
      this.#socket.destroy();
      return;
    }
    this.#early = [];
    this.#afterProxy(result.header, seen.subarray(result.length));
  }

  #afterProxy(header: ProxyHeader | undefined, rest: Buffer | undefined): void {
    this.#phase = 'admitting';
    this.#timer.suspend();
    this.#timer.setTimeout(this.#config.idleTimeout);
    if (header?.command === 'proxy') {
      this.#info.proxy = header;
      this.#info.remoteAddress = header.source.address;
      this.#info.remotePort = header.source.port;
      this.#info.localAddress = header.destination.address;
      this.#info.localPort = header.destination.port;
    } else if (header !== undefined) {
      this.#info.proxy = header;
    }
    if (rest !== undefined && rest.length > 0) this.#early.push(rest);
    if (this.#host.limiter.admitAddress(this.#info.remoteAddress) !== 'accepted') {
      this.#refuseConnection(ADDRESS_FULL);
      return;
    }
    this.#admittedAddress = this.#info.remoteAddress;
    if (this.#config.implicitTls) this.#startImplicitTls();
    else this.#admit();
  }

  #startImplicitTls(): void {
    const context = this.#host.secureContext;
    if (context === undefined) throw new Error('implicit TLS without a secure context');
    this.#phase = 'tls-handshake';
    this.#timer.count();
    const raw = this.#socket;
    raw.removeListener('data', this.#onData);
    raw.removeListener('end', this.#onEnd);
    // Bytes read with the PROXY header belong to the TLS handshake. Put back into the paused
    // socket's buffer, they are what TLSSocket reads first when it takes the socket over.
    raw.pause();
    for (const early of this.#early.reverse()) raw.unshift(early);
    this.#early = [];
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.#socket = secure;
    this.#listen(secure);
    secure.once('secure', () => {
      if (this.#phase !== 'tls-handshake') return;
      this.#info.tls = true;
      this.#timer.suspend();
      this.#admit();
    });
  }

  #admit(): void {
    this.#phase = 'admitting';
    this.#socket.pause();
    if (this.#host.stopping) {
      this.#refuseConnection(SHUTTING_DOWN);
      return;
    }
    const { onConnect } = this.#config.hooks;
    if (onConnect === undefined) {
      this.#startSession();
      return;
    }
    const settle = (outcome: unknown) => {
      if (this.#phase !== 'admitting') return;
      if (outcome === undefined || outcome === null) this.#startSession();
      else if (isRefusal(outcome)) this.#refuseConnection(outcome);
      else {
        this.#host.report(
          new TypeError('onConnect returned something other than nothing or an SmtpError'),
          this.#info,
        );
        this.#refuseConnection(LOCAL_ERROR);
      }
    };
    const fail = (error: unknown) => {
      if (this.#phase !== 'admitting') return;
      const decision = fromThrown(error, this.#decisionContext);
      this.#refuseConnection('error' in decision ? decision.error : LOCAL_ERROR);
    };
    try {
      const outcome = onConnect(this.#info);
      if (outcome instanceof Promise) outcome.then(settle, fail);
      else settle(outcome);
    } catch (error) {
      fail(error);
    }
  }

  #startSession(): void {
    const context = this.#host.secureContext;
    this.#session = this.#host.createSession({
      available: context !== undefined && !this.#info.tls,
      active: this.#info.tls,
    });
    this.#host.sessionStarted(this.#info);
    this.#phase = 'reading';
    this.#timer.count();
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) this.#receive(chunk as Buffer);
    this.#pump();
  }

  // ---------------------------------------------------------------------------------------------
  // The session loop

  /**
   * Performs the session's actions until it needs more input or something asynchronous: replies
   * are gathered and written in one flush, decisions are asked of the application (synchronously
   * when no hook is involved), message events go to the store.
   */
  #pump(): void {
    const session = this.#session as SessionPort;
    for (;;) {
      const action = session.next();
      if (action === undefined) {
        const pending = session.pending;
        if (pending === undefined) break;
        const decision = this.#decide(pending);
        if (decision instanceof Promise) {
          this.#waitFor(decision, (answer) => this.#applyDecision(session, pending, answer));
          return;
        }
        this.#applyDecision(session, pending, decision);
        continue;
      }
      switch (action.type) {
        case 'write':
          if (action.delayMs !== undefined && action.delayMs > 0) {
            this.#delayWrite(action.data, action.delayMs);
            return;
          }
          this.#out.push(action.data);
          break;
        case 'event': {
          const busy = this.#onEvent(action.event);
          if (busy !== undefined) {
            this.#waitFor(busy, () => {});
            return;
          }
          break;
        }
        case 'starttls':
          this.#flush();
          this.#upgrade();
          return;
        case 'close':
          this.#flush();
          this.#closeSocket();
          return;
      }
    }
    this.#flush();
    if (this.#input === 'ended') {
      // The session needs more input and none will come: what was in progress is dropped.
      this.#closeSocket();
      return;
    }
    this.#updateFlow();
  }

  /**
   * Waits for the application; the client's silence does not count meanwhile. Replies already
   * decided go out first: the client should not wait on our slowness for answers it could have.
   */
  #waitFor<T>(promise: Promise<T>, then: (value: T) => void): void {
    this.#flush();
    this.#phase = 'busy';
    this.#timer.suspend();
    this.#updateFlow();
    promise.then(
      (value) => {
        if (this.#phase !== 'busy') return;
        then(value);
        this.#resume();
      },
      (error: unknown) => {
        if (this.#phase !== 'busy') return;
        this.#host.report(error, this.#info);
        this.forceClose();
      },
    );
  }

  #resume(): void {
    this.#phase = 'reading';
    this.#timer.count();
    this.#pump();
  }

  /** A reply the session wants delayed (failed AUTH): earlier replies go now, this one later. */
  #delayWrite(data: Uint8Array, delayMs: number): void {
    this.#flush();
    this.#phase = 'busy';
    this.#timer.suspend();
    this.#updateFlow();
    this.#delay = setTimeout(() => {
      this.#delay = undefined;
      if (this.#phase !== 'busy') return;
      this.#out.push(data);
      this.#resume();
    }, delayMs);
  }

  /**
   * Hands the application's answer to the session. An answer the session cannot write as a reply
   * (a hook's text with a line break, a code out of range) is the application's bug: it is
   * reported and the client gets `451 4.3.0` instead.
   */
  #applyDecision(session: SessionPort, event: DecisionEvent, decision: Decision): void {
    try {
      session.decide(decision);
    } catch (error) {
      this.#host.report(error, this.#info);
      const fallback = { accept: false as const, error: LOCAL_ERROR };
      session.decide(
        event.type === 'message-end' && this.#config.options.lmtp === true
          ? { perRecipient: event.envelope.recipients.map(() => fallback) }
          : fallback,
      );
    }
  }

  #decide(event: DecisionEvent): MaybePromise<Decision> {
    if (event.type !== 'message-end') return decideWithHooks(event, this.#decisionContext);
    const transfer = this.#transfer;
    if (transfer === undefined) return { accept: false, error: LOCAL_ERROR };
    // The transfer stays current until the store answers, so a shutdown can still abandon it.
    const finished = () => {
      if (this.#transfer === transfer) this.#transfer = undefined;
    };
    const decision = transfer.finish(this.#config.options.lmtp === true, () =>
      this.#host.messageStored(transfer.message, event.size),
    );
    if (!(decision instanceof Promise)) {
      finished();
      return decision;
    }
    return decision.finally(finished);
  }

  /** Observes an event; returns a promise when the store needs time before more can follow. */
  #onEvent(event: SessionEvent): Promise<unknown> | undefined {
    switch (event.type) {
      case 'message-data': {
        const transfer = this.#transfer;
        if (transfer === undefined) return undefined;
        const data = event.data;
        // Views into the socket's chunk stay valid; anything else may be the session's scratch space.
        const owned = data.buffer === this.#lastInput?.buffer ? data : Buffer.from(data);
        return transfer.write(owned) ?? undefined;
      }
      case 'message-start':
        return this.#startMessage(event.envelope, event.via) ?? undefined;
      case 'message-abort':
        // Waited for: the reply that follows (552, 521, …) must find the message already gone.
        return this.#abortMessage(event.reason);
      case 'helo':
        this.#info.helo = event.domain;
        return undefined;
      case 'authenticated':
        this.#info.authenticatedAs = event.username;
        return undefined;
      default:
        return undefined;
    }
  }

  #startMessage(envelope: Envelope, via: MessageVia): void | Promise<void> {
    void this.#abortMessage('rset');
    const message: IncomingMessage = {
      id: this.#config.nextQueueId(),
      from: envelope.from.address,
      to: envelope.recipients.map((recipient) => recipient.to.address),
      session: this.#snapshot(),
      via,
    };
    const transfer = new MessageTransfer(
      message,
      (error) => this.#host.report(error, this.#info),
      this.#config.storeTimeout,
    );
    this.#transfer = transfer;
    return transfer.open(this.#config.store);
  }

  /** The session as it is now, for a message to keep (the live view changes with STARTTLS). */
  #snapshot(): SessionInfo {
    const info = this.#info;
    return {
      id: info.id,
      remoteAddress: info.remoteAddress,
      remotePort: info.remotePort,
      localAddress: info.localAddress,
      localPort: info.localPort,
      proxy: info.proxy,
      helo: info.helo,
      tls: info.tls,
      authenticatedAs: info.authenticatedAs,
    };
  }

  #abortMessage(reason: string): Promise<void> | undefined {
    const transfer = this.#transfer;
    if (transfer === undefined) return undefined;
    this.#transfer = undefined;
    const done = transfer.abort(reason);
    if (!(done instanceof Promise)) return undefined;
    this.#cleanups.push(done);
    return done;
  }

  // ---------------------------------------------------------------------------------------------
  // STARTTLS

  #upgrade(): void {
    const context = this.#host.secureContext;
    if (context === undefined) {
      this.#host.report(new Error('the session started TLS but the server has no certificate'), this.#info);
      this.#socket.destroy();
      return;
    }
    this.#phase = 'upgrading';
    const raw = this.#socket;
    // Whatever the client sent after STARTTLS and before its handshake is never executed: the
    // session already dropped what it had, and the raw socket is no longer listened to.
    raw.removeListener('data', this.#onData);
    raw.removeListener('end', this.#onEnd);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.#socket = secure;
    this.#listen(secure);
    secure.once('secure', () => {
      if (this.#phase !== 'upgrading') return;
      this.#info.tls = true;
      // RFC 3207 §4.2: the client must start over; what it said before TLS no longer counts.
      this.#info.helo = undefined;
      this.#info.authenticatedAs = undefined;
      (this.#session as SessionPort).tlsEstablished();
      this.#resume();
    });
  }
}
