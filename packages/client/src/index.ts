/**
 * @smtp/client: a fast, safe SMTP/LMTP client. A sans-IO core ({@link ClientCore}) decides
 * what to send from the server's capabilities and replies; {@link SmtpConnection},
 * {@link SmtpPool} and {@link sendMail} run it over Node sockets (plain, implicit TLS,
 * STARTTLS).
 *
 * @packageDocumentation
 */
export { SmtpError } from '@smtp/codec';
export { BodyScanner, bodyTypeCovers, bodyTypeOf } from './body-scan.js';
export { type ConnectionOptions, SmtpConnection, type TraceOptions } from './connection.js';
export { ClientCore } from './core.js';
export type {
  ClientCoreOptions,
  CoreEvent,
  CorePhase,
  TlsMode,
  TransactionRequest,
  Waiting,
} from './core-types.js';
export {
  type DsnOptions,
  type Envelope,
  InvalidAddressError,
  type Recipient,
  type TransactionOptions,
} from './envelope.js';
export {
  CapabilityError,
  ConnectionError,
  type ConnectionFailure,
  MessageReadError,
  MessageTooLargeError,
  ProtocolError,
  type ProtocolViolation,
  RecipientsRefusedError,
  type Requirement,
  SmtpClientError,
  TimeoutError,
  type TimeoutKind,
  TlsError,
} from './errors.js';
export type { MessageInput } from './message-source.js';
export { type PoolOptions, SmtpPool } from './pool.js';
export type { RecipientResult, SendResult } from './result.js';
export type {
  Credentials,
  PasswordCredentials,
  PasswordMechanism,
  SaslMechanismName,
  TokenCredentials,
  TokenMechanism,
  TraceSecretNames,
} from './sasl-client.js';
export { sendMail } from './send-mail.js';
export { DEFAULT_TIMEOUTS, type Timeouts } from './timeouts.js';
export { type ReplyTraceStyle, TraceWriter } from './trace-writer.js';
