import {
  type Capabilities,
  DotEncoder,
  formatCommand,
  parseCapabilities,
  type Reply,
  ReplyParser,
  SmtpError,
  type SmtpPhase,
  utf8,
} from '@smtp/codec';
import { type BdatChunk, BdatChunker } from './bdat-chunker.js';
import { BodyScanner, bodyTypeCovers } from './body-scan.js';
import type {
  ClientCoreOptions,
  CoreEvent,
  CorePhase,
  Pending,
  TlsMode,
  TransactionRequest,
  Waiting,
} from './core-types.js';
import { CrlfNormalizer } from './crlf-normalizer.js';
import { type EnvelopePlan, PathCache, planEnvelope } from './envelope.js';
import { CapabilityError, ConnectionError, ProtocolError, RecipientsRefusedError } from './errors.js';
import type { RecipientResult, SendResult } from './result.js';
import { chooseMechanism, type SaslLine, startExchange, type TraceSecretNames } from './sasl-client.js';
import type { ReplyTraceStyle, TraceWriter } from './trace-writer.js';

const CRLF = '\r\n';
const DEFAULT_BDAT_CHUNK = 256 * 1024;
const NO_CAPABILITIES: Capabilities = parseCapabilities({ code: 250, lines: [''] });

/** A message in flight: its commands, the replies so far, and its body encoder. */
interface Transaction {
  readonly plan: EnvelopePlan;
  readonly partial: 'any' | 'all';
  readonly pipelining: boolean;
  readonly verifyBody: boolean;
  readonly results: (RecipientResult | undefined)[];
  /** `envelope`: MAIL/RCPT/DATA under way; `body`: octets being sent; `final`: waiting for the verdict. */
  stage: 'envelope' | 'body' | 'final';
  mailSent: boolean;
  rcptSent: number;
  rcptReplies: number;
  /** DATA sent, or BDAT chunks started. */
  bodyCommandSent: boolean;
  accepted: number;
  /** Replies still due for this transaction. */
  outstanding: number;
  mailError: SmtpError | undefined;
  /** Set once the transaction is known to fail; it ends with RSET when no reply is due. */
  failure: SmtpError | undefined;
  readonly scanner: BodyScanner;
  encoder: DotEncoder | undefined;
  normalizer: CrlfNormalizer | undefined;
  chunker: BdatChunker | undefined;
  /** BDAT chunks ready but not yet sent (without PIPELINING each waits for the previous reply). */
  readonly bdatQueue: BdatChunk[];
  /** BDAT replies still due (chunks sent). */
  bdatOutstanding: number;
  /** BDAT chunks written so far. */
  bdatSent: number;
  /** `endBody()` was called (the LAST chunk may still wait its turn). */
  bodyEnded: boolean;
  /** Whether the driver has been told (`body-wanted`) that the core takes body octets now. */
  bodyOffered: boolean;
  wireOctets: number;
  finalReplies: number;
  finalReply: Reply | undefined;
}

function errorOf(reply: Reply, command: string, phase: SmtpPhase): SmtpError {
  return SmtpError.fromReply(reply, command === '' ? { phase } : { command, phase });
}

