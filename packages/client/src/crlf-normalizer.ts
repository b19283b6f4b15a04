import { CR, CRLF, LF } from '@smtp/codec';

const LF_ONLY = Uint8Array.of(LF);

/**
 * Makes every line end of a streamed message CRLF, for BDAT, which sends octets as they are
 * (the DATA path gets the same from the codec's DotEncoder): a bare LF or bare CR becomes CRLF,
 * and {@link CrlfNormalizer.end} adds a CRLF when the message does not end with one — so a
 * message is delivered with the same octets whichever way it was sent. Output pieces are views
 * into the input plus shared constants.
 */
export class CrlfNormalizer {
  /** The last octet written was a CR whose LF has not been seen yet. */
  #afterCr = false;
  /** The last octet written ended a line (or nothing was written yet). */
  #atLineStart = true;
  #empty = true;

  /** Normalises one chunk; keeps no reference to it. */
  push(chunk: Uint8Array): Uint8Array[] {
    const length = chunk.length;
    if (length === 0) return [];
    this.#empty = false;
    const out: Uint8Array[] = [];
    let from = 0;
    let at = 0;
    if (this.#afterCr) {
      if (chunk[0] === LF) at = 1;
      else out.push(LF_ONLY);
      this.#afterCr = false;
    }
    let nextCr = chunk.indexOf(CR, at);
    let nextLf = chunk.indexOf(LF, at);
    while (nextCr !== -1 || nextLf !== -1) {
      if (nextLf !== -1 && (nextCr === -1 || nextLf < nextCr)) {
        // A LF reached before any CR: bare (a CR right before it would have been found first).
        if (nextLf > from) out.push(chunk.subarray(from, nextLf));
        out.push(CRLF);
        from = nextLf + 1;
        nextLf = chunk.indexOf(LF, from);
        continue;
      }
      const cr = nextCr;
      if (cr === length - 1) {
        this.#afterCr = true;
        break;
      }
      if (chunk[cr + 1] === LF) {
        nextCr = chunk.indexOf(CR, cr + 2);
        nextLf = chunk.indexOf(LF, cr + 2);
        continue;
      }
      if (cr > from) out.push(chunk.subarray(from, cr));
      out.push(CRLF);
      from = cr + 1;
      nextCr = chunk.indexOf(CR, from);
    }
    if (from < length) out.push(chunk.subarray(from));
    this.#atLineStart = chunk[length - 1] === LF;
    return out;
  }

  /** What ends the message: LF after a trailing CR, CRLF after an unfinished line, else nothing. */
  end(): Uint8Array {
    if (this.#afterCr) {
      this.#afterCr = false;
      return LF_ONLY;
    }
    return this.#empty || this.#atLineStart ? new Uint8Array(0) : CRLF;
  }
}
