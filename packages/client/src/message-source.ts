import type { BodyType } from '@smtp/codec';
import { bodyTypeOf } from './body-scan.js';

/**
 * A message (RFC 5322 octets, header and body): in memory as bytes or a string (sent as
 * UTF-8), or streamed from a Node `Readable` or any `AsyncIterable` of byte chunks (strings
 * from a Readable with an encoding are accepted too).
 */
export type MessageInput = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/** A message ready to send: whole in memory, or a stream read once. */
export type MessageSource =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly size: number; readonly bodyType: BodyType }
  | { readonly kind: 'stream'; readonly chunks: AsyncIterable<Uint8Array | string> };

const encoder = new TextEncoder();

/** Turns what the caller gave into a {@link MessageSource}; in-memory bodies are scanned once here. */
export function toMessageSource(input: MessageInput): MessageSource {
  if (typeof input === 'string') return fromBytes(encoder.encode(input));
  if (input instanceof Uint8Array) return fromBytes(input);
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) {
    return { kind: 'stream', chunks: input };
  }
  throw new TypeError(
    'a message must be a Uint8Array, a string, a Readable or an AsyncIterable of Uint8Array',
  );
}

function fromBytes(bytes: Uint8Array): MessageSource {
  return { kind: 'bytes', bytes, size: bytes.length, bodyType: bodyTypeOf(bytes) };
}

/** A chunk from a stream as bytes. */
export function chunkBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}
