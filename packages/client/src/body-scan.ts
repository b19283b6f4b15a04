import { isAscii } from 'node:buffer';
import type { BodyType } from '@smtp/codec';

/**
 * Watches a message as it streams and remembers which body type it needs: any octet above 127
 * needs 8BITMIME; a NUL needs BINARYMIME (RFC 6152 allows neither NUL nor bare CR/LF in 8-bit
 * text; bare line ends are normalised to CRLF by the client, so they need nothing).
 */
export class BodyScanner {
  #type: BodyType = '7BIT';

  /** The least body type the octets seen so far need. */
  get type(): BodyType {
    return this.#type;
  }

  /** Looks at one chunk; returns the body type needed so far. */
  scan(chunk: Uint8Array): BodyType {
    if (this.#type === 'BINARYMIME' || chunk.length === 0) return this.#type;
    if (isAscii(chunk)) {
      if (chunk.indexOf(0) !== -1) this.#type = 'BINARYMIME';
      return this.#type;
    }
    this.#type = chunk.indexOf(0) === -1 ? '8BITMIME' : 'BINARYMIME';
    return this.#type;
  }
}

const RANK: Readonly<Record<BodyType, number>> = { '7BIT': 0, '8BITMIME': 1, BINARYMIME: 2 };

/** True when a message declared as `declared` may carry octets that need `needed`. */
export function bodyTypeCovers(declared: BodyType, needed: BodyType): boolean {
  return RANK[declared] >= RANK[needed];
}

/** The body type of a whole message held in memory. */
export function bodyTypeOf(body: Uint8Array): BodyType {
  return new BodyScanner().scan(body);
}