function isPositiveCompletion(reply: Reply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

/**
 * The SMTP/LMTP client as a sans-IO state machine: bytes from the server go in
 * ({@link ClientCore.receive}), bytes for the server come out ({@link ClientCore.takeOutput}),
 * and {@link ClientCore.nextEvent} says what happened. No sockets, timers or promises: its
 * driver (the Node transport, or a test wiring it to a server machine) does the I/O.
 *
 * It runs the session on its own from the greeting: EHLO (HELO when EHLO gets 500/502), STARTTLS
 * and EHLO again, AUTH with the strongest offered mechanism; then one message at a time with
 * {@link ClientCore.send}: MAIL, RCPT… and DATA in one write under PIPELINING, the body dot-stuffed
 * or in BDAT chunks, RSET after a refused transaction, per-recipient results.
 */
export class ClientCore {
  readonly #options: ClientCoreOptions;
  readonly #tls: TlsMode;
  readonly #hello: string;
  readonly #secrets: TraceSecretNames;
  readonly #trace: TraceWriter | undefined;
  readonly #parser = new ReplyParser();
  #phase: CorePhase = 'greeting';
  readonly #pending: Pending[] = [{ kind: 'greeting' }];
  #events: CoreEvent[] = [];
  #output: Uint8Array[] = [];
  #text = '';
  #capabilities: Capabilities = NO_CAPABILITIES;
  #esmtp = false;
  #secure: boolean;
  #authenticated = false;
  #tx: Transaction | undefined;
  readonly #paths = new PathCache();

  /**
   * @throws CommandInjectionError / CommandFormatError when the client name cannot be sent.
   */
  constructor(options: ClientCoreOptions) {
    this.#options = options;
    this.#tls = options.tls ?? 'none';
    this.#secure = this.#tls === 'implicit';
    this.#trace = options.trace;
    this.#secrets = { password: 'SMTP_PASSWORD', token: 'SMTP_TOKEN', ...options.traceSecrets };
    // Formatting now refuses a name with CR/LF/NUL before anything is sent.
    this.#hello = formatCommand({ verb: 'EHLO', domain: options.clientName }).slice('EHLO '.length);
  }

  /** Where the session stands. */
  get phase(): CorePhase {
    return this.#phase;
  }

  /** What the server offered in its last EHLO reply (nothing after HELO). */
  get capabilities(): Capabilities {
    return this.#capabilities;
  }

  /** Whether the server answered EHLO/LHLO (false after falling back to HELO). */
  get extended(): boolean {
    return this.#esmtp;
  }

  /** Whether the connection is encrypted (implicit TLS, or STARTTLS done). */
  get secure(): boolean {
    return this.#secure;
  }

  /** Whether AUTH succeeded. */
  get authenticated(): boolean {
    return this.#authenticated;
  }

  /** True when the core is idle and takes a message or a command. */
  get ready(): boolean {
    return this.#phase === 'ready';
  }

  /** True while the core takes body octets for the current message. */
  get bodyWanted(): boolean {
    const tx = this.#tx;
    if (tx === undefined || tx.stage !== 'body' || tx.failure !== undefined || tx.bodyEnded) return false;
    return tx.encoder !== undefined || (tx.bdatQueue.length === 0 && this.#bdatMaySend(tx));
  }

  /** What the core is waiting for, to pick the timer: `final-reply` after a message, `tls` during the handshake. */
  get waiting(): Waiting {
    if (this.#phase === 'tls-handshake') return 'tls';
    const head = this.#pending[0];
    if (head === undefined) return 'nothing';
    if (head.kind === 'greeting') return 'greeting';
    if (head.kind === 'message' || (head.kind === 'bdat' && head.last)) return 'final-reply';
    return 'command';
  }

  /** The protocol phase for errors raised now (a timeout, a closed connection). */
  get errorPhase(): SmtpPhase {
    const head = this.#pending[0];
    if (head !== undefined) return phaseOf(head);
    if (this.#tx?.stage === 'body') return this.#tx.plan.transfer === 'BDAT' ? 'bdat' : 'message';
    return this.#phase === 'tls-handshake' ? 'tls' : 'connect';
  }

  /** The next event, or undefined when there is none. */
  nextEvent(): CoreEvent | undefined {
    if (this.#events.length === 0) return undefined;
    return this.#events.shift();
  }

  /** Every event so far, oldest first. */
  takeEvents(): CoreEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Bytes to write to the server, in order (empty when there are none). */
  takeOutput(): Uint8Array[] {
    this.#flushText();
    const output = this.#output;
    this.#output = [];
    return output;
  }

  // ---------------------------------------------------------------------------------------------
  // Input from the driver

  /** Feeds bytes received from the server. */
  receive(data: Uint8Array): void {
    if (this.#phase === 'closed' || this.#phase === 'failed') return;
    if (this.#phase === 'tls-handshake') {
      this.#injection();
      return;
    }
    const events = this.#parser.push(data);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as (typeof events)[number];
      if (event.kind === 'error') {
        this.#fatal(
          new ProtocolError('malformed-reply', `malformed reply: ${event.error.message}`, this.errorPhase, {
            cause: event.error,
          }),
        );
        return;
      }
      this.#reply(event.reply);
      // #reply changes the phase; read it afresh.
      const phase = this.phase;
      if (phase === 'closed' || phase === 'failed') return;
      if (phase === 'tls-handshake' && (i < events.length - 1 || this.#parser.buffered > 0)) {
        this.#injection();
        return;
      }
    }
  }

  /** The TLS handshake after STARTTLS succeeded: the session starts over with EHLO. */
  tlsEstablished(): void {
    if (this.#phase !== 'tls-handshake') throw new Error(`tlsEstablished() called in phase ${this.#phase}`);
    this.#secure = true;
    this.#capabilities = NO_CAPABILITIES;
    this.#esmtp = false;
    this.#sendHello(this.#options.lmtp === true ? 'LHLO' : 'EHLO');
  }

  /** The connection closed (by the server, or under the driver). */
  connectionClosed(): void {
    if (this.#phase === 'closed' || this.#phase === 'failed') return;
    if (this.#phase === 'quit') {
      const head = this.#pending[0];
      const failure = head?.kind === 'quit' ? head.failure : undefined;
      if (failure === undefined) this.#close();
      else this.#fatal(failure);
      return;
    }
    this.#fatal(
      new ConnectionError('closed', `the server closed the connection ${this.#closedWhere()}`, {
        phase: this.errorPhase,
      }),
    );
  }

  /** Records a failure of the driver (a timeout, a TLS error): the session is over. */
  fail(error: Error): void {
    if (this.#phase === 'closed' || this.#phase === 'failed') return;
    this.#fatal(error);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /**
   * Starts a message. Everything is checked and formatted first, so a refusal made here (bad
   * address, CR/LF injection, a missing extension, SIZE) throws before any byte is written and
   * leaves the session ready.
   */
  send(request: TransactionRequest): void {
    this.#requireReady('send');
    const plan = planEnvelope(
      request.envelope,
      request.options,
      {
        capabilities: this.#capabilities,
        secure: this.#secure,
        chunking: this.#options.chunking !== false,
      },
      this.#paths,
    );
    const tx: Transaction = {
      plan,
      partial: request.options.partial ?? 'any',
      pipelining: this.#options.pipelining !== false && this.#capabilities.pipelining,
      verifyBody: request.bodyTypeScanned !== true,
      results: plan.recipients.map(() => undefined),
      stage: 'envelope',
      mailSent: false,
      rcptSent: 0,
      rcptReplies: 0,
      bodyCommandSent: false,
      accepted: 0,
      outstanding: 0,
      mailError: undefined,
      failure: undefined,
      scanner: new BodyScanner(),
      encoder: undefined,
      normalizer: undefined,
      chunker: undefined,
      bdatQueue: [],
      bdatOutstanding: 0,
      bdatSent: 0,
      bodyOffered: false,
      bodyEnded: false,
      wireOctets: 0,
      finalReplies: 0,
      finalReply: undefined,
    };
    this.#tx = tx;
    this.#phase = 'transaction';
    this.#advanceEnvelope(tx);
  }

  /** Adds octets of the current message's body (only while {@link bodyWanted}). */
  writeBody(chunk: Uint8Array): void {
    const tx = this.#tx;
    if (tx === undefined || tx.stage !== 'body' || tx.failure !== undefined || tx.bodyEnded) return;
    if (!this.#checkBody(tx, chunk)) return;
    if (tx.encoder !== undefined) {
      const pieces = tx.encoder.push(chunk);
      this.#bodyPieces(tx, pieces);
      return;
    }
    const normalized = tx.normalizer === undefined ? [chunk] : tx.normalizer.push(chunk);
    const chunker = tx.chunker as BdatChunker;
    for (const frame of chunker.push(normalized)) tx.bdatQueue.push(frame);
    this.#sendBdatChunks(tx);
    tx.bodyOffered = this.bodyWanted;
  }

  /** Ends the current message's body. */
  endBody(): void {
    const tx = this.#tx;
    if (tx === undefined || tx.stage !== 'body' || tx.failure !== undefined || tx.bodyEnded) return;
    tx.bodyEnded = true;
    if (tx.encoder !== undefined) {
      tx.stage = 'final';
      this.#bodyPieces(tx, [tx.encoder.end()]);
      this.#trace?.endBody();
      this.#expectMessageReplies(tx);
      return;
    }
    const tail = tx.normalizer === undefined ? [] : [tx.normalizer.end()];
    tx.bdatQueue.push((tx.chunker as BdatChunker).end(tail));
    this.#sendBdatChunks(tx);
  }

  /**
   * Sends a command outside a transaction (NOOP, RSET, VRFY, HELP…) and reports its reply as
   * a `reply` event, whatever its code.
   */
  command(line: string, phase: SmtpPhase = 'noop'): void {
    this.#requireReady('command');
    if (/[\r\n\0]/.test(line)) throw new TypeError('a command must not contain CR, LF or NUL');
    this.#phase = 'command';
    this.#writeCommand(line, { kind: 'command', command: line, phase });
  }

  /**
   * Ends the session politely with QUIT. Only when ready: in the middle of anything else the
   * driver closes the connection instead (a QUIT written during a DATA body would become part of
   * the message).
   */
  quit(): void {
    this.#requireReady('quit');
    this.#phase = 'quit';
    this.#writeCommand('QUIT', { kind: 'quit' });
  }

  // ---------------------------------------------------------------------------------------------
  // Replies

  #reply(reply: Reply): void {
    const pending = this.#pending.shift();
    if (pending === undefined) {
      this.#trace?.reply(reply, 'exact');
      this.#fatal(
        reply.code === 421
          ? errorOf(reply, '', this.errorPhase)
          : new ProtocolError(
              'unexpected-reply',
              `unexpected reply when none was due: ${reply.code}`,
              this.errorPhase,
            ),
      );
      return;
    }
    this.#trace?.reply(reply, this.#traceStyle(pending, reply));
    if (reply.code === 421 && pending.kind !== 'quit') {
      // 421: the server is closing the connection; whatever was under way is lost.
      this.#fatal(errorOf(reply, commandOf(pending), phaseOf(pending)));
      return;
    }
    switch (pending.kind) {
      case 'greeting':
        this.#onGreeting(reply);
        return;
      case 'hello':
        this.#onHello(reply, pending.verb);
        return;
      case 'starttls':
        this.#onStartTls(reply);
        return;
      case 'auth':
        this.#onAuth(reply, pending);
        return;
      case 'mail':
        this.#onMail(reply, pending.command);
        return;
      case 'rcpt':
        this.#onRcpt(reply, pending.index, pending.command);
        return;
      case 'data':
        this.#onData(reply);
        return;
      case 'bdat':
        this.#onBdat(reply, pending.command, pending.last);
        return;
      case 'message':
        this.#onMessage(reply, pending.recipient);
        return;
      case 'abandoned-data':
        this.#onAbandonedData();
        return;
      case 'rset':
        this.#onRset(reply, pending.failure);
        return;
      case 'command':
        this.#phase = 'ready';
        this.#events.push({ type: 'reply', reply });
        this.#becomeReady();
        return;
      case 'quit':
        if (pending.failure === undefined) this.#close();
        else this.#fatal(pending.failure);
        return;
    }
  }

  #traceStyle(pending: Pending, reply: Reply): ReplyTraceStyle {
    switch (pending.kind) {
      case 'greeting':
      case 'message':
        return 'volatile';
      case 'hello':
        return reply.code === 250 ? 'hello' : 'exact';
      case 'auth':
        return reply.code === 334 && pending.exchange.volatileChallenges ? 'volatile' : 'exact';
      case 'bdat':
        return pending.last ? 'volatile' : 'exact';
      default:
        return 'exact';
    }
  }

  #onGreeting(reply: Reply): void {
    if (reply.code !== 220) {
      this.#fatal(errorOf(reply, '', 'greeting'));
      return;
    }
    this.#sendHello(this.#options.lmtp === true ? 'LHLO' : 'EHLO');
  }

  #sendHello(verb: 'EHLO' | 'HELO' | 'LHLO'): void {
    this.#phase = 'hello';
    this.#writeCommand(`${verb} ${this.#hello}`, { kind: 'hello', verb });
  }

  #onHello(reply: Reply, verb: 'EHLO' | 'HELO' | 'LHLO'): void {
    if (reply.code === 250) {
      this.#esmtp = verb !== 'HELO';
      this.#capabilities = verb === 'HELO' ? NO_CAPABILITIES : parseCapabilities(reply);
      this.#afterHello();
      return;
    }
    if (verb === 'EHLO' && (reply.code === 500 || reply.code === 502)) {
      this.#sendHello('HELO');
      return;
    }
    this.#fatal(errorOf(reply, `${verb} ${this.#hello}`, verb === 'HELO' ? 'helo' : 'ehlo'));
  }

  #afterHello(): void {
    const wantsTls = this.#tls === 'starttls' || this.#tls === 'opportunistic';
    if (wantsTls && !this.#secure) {
      if (this.#capabilities.startTls) {
        this.#phase = 'starttls';
        this.#writeCommand('STARTTLS', { kind: 'starttls' });
        return;
      }
      if (this.#tls === 'starttls') {
        this.#quitWith(
          new CapabilityError('STARTTLS', 'the server does not offer STARTTLS and TLS is required', 'ehlo'),
        );
        return;
      }
    }
    this.#authenticateOrReady();
  }

  #onStartTls(reply: Reply): void {
    if (reply.code === 220) {
      this.#phase = 'tls-handshake';
      this.#events.push({ type: 'start-tls' });
      return;
    }
    if (this.#tls === 'opportunistic') {
      this.#authenticateOrReady();
      return;
    }
    this.#quitWith(errorOf(reply, 'STARTTLS', 'starttls'));
  }

  #authenticateOrReady(): void {
    const credentials = this.#options.auth;
    if (credentials === undefined || this.#authenticated) {
      this.#becomeReady();
      return;
    }
    if (!this.#secure && this.#options.allowInsecureAuth !== true) {
      this.#quitWith(
        new CapabilityError(
          'ENCRYPTION',
          'refusing to send credentials over a connection without TLS (use STARTTLS or implicit TLS, or allow insecure auth)',
          'auth',
        ),
      );
      return;
    }
    let exchange: ReturnType<typeof startExchange>;
    try {
      exchange = startExchange(
        chooseMechanism(this.#capabilities.auth, credentials),
        credentials,
        this.#secrets,
      );
    } catch (error) {
      this.#quitWith(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#phase = 'auth';
    this.#writeSasl(exchange.command, { kind: 'auth', exchange });
  }

  #onAuth(reply: Reply, pending: Extract<Pending, { kind: 'auth' }>): void {
    const { exchange } = pending;
    if (reply.code === 235) {
      this.#authenticated = true;
      this.#becomeReady();
      return;
    }
    if (reply.code === 334) {
      const challenge = (reply.lines[0] ?? '').trim();
      const answer = exchange.respond(challenge);
      if (answer instanceof ProtocolError) {
        this.#fatal(answer);
        return;
      }
      this.#writeSasl(answer, pending);
      return;
    }
    this.#quitWith(errorOf(reply, `AUTH ${exchange.mechanism}`, 'auth'));
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions

  /** Writes the envelope commands that may go now: all at once under PIPELINING, else one per reply. */
  #advanceEnvelope(tx: Transaction): void {
    const { plan } = tx;
    if (!tx.mailSent) {
      tx.mailSent = true;
      this.#writeTx(tx, plan.mailLine, { kind: 'mail', command: plan.mailLine });
      if (!tx.pipelining) return;
    }
    while (tx.rcptSent < plan.recipients.length) {
      if (!tx.pipelining && tx.outstanding > 0) return;
      const index = tx.rcptSent++;
      const line = (plan.recipients[index] as { line: string }).line;
      this.#writeTx(tx, line, { kind: 'rcpt', index, command: line });
      if (!tx.pipelining) return;
    }
    if (tx.bodyCommandSent) return;
    // DATA/BDAT goes with the envelope only under PIPELINING when one accepted recipient is
    // enough; otherwise the RCPT replies decide first.
    const repliesIn = tx.outstanding === 0;
    if (!repliesIn && !(tx.pipelining && tx.partial === 'any')) return;
    if (repliesIn) {
      const verdict = this.#envelopeVerdict(tx);
      if (verdict !== undefined) {
        this.#failTransaction(tx, verdict);
        return;
      }
    }
    tx.bodyCommandSent = true;
    if (plan.transfer === 'DATA') {
      this.#writeTx(tx, 'DATA', { kind: 'data' });
      return;
    }
    this.#openBody(tx);
  }

  /** Why the envelope's replies make the transaction fail, or undefined when it may go on. */
  #envelopeVerdict(tx: Transaction): SmtpError | undefined {
    if (tx.mailError !== undefined) return tx.mailError;
    const total = tx.results.length;
    const refused = tx.rcptReplies - tx.accepted;
    if (tx.accepted === 0 || (tx.partial === 'all' && refused > 0)) {
      const first = tx.results.find(
        (r): r is Extract<RecipientResult, { accepted: false }> => r?.accepted === false,
      );
      if (first === undefined) return undefined;
      const message =
        tx.accepted === 0
          ? `every recipient was refused (${total}); first: ${first.error.message}`
          : `${refused} of ${total} recipients refused and every one is required; first: ${first.error.message}`;
      return new RecipientsRefusedError(first.error, tx.results as RecipientResult[], message);
    }
    return undefined;
  }

  #onMail(reply: Reply, command: string): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    if (!isPositiveCompletion(reply)) tx.mailError = errorOf(reply, command, 'mail');
    this.#afterEnvelopeReply(tx);
  }

  #onRcpt(reply: Reply, index: number, command: string): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    tx.rcptReplies++;
    const address = (tx.plan.recipients[index] as { address: string }).address;
    if (isPositiveCompletion(reply)) {
      tx.accepted++;
      tx.results[index] = { address, accepted: true, reply };
    } else {
      tx.results[index] = { address, accepted: false, error: errorOf(reply, command, 'rcpt') };
    }
    this.#afterEnvelopeReply(tx);
  }

  #afterEnvelopeReply(tx: Transaction): void {
    if (tx.failure !== undefined) {
      this.#finishFailure(tx);
      return;
    }
    if (tx.mailError !== undefined && !tx.pipelining) {
      this.#failTransaction(tx, tx.mailError);
      return;
    }
    if (
      tx.stage === 'body' &&
      tx.rcptReplies === tx.results.length &&
      tx.outstanding === tx.bdatOutstanding
    ) {
      // BDAT went with the envelope: once every RCPT reply is in, stop if none was accepted,
      // else let the chunks that waited for this verdict go.
      const verdict = this.#envelopeVerdict(tx);
      if (verdict !== undefined) this.#failTransaction(tx, verdict);
      else {
        this.#sendBdatChunks(tx);
        this.#offerBody(tx);
      }
      return;
    }
    if (tx.stage === 'envelope') this.#advanceEnvelope(tx);
  }

  #onData(reply: Reply): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    const verdict = this.#envelopeVerdict(tx);
    if (reply.code === 354) {
      if (verdict !== undefined) {
        // Pipelined DATA accepted although the transaction failed: end it with an empty body.
        tx.failure = verdict;
        tx.outstanding++;
        this.#writeText(`.${CRLF}`);
        this.#trace?.commandTemplate('.');
        this.#pending.push({ kind: 'abandoned-data' });
        return;
      }
      this.#openBody(tx);
      return;
    }
    this.#failTransaction(tx, verdict ?? errorOf(reply, 'DATA', 'data'));
  }

  #onAbandonedData(): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    this.#finishFailure(tx);
  }

  #openBody(tx: Transaction): void {
    tx.stage = 'body';
    if (tx.plan.transfer === 'DATA') {
      tx.encoder = new DotEncoder({ bareLineEndings: this.#options.bareLineEndings ?? 'normalize' });
    } else {
      tx.chunker = new BdatChunker(this.#options.bdatChunkSize ?? DEFAULT_BDAT_CHUNK);
      if (tx.plan.allowedBody !== 'BINARYMIME') tx.normalizer = new CrlfNormalizer();
    }
    this.#offerBody(tx);
  }

  /** Tells the driver, once, that the core takes body octets now. */
  #offerBody(tx: Transaction): void {
    if (tx.bodyOffered || !this.bodyWanted) return;
    tx.bodyOffered = true;
    this.#events.push({ type: 'body-wanted' });
  }

  /**
   * Whether the next BDAT chunk may go now. Without PIPELINING each waits for the previous reply.
   * Under PIPELINING the first goes with the envelope and the rest wait for the envelope's
   * replies, so a refused transaction costs one chunk, not the whole message.
   */
  #bdatMaySend(tx: Transaction): boolean {
    if (!tx.pipelining) return tx.bdatOutstanding === 0;
    return tx.bdatSent === 0 || tx.outstanding === tx.bdatOutstanding;
  }

  /** Checks streamed octets against the declared body type; a mismatch ends the session. */
  #checkBody(tx: Transaction, chunk: Uint8Array): boolean {
    if (!tx.verifyBody) return true;
    const needed = tx.scanner.scan(chunk);
    if (bodyTypeCovers(tx.plan.allowedBody, needed)) return true;
    const requirement = needed === 'BINARYMIME' ? 'BINARYMIME' : '8BITMIME';
    const what = needed === 'BINARYMIME' ? 'NUL octets' : '8-bit octets';
    // Part of the message is on the wire already; only closing the connection keeps the server
    // from delivering it cut short.
    this.#fatal(
      new CapabilityError(
        requirement,
        `the message has ${what} and was sent as ${tx.plan.allowedBody} (the server does not offer ${requirement}); declare bodyType to have it checked before sending`,
        tx.plan.transfer === 'BDAT' ? 'bdat' : 'message',
      ),
    );
    return false;
  }

  #bodyPieces(tx: Transaction, pieces: readonly Uint8Array[]): void {
    this.#flushText();
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      this.#output.push(piece);
      tx.wireOctets += piece.length;
      this.#trace?.body(piece);
    }
  }

  #sendBdatChunks(tx: Transaction): void {
    while (tx.bdatQueue.length > 0 && tx.failure === undefined && this.#bdatMaySend(tx)) {
      const chunk = tx.bdatQueue.shift() as BdatChunk;
      tx.bdatSent++;
      const line = chunk.last ? `BDAT ${chunk.size} LAST` : `BDAT ${chunk.size}`;
      this.#writeText(line + CRLF);
      this.#trace?.bdatChunk(line, chunk.data);
      if (chunk.size > 0) {
        this.#flushText();
        this.#output.push(chunk.data);
      }
      tx.wireOctets += chunk.size;
      tx.outstanding++;
      tx.bdatOutstanding++;
      this.#pending.push({ kind: 'bdat', command: line, last: chunk.last });
      if (chunk.last) {
        tx.stage = 'final';
        return;
      }
    }
  }

  #onBdat(reply: Reply, command: string, last: boolean): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    tx.bdatOutstanding--;
    if (tx.failure !== undefined) {
      this.#finishFailure(tx);
      return;
    }
    if (last && this.#options.lmtp === true && this.#envelopeVerdict(tx) === undefined) {
      // LMTP (RFC 2033 §4.2): after the last chunk, one reply per accepted recipient. This is
      // the first; the others are now due, ahead of anything sent later.
      const accepted = tx.results.flatMap((result, index) => (result?.accepted === true ? [index] : []));
      const rest: Pending[] = accepted.slice(1).map((recipient) => ({ kind: 'message', recipient }));
      this.#pending.unshift(...rest);
      tx.outstanding += rest.length + 1;
      this.#onMessage(reply, accepted[0]);
      return;
    }
    if (!isPositiveCompletion(reply)) {
      this.#failTransaction(
        tx,
        this.#envelopeVerdict(tx) ?? errorOf(reply, command, last ? 'message' : 'bdat'),
      );
      return;
    }
    if (last) {
      this.#messageAccepted(tx, reply);
      return;
    }
    this.#sendBdatChunks(tx);
    this.#offerBody(tx);
  }

  /** After the body: one reply (SMTP), or one per accepted recipient (LMTP, RFC 2033 §4.2). */
  #expectMessageReplies(tx: Transaction): void {
    if (this.#options.lmtp !== true) {
      tx.outstanding++;
      this.#pending.push({ kind: 'message' });
      return;
    }
    tx.results.forEach((result, index) => {
      if (result?.accepted !== true) return;
      tx.outstanding++;
      this.#pending.push({ kind: 'message', recipient: index });
    });
  }

  #onMessage(reply: Reply, recipient: number | undefined): void {
    const tx = this.#tx as Transaction;
    tx.outstanding--;
    if (recipient === undefined) {
      if (isPositiveCompletion(reply)) this.#messageAccepted(tx, reply);
      else this.#endTransaction(tx, { type: 'refused', error: errorOf(reply, '.', 'message') });
      return;
    }
    const address = (tx.plan.recipients[recipient] as { address: string }).address;
    tx.results[recipient] = isPositiveCompletion(reply)
      ? { address, accepted: true, reply }
      : { address, accepted: false, error: errorOf(reply, '.', 'message') };
    tx.finalReply = reply;
    if (tx.outstanding > 0) return;
    const results = tx.results as RecipientResult[];
    if (results.some((result) => result.accepted)) {
      this.#messageAccepted(tx, reply);
      return;
    }
    const first = results.find((r): r is Extract<RecipientResult, { accepted: false }> => !r.accepted);
    const error = first?.error ?? errorOf(reply, '.', 'message');
    this.#endTransaction(tx, {
      type: 'refused',
      error: new RecipientsRefusedError(
        error,
        results,
        `every recipient refused the message; first: ${error.message}`,
      ),
    });
  }

  #messageAccepted(tx: Transaction, reply: Reply): void {
    const recipients = tx.results as RecipientResult[];
    const result: SendResult = {
      accepted: recipients.filter((r) => r.accepted).map((r) => r.address),
      rejected: recipients.flatMap((r) => (r.accepted ? [] : [{ address: r.address, error: r.error }])),
      recipients,
      reply,
      wireOctets: tx.wireOctets,
      transfer: tx.plan.transfer,
    };
    this.#endTransaction(tx, { type: 'sent', result });
  }

  #endTransaction(tx: Transaction, event: CoreEvent): void {
    if (this.#tx === tx) this.#tx = undefined;
    this.#events.push(event);
    this.#becomeReady();
  }

  /** The transaction will fail: once no reply is due, RSET, then report. */
  #failTransaction(tx: Transaction, error: SmtpError): void {
    if (tx.failure === undefined) tx.failure = error;
    this.#finishFailure(tx);
  }

  #finishFailure(tx: Transaction): void {
    if (tx.outstanding > 0 || tx.failure === undefined) return;
    this.#tx = undefined;
    this.#phase = 'rset';
    this.#writeCommand('RSET', { kind: 'rset', failure: tx.failure });
  }

  #onRset(reply: Reply, failure: SmtpError | undefined): void {
    if (!isPositiveCompletion(reply)) {
      this.#quitWith(errorOf(reply, 'RSET', 'rset'));
      return;
    }
    if (failure !== undefined) this.#events.push({ type: 'refused', error: failure });
    this.#becomeReady();
  }

  // ---------------------------------------------------------------------------------------------
  // Output and state

  #becomeReady(): void {
    this.#phase = 'ready';
    this.#events.push({ type: 'ready', capabilities: this.#capabilities });
  }

  #requireReady(what: string): void {
    if (this.#phase !== 'ready')
      throw new Error(`cannot ${what} now: the session is in phase ${this.#phase}`);
  }

  #writeText(text: string): void {
    this.#text += text;
  }

  #flushText(): void {
    if (this.#text === '') return;
    this.#output.push(utf8(this.#text));
    this.#text = '';
  }

  #writeCommand(line: string, pending: Pending): void {
    this.#text += line + CRLF;
    this.#trace?.command(line);
    this.#pending.push(pending);
  }

  #writeTx(tx: Transaction, line: string, pending: Pending): void {
    tx.outstanding++;
    this.#writeCommand(line, pending);
  }

  #writeSasl(line: SaslLine, pending: Pending): void {
    this.#text += line.line + CRLF;
    if (line.note !== undefined) this.#trace?.comment(line.note);
    this.#trace?.commandTemplate(line.trace);
    this.#pending.push(pending);
  }

  /** Ends the session with QUIT and reports `error` once the server has answered. */
  #quitWith(error: Error): void {
    this.#tx = undefined;
    this.#phase = 'quit';
    this.#pending.length = 0;
    this.#writeCommand('QUIT', { kind: 'quit', failure: error });
  }

  #injection(): void {
    this.#fatal(
      new ProtocolError(
        'starttls-injection',
        'the server sent data after its 220 reply to STARTTLS and before the TLS handshake (possible command injection, CVE-2011-1430); connection closed',
        'starttls',
      ),
    );
  }

  #closedWhere(): string {
    const head = this.#pending[0];
    if (head !== undefined) return `while waiting for the reply to ${describePending(head)}`;
    if (this.#tx?.stage === 'body') return 'while the message was being sent';
    return this.#phase === 'ready' ? 'while idle' : `in phase ${this.#phase}`;
  }

  #close(): void {
    this.#phase = 'closed';
    this.#pending.length = 0;
    this.#tx = undefined;
    this.#events.push({ type: 'closed' });
  }

  #fatal(error: Error): void {
    this.#phase = 'failed';
    this.#pending.length = 0;
    this.#tx = undefined;
    this.#events.push({ type: 'fatal', error });
  }
}

