/**
 * @smtp/server: an SMTP and LMTP server for Node around the sans-IO `@smtp/session` — TCP,
 * STARTTLS and implicit TLS, timeouts, connection limits, backpressure, PROXY protocol v1/v2,
 * graceful shutdown, hooks, and message stores (memory, Maildir, your own).
 *
 * @packageDocumentation
 */
export * from './auth.js';
export * from './certificates.js';
export * from './hooks.js';
export * from './options.js';
export * from './proxy-protocol.js';
export * from './queue-id.js';
export * from './session-info.js';
export * from './smtp-server.js';
export * from './stores/hook-store.js';
export * from './stores/maildir-store.js';
export * from './stores/memory-store.js';
export * from './stores/message-store.js';
