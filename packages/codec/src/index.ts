/**
 * @smtp/codec: SMTP bytes to values and back. Pure functions and small streaming state
 * machines over `Uint8Array`; no I/O, no Node built-ins, no dependencies.
 *
 * @packageDocumentation
 */

export * from './address.js';
export * from './base64.js';
export * from './bdat.js';
export * from './bytes.js';
export * from './capabilities.js';
export * from './command.js';
export * from './command-format.js';
export * from './command-parser.js';
export * from './dot-decoder.js';
export * from './dot-encoder.js';
export * from './enhanced-codes.js';
export * from './errors.js';
export { type LineEndScanner, SCAN_BARE, SCAN_EVERY_LF } from './line-end-scan.js';
export { IndexOfScanner } from './line-end-scan-indexof.js';
export { defaultLineEndScanner } from './line-end-scanner.js';
export * from './line-framer.js';
export * from './params.js';
export * from './reply.js';
export * from './reply-codes.js';
export * from './reply-format.js';
export * from './reply-parser.js';
export * from './sasl.js';
export * from './xtext.js';