function phaseOf(pending: Pending): SmtpPhase {
  switch (pending.kind) {
    case 'greeting':
      return 'greeting';
    case 'hello':
      return pending.verb === 'HELO' ? 'helo' : 'ehlo';
    case 'starttls':
      return 'starttls';
    case 'auth':
      return 'auth';
    case 'mail':
      return 'mail';
    case 'rcpt':
      return 'rcpt';
    case 'data':
      return 'data';
    case 'bdat':
      return pending.last ? 'message' : 'bdat';
    case 'message':
    case 'abandoned-data':
      return 'message';
    case 'rset':
      return 'rset';
    case 'command':
      return pending.phase;
    case 'quit':
      return 'quit';
  }
}

function commandOf(pending: Pending): string {
  switch (pending.kind) {
    case 'mail':
    case 'rcpt':
    case 'bdat':
    case 'command':
      return pending.command;
    case 'hello':
      return pending.verb;
    case 'auth':
      return `AUTH ${pending.exchange.mechanism}`;
    case 'data':
      return 'DATA';
    case 'message':
    case 'abandoned-data':
      return '.';
    case 'starttls':
      return 'STARTTLS';
    case 'rset':
      return 'RSET';
    case 'quit':
      return 'QUIT';
    case 'greeting':
      return '';
  }
}

function describePending(pending: Pending): string {
  if (pending.kind === 'greeting') return 'the greeting';
  if (pending.kind === 'message') return 'the message';
  const command = commandOf(pending);
  return command === '' ? pending.kind : command.split(' ').slice(0, 2).join(' ');
}
