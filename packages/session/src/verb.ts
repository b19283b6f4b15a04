/**
 * Reading the verb of a command line before parsing it, so that the transition table can refuse
 * a command out of sequence without looking at its arguments (as Postfix does).
 */
import { fromUtf8 } from '@smtp/codec';

const SPACE = 0x20;
const TAB = 0x09;
const LONGEST_VERB = 16;

/**
 * The verb of a command line in upper case: the octets before the first space (trailing tabs
 * dropped when there is no argument), as the codec's parser splits it. `''` for an empty line
 * or a first word too long to be a verb.
 */
export function readVerb(line: Uint8Array): string {
  let end = line.indexOf(SPACE);
  if (end === -1) {
    end = line.length;
    while (end > 0 && line[end - 1] === TAB) end--;
  }
  if (end > LONGEST_VERB) return '';
  let verb = '';
  for (let i = 0; i < end; i++) {
    const octet = line[i] as number;
    verb += String.fromCharCode(octet >= 0x61 && octet <= 0x7a ? octet - 0x20 : octet);
  }
  return verb;
}

/**
 * A command line as logs may show it: AUTH keeps only its mechanism (an initial response is a
 * credential), and long lines are cut.
 */
export function describeCommandLine(line: Uint8Array): string {
  const text = fromUtf8(line.length > 512 ? line.subarray(0, 512) : line);
  if (readVerb(line) === 'AUTH') return text.split(' ').slice(0, 2).join(' ');
  return text;
}
