import { concatBytes, type Reply } from '@smtp/codec';
import { escapeClientBytes, escapeClientText, escapeReplyText } from './trace-escape.js';

/**
 * How a reply goes into a transcript:
 * - `exact`: every line as received, so a replay checks the text too;
 * - `volatile`: code, separator and enhanced code kept, the free text written as `*` (greetings,
 *   queue ids, CRAM-MD5 challenges: text that changes between runs);
 * - `hello`: an EHLO/LHLO reply line by line, its first line (the server's name and greeting)
 *   as `*`, the extension lines exactly.
 */
export type ReplyTraceStyle = 'exact' | 'volatile' | 'hello';

/**
 * Writes a session as `.smtp` transcript lines (spec/transcript-format.md) as it happens: `C:`
 * for what the client sends (DATA bodies exactly as on the wire, already dot-stuffed; BDAT
 * octets as `C:` lines plus a final `C!` for a chunk that does not end with CRLF) and `S:` for
 * each reply. Each call of the sink gets one line without its line end.
 */
export class TraceWriter {
  readonly #sink: (line: string) => void;
  /** The start of a DATA body line whose CRLF has not been written yet. */
  #bodyPartial: Uint8Array[] = [];

  constructor(sink: (line: string) => void) {
    this.#sink = sink;
  }

  /** A `# comment` line. */
  comment(text: string): void {
    this.#sink(`# ${text.replace(/[\r\n]+/g, ' ')}`);
  }

  /** A directive line such as `@connect 127.0.0.1:25`. */
  directive(text: string): void {
    this.#sink(`@${text}`);
  }

  /** A command line sent as is. */
  command(line: string): void {
    this.#sink(line === '' ? 'C:' : `C: ${escapeClientText(line)}`);
  }

  /**
   * A command line whose transcript text is given already in transcript syntax, e.g. with
   * `{{base64:…}}` and `{{env:…}}` standing for credentials.
   */
  commandTemplate(text: string): void {
    this.#sink(text === '' ? 'C:' : `C: ${text}`);
  }

  /** Octets of a DATA body as written on the wire (dot-stuffed, terminator included). */
  body(wire: Uint8Array): void {
    let data = wire;
    if (this.#bodyPartial.length > 0) {
      this.#bodyPartial.push(wire);
      data = concatBytes(this.#bodyPartial);
      this.#bodyPartial = [];
    }
    let start = 0;
    for (;;) {
      const cr = indexOfCrlf(data, start);
      if (cr === -1) break;
      this.#clientLine(data.subarray(start, cr));
      start = cr + 2;
    }
    if (start < data.length) this.#bodyPartial.push(data.slice(start));
  }

  /** Writes out what is left of a body that did not end with CRLF (a `C!` line). */
  endBody(): void {
    if (this.#bodyPartial.length === 0) return;
    const rest = concatBytes(this.#bodyPartial);
    this.#bodyPartial = [];
    this.#sink(`C! ${escapeClientBytes(rest)}`);
  }

  /** A `BDAT` command line and the octets of its chunk. */
  bdatChunk(commandLine: string, data: Uint8Array): void {
    this.command(commandLine);
    let start = 0;
    for (;;) {
      const cr = indexOfCrlf(data, start);
      if (cr === -1) break;
      this.#clientLine(data.subarray(start, cr));
      start = cr + 2;
    }
    if (start < data.length) this.#sink(`C! ${escapeClientBytes(data.subarray(start))}`);
  }

  /** One reply from the server. */
  reply(reply: Reply, style: ReplyTraceStyle): void {
    const { code, lines } = reply;
    if (style === 'volatile') {
      this.#sink(`S: ${code} ${reply.enhanced === undefined ? '' : `${reply.enhanced} `}*`);
      return;
    }
    if (lines.length === 1 && (style === 'hello' || lines[0] === '')) {
      this.#sink(style === 'hello' ? `S: ${code} *` : `S: ${code}`);
      return;
    }
    const last = lines.length - 1;
    lines.forEach((text, index) => {
      const separator = index === last ? ' ' : '-';
      if (style === 'hello' && index === 0) this.#sink(`S: ${code}-*`);
      else if (text === '' && index === last) this.#sink(`S: ${code}`);
      else this.#sink(`S: ${code}${separator}${escapeReplyText(text)}`);
    });
  }

  #clientLine(bytes: Uint8Array): void {
    this.#sink(bytes.length === 0 ? 'C:' : `C: ${escapeClientBytes(bytes)}`);
  }
}

function indexOfCrlf(data: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    const cr = data.indexOf(0x0d, at);
    if (cr === -1 || cr + 1 >= data.length) return -1;
    if (data[cr + 1] === 0x0a) return cr;
    at = cr + 1;
  }
}

/** Escapes text for use inside `{{base64:…}}`, where `}` would end the variable. */
export function escapeInsideVariable(text: string): string {
  return escapeClientText(text).replace(/\}/g, '\\x7d');
}
