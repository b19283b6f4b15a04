/*
 * Slow, obviously-correct models of the streaming readers, written straight from the contracts
 * (byte by byte over the whole input at once). Property tests check the fast code against them.
 */
import type { LineEvent } from '../line-framer.js';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** What a DATA reader should report for a whole input. */
export interface DecodeModel {
  body: Uint8Array;
  done: boolean;
  rest: Uint8Array | undefined;
  size: number;
  oversize: boolean;
  longLine: boolean;
  lineEndingError: 'bare-lf' | 'bare-cr' | undefined;
}

/** The DATA-content model: only CRLF starts a line; only CRLF "." CRLF ends the data. */
export function modelDecode(
  wire: Uint8Array,
  options: { strict: boolean; maxSize?: number; maxLineLength?: number },
): DecodeModel {
  const body: number[] = [];
  let error: 'bare-lf' | 'bare-cr' | undefined;
  let lineStart = true;
  let lineLength = 0;
  let longLine = false;
  const flag = (kind: 'bare-lf' | 'bare-cr') => {
    if (options.strict) error ??= kind;
  };
  let i = 0;
  while (i < wire.length) {
    const byte = wire[i] as number;
    if (lineStart && byte === DOT) {
      if (wire[i + 1] === CR && wire[i + 2] === LF) {
        return finish(body, true, wire.subarray(i + 3), error, longLine, options.maxSize);
      }
      lineLength += 1;
      lineStart = false;
      i += 1;
      continue;
    }
    lineStart = false;
    body.push(byte);
    lineLength += 1;
    if (byte === CR && i + 1 < wire.length && wire[i + 1] !== LF) flag('bare-cr');
    if (byte === LF) {
      if (i === 0 || wire[i - 1] !== CR) flag('bare-lf');
      else lineStart = true;
      if (lineLength > (options.maxLineLength ?? Number.POSITIVE_INFINITY)) longLine = true;
      lineLength = 0;
    }
    i += 1;
  }
  return finish(body, false, undefined, error, longLine, options.maxSize);
}

function finish(
  body: number[],
  done: boolean,
  rest: Uint8Array | undefined,
  lineEndingError: 'bare-lf' | 'bare-cr' | undefined,
  longLine: boolean,
  maxSize = Number.POSITIVE_INFINITY,
): DecodeModel {
  return {
    body: Uint8Array.from(body.slice(0, Math.min(body.length, maxSize))),
    done,
    rest,
    size: body.length,
    oversize: body.length > maxSize,
    longLine,
    lineEndingError,
  };
}

/** Every bare CR or LF replaced by CRLF. */
export function normalizeLineEnds(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (byte === CR && data[i + 1] === LF) {
      out.push(CR, LF);
      i += 1;
    } else if (byte === CR || byte === LF) {
      out.push(CR, LF);
    } else {
      out.push(byte);
    }
  }
  return Uint8Array.from(out);
}

/** The dot-stuffing model: normalize, double each line-leading dot, close with CRLF "." CRLF. */
export function modelEncode(body: Uint8Array): Uint8Array {
  const normal = normalizeLineEnds(body);
  const out: number[] = [];
  let lineStart = true;
  for (let i = 0; i < normal.length; i++) {
    const byte = normal[i] as number;
    if (lineStart && byte === DOT) out.push(DOT);
    out.push(byte);
    lineStart = byte === LF;
  }
  if (!lineStart) out.push(CR, LF);
  out.push(DOT, CR, LF);
  return Uint8Array.from(out);
}

/** The framing model: one event per LF-ended line; an unfinished last line gives none. */
export function modelFrame(
  input: Uint8Array,
  options: { strict: boolean; maxLineLength: number },
): LineEvent[] {
  const events: LineEvent[] = [];
  let start = 0;
  for (let lf = input.indexOf(LF); lf !== -1; lf = input.indexOf(LF, start)) {
    const raw = input.subarray(start, lf);
    start = lf + 1;
    const crlf = raw.length > 0 && raw[raw.length - 1] === CR;
    const content = crlf ? raw.subarray(0, raw.length - 1) : raw;
    const length = raw.length + 1;
    if (options.strict && !crlf) events.push({ kind: 'bare-lf' });
    else if (options.strict && content.includes(CR)) events.push({ kind: 'bare-cr' });
    else if (length > options.maxLineLength) events.push({ kind: 'too-long', length });
    else events.push({ kind: 'line', line: Uint8Array.from(content) });
  }
  return events;
}
