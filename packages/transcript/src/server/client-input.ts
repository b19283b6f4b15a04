/**
 * The bytes a client under test has sent and the script has not read yet. The script reads
 * them either as lines (commands, DATA text) or as counted octets (a BDAT chunk), and decides
 * which after each read, so this is a plain queue rather than a line framer.
 */
import { CR, concatBytes, LF } from '@smtp/codec';

/** One line the client sent, without its line end. */
export interface ClientLine {
  readonly bytes: Uint8Array;
  /** The line ended with a bare LF instead of CRLF. */
  readonly bareLf: boolean;
}

/** What {@link ClientInput.takeLine} found. */
export type LineRead =
  | { readonly kind: 'line'; readonly line: ClientLine }
  /** No complete line yet. */
  | { readonly kind: 'partial' }
  /** More than the limit without a line end: the caller gives up on this client. */
  | { readonly kind: 'too-long'; readonly length: number };

/** Pending client bytes with line and octet reads. Memory is bounded by the caller's limits. */
export class ClientInput {
  #chunks: Uint8Array[] = [];
  #length = 0;

  /** Octets not read yet. */
  get length(): number {
    return this.#length;
  }

  /** Queues bytes as they arrive. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  /** Takes the next line (up to LF); a line longer than `maxLength` octets is an error. */
  takeLine(maxLength: number): LineRead {
    const all = this.#flatten();
    const lf = all.indexOf(LF);
    if (lf < 0) {
      return all.length > maxLength ? { kind: 'too-long', length: all.length } : { kind: 'partial' };
    }
    if (lf + 1 > maxLength) return { kind: 'too-long', length: lf + 1 };
    const crlf = lf > 0 && all[lf - 1] === CR;
    const bytes = all.slice(0, crlf ? lf - 1 : lf);
    this.#drop(all, lf + 1);
    return { kind: 'line', line: { bytes, bareLf: !crlf } };
  }

  /** Takes up to `count` octets (fewer when fewer have arrived). */
  take(count: number): Uint8Array {
    const all = this.#flatten();
    const taken = all.slice(0, Math.min(count, all.length));
    this.#drop(all, taken.length);
    return taken;
  }

  /** Takes everything (what a client sent where nothing more was expected). */
  takeAll(): Uint8Array {
    return this.take(this.#length);
  }

  #flatten(): Uint8Array {
    if (this.#chunks.length > 1) this.#chunks = [concatBytes(this.#chunks)];
    return this.#chunks[0] ?? new Uint8Array(0);
  }

  #drop(all: Uint8Array, count: number): void {
    const rest = all.subarray(count);
    this.#chunks = rest.length === 0 ? [] : [rest];
    this.#length = rest.length;
  }
}
