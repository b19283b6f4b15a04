import { hasBareLineEnding, modelData } from './data-model.js';

/** A client's side of a session, taken apart the way a strict server reads it. */
export interface ClientWire {
  readonly commands: readonly string[];
  /** Each DATA section as sent, terminator included. */
  readonly dataSections: readonly string[];
  /** Each BDAT chunk's octets (counted, so any octet is allowed in them). */
  readonly bdatChunks: readonly string[];
  /** Why the wire is not clean (a bare CR or LF outside BDAT chunks, an unended DATA), if it is not. */
  readonly problem: string | undefined;
}

/** Reads what a client sent (latin1) as command lines, DATA sections and BDAT chunks. */
export function readClientWire(wire: string): ClientWire {
  const commands: string[] = [];
  const dataSections: string[] = [];
  const bdatChunks: string[] = [];
  let problem: string | undefined;
  let offset = 0;
  while (offset < wire.length && problem === undefined) {
    const end = wire.indexOf('\r\n', offset);
    if (end === -1) {
      problem = `unterminated command ${JSON.stringify(wire.slice(offset, offset + 40))}`;
      break;
    }
    const line = wire.slice(offset, end);
    offset = end + 2;
    if (hasBareLineEnding(line)) problem = `bare CR or LF in command ${JSON.stringify(line)}`;
    commands.push(line);
    const bdat = /^BDAT (\d+)( LAST)?$/i.exec(line);
    if (bdat !== null) {
      const size = Number(bdat[1]);
      bdatChunks.push(wire.slice(offset, offset + size));
      offset += size;
    } else if (/^DATA$/i.test(line)) {
      const model = modelData(wire.slice(offset), 'strict');
      if (model.kind !== 'message') {
        problem = `DATA section ${model.kind}`;
        break;
      }
      const length = wire.length - offset - model.rest.length;
      dataSections.push(wire.slice(offset, offset + length));
      offset += length;
    }
  }
  return { commands, dataSections, bdatChunks, problem };
}
