import { concatBytes } from '@smtp/codec';

/** One BDAT chunk: its size, whether it ends the message, and its octets. */
export interface BdatChunk {
  readonly size: number;
  readonly last: boolean;
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Cuts a streamed message into BDAT chunks of `chunkSize` octets. It always holds back what it
 * has until more than a chunk is there, so that the final chunk — the one with `LAST` — is
 * never empty unless the whole message is (a stream's end is known only after its last piece).
 * Memory: at most one chunk plus the piece being added.
 */
export class BdatChunker {
  readonly #chunkSize: number;
  #held: Uint8Array[] = [];
  #heldLength = 0;

  constructor(chunkSize: number) {
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
      throw new RangeError(`BDAT chunk size must be a whole number of at least 1, got ${chunkSize}`);
    }
    this.#chunkSize = chunkSize;
  }

  /** Adds pieces of the message; returns the chunks that are complete (never the last one). */
  push(pieces: readonly Uint8Array[]): BdatChunk[] {
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      this.#held.push(piece);
      this.#heldLength += piece.length;
    }
    if (this.#heldLength <= this.#chunkSize) return [];
    const all = concatBytes(this.#held);
    const chunks: BdatChunk[] = [];
    let at = 0;
    while (all.length - at > this.#chunkSize) {
      chunks.push({ size: this.#chunkSize, last: false, data: all.subarray(at, at + this.#chunkSize) });
      at += this.#chunkSize;
    }
    // Views into the caller's chunks are kept, not copied: like a socket write, the client
    // relies on a message's chunks not being modified once handed over.
    const rest = all.subarray(at);
    this.#held = rest.length === 0 ? [] : [rest];
    this.#heldLength = rest.length;
    return chunks;
  }

  /** Ends the message: the final chunk with everything held (empty for an empty message). */
  end(tail: readonly Uint8Array[] = []): BdatChunk {
    const data = concatBytes([...this.#held, ...tail.filter((piece) => piece.length > 0)]);
    this.#held = [];
    this.#heldLength = 0;
    const bytes = data.length === 0 ? EMPTY : data;
    return { size: bytes.length, last: true, data: bytes };
  }
}
