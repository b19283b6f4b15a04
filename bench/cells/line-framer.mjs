import { LineFramer } from '@smtp/codec';
import { chunksOf, commandStream } from '../lib/corpus.mjs';
import { smtpServerLines } from '../lib/peers.mjs';

const COUNT = 1_000_000;
const CHUNK = 64 * 1024;

function frame(chunks, onLine) {
  const framer = new LineFramer();
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let event = framer.next(); event !== undefined; event = framer.next()) {
      if (event.kind !== 'line') throw new Error(`unexpected ${event.kind} in the command stream`);
      onLine(event.line);
    }
  }
}

/** The naive way: decode each chunk to a string and split it, carrying the unfinished line. */
function naiveSplit(chunks, onLine) {
  let carry = '';
  for (const chunk of chunks) {
    const parts = (carry + chunk.toString()).split('\r\n');
    carry = parts.pop();
    for (const part of parts) onLine(part);
  }
}

/** Command-line framing: @smtp/codec's LineFramer against a naive split and smtp-server's splitter. */
export default {
  name: 'line-framer',
  unit: 'lines/s',
  async prepare() {
    const { lines, bytes } = commandStream({ count: COUNT });
    const chunks = chunksOf(bytes, CHUNK);
    const latin1 = (line) => Buffer.from(line).toString('latin1');

    const ours = [];
    frame(chunks, (line) => ours.push(latin1(line)));
    const naive = [];
    naiveSplit(chunks, (line) => naive.push(line));
    const theirs = [];
    await smtpServerLines(chunks, (line) => theirs.push(line.toString('latin1')));
    for (const [name, output] of [
      ['@smtp/codec', ours],
      ['naive split', naive],
      ['smtp-server', theirs],
    ]) {
      if (output.length !== lines.length || output.some((line, i) => line !== lines[i])) {
        throw new Error(`${name} framed the command stream wrongly`);
      }
    }

    /** Where the contenders' output goes, so that consuming it is real work for every one of them. */
    const sink = { octets: 0 };
    return {
      title: `${COUNT} pipelined command lines (${(bytes.length / 1e6).toFixed(1)} MB), ${CHUNK / 1024} KB chunks`,
      contenders: [
        {
          key: 'codec',
          label: '@smtp/codec LineFramer (strict, 512-octet limit)',
          run: () => {
            frame(chunks, (line) => {
              sink.octets += line.length;
            });
            return COUNT;
          },
        },
        {
          key: 'split',
          label: "naive: chunk.toString().split('\\r\\n') with carry",
          run: () => {
            naiveSplit(chunks, (line) => {
              sink.octets += line.length;
            });
            return COUNT;
          },
        },
        {
          key: 'smtp-server',
          label: 'smtp-server 3.21 SMTPStream (command mode)',
          run: async () => {
            await smtpServerLines(chunks, (line) => {
              sink.octets += line.length;
            });
            return COUNT;
          },
        },
      ],
      ratios: [
        { name: 'line-framer/split', numerator: 'codec', denominator: 'split' },
        { name: 'line-framer/smtp-server', numerator: 'codec', denominator: 'smtp-server' },
      ],
      notes: [
        'Lines of all three checked against the generated commands before timing.',
        'The LineFramer also enforces the line limit and strict CRLF (bare CR/LF detection); the naive split does neither.',
      ],
    };
  },
};
