/**
 * What a well-formed SMTP reply is (RFC 5321 §4.2): one or more lines ending in CRLF, each a
 * three-digit code (2-5, 0-5, 0-9), then `-` on every line but the last and a space (or nothing)
 * on the last, the same code on every line, printable text without CR, LF or NUL, and at most
 * 512 octets per line with its CRLF (§4.5.3.1.5).
 */

const LINE = /^([2-5][0-5][0-9])([- ]?)([^\r\n\0]*)$/;
const MAX_LINE = 512;

/** A reply as read from the wire. */
export interface ParsedReply {
  readonly code: number;
  /** The enhanced status code of the first line, when there is one. */
  readonly enhanced: string | undefined;
  /** The text of every line after `CODE-`/`CODE `. */
  readonly lines: readonly string[];
  /** The reply's octets as received (latin1), CRLFs included. */
  readonly raw: string;
}

/** Why `raw` is not exactly one well-formed reply, or undefined when it is. */
export function replyProblem(raw: string): string | undefined {
  if (!raw.endsWith('\r\n')) return `does not end in CRLF: ${JSON.stringify(raw.slice(-20))}`;
  const lines = raw.slice(0, -2).split('\r\n');
  let code: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (line.length + 2 > MAX_LINE) return `line ${index + 1} is ${line.length + 2} octets long`;
    const match = LINE.exec(line);
    if (match === null) return `malformed line ${JSON.stringify(line.slice(0, 80))}`;
    const [, lineCode, separator] = match;
    if (code !== undefined && lineCode !== code) return `codes differ: ${code} and ${lineCode}`;
    code = lineCode;
    const last = index === lines.length - 1;
    if (last && separator === '-') return 'the last line continues with "-"';
    if (!last && separator !== '-') return `line ${index + 1} ends the reply before the last line`;
  }
  return undefined;
}

/**
 * Takes one complete reply off the front of `buffer` (latin1 text), or returns undefined when the
 * reply is not complete yet. Throws when what came is not a well-formed reply.
 */
export function takeReply(buffer: string): { reply: ParsedReply; rest: string } | undefined {
  let offset = 0;
  for (;;) {
    const end = buffer.indexOf('\r\n', offset);
    if (end === -1) {
      if (buffer.length - offset > MAX_LINE) throw new Error(`reply line longer than ${MAX_LINE} octets`);
      return undefined;
    }
    const separator = buffer[offset + 3];
    offset = end + 2;
    if (separator !== '-') break;
  }
  const raw = buffer.slice(0, offset);
  const problem = replyProblem(raw);
  if (problem !== undefined) throw new Error(`malformed reply (${problem}): ${JSON.stringify(raw)}`);
  const lines = raw
    .slice(0, -2)
    .split('\r\n')
    .map((line) => line.slice(4));
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/.exec(lines[0] ?? '')?.[1];
  return { reply: { code: Number(raw.slice(0, 3)), enhanced, lines, raw }, rest: buffer.slice(offset) };
}
