import { DotDecoder, IndexOfScanner } from '@smtp/codec';
import { chunksOf, mailMessage } from '../lib/corpus.mjs';
import { smtpServerUnstuff } from '../lib/peers.mjs';

const SIZE = 100_000_000;
const CHUNK = 64 * 1024;
const TERMINATOR_SCAN = Buffer.from('\r\n.');

function decodeWith(chunks, options, scanner, onPiece) {
  const decoder = new DotDecoder(options, scanner);
  for (const chunk of chunks) {
    const { body, done } = decoder.push(chunk);
    for (const piece of body) onPiece(piece);
    if (done) return decoder;
  }
  throw new Error('DotDecoder did not find the terminator');
}

function collect(run) {
  const pieces = [];
  return Promise.resolve(run((piece) => pieces.push(Buffer.from(piece)))).then(() => Buffer.concat(pieces));
}

/** DATA dot-unstuffing: @smtp/codec against smtp-server's decoder and a bare indexOf scan. */
export default {
  name: 'dot-unstuff',
  unit: 'MB/s',
  // Cheap rounds (about 2 s each) and a ratio near its target: seven rounds for a steadier median.
  rounds: 7,
  async prepare() {
    const { body, wire, lines, dotLines } = mailMessage({ size: SIZE, dotShare: 0.05 });
    const chunks = chunksOf(wire, CHUNK);
    const megabytes = wire.length / 1e6;

    // Byte-for-byte checks before any timing.
    const ours = await collect((onPiece) => decodeWith(chunks, {}, undefined, onPiece));
    const oursFallback = await collect((onPiece) => decodeWith(chunks, {}, new IndexOfScanner(), onPiece));
    const theirs = await collect((onPiece) => smtpServerUnstuff(chunks, onPiece));
    for (const [name, output] of [
      ['@smtp/codec', ours],
      ['@smtp/codec (indexOf scanner)', oursFallback],
      ['smtp-server', theirs],
    ]) {
      if (!output.equals(body)) throw new Error(`${name} decoded the benchmark body wrongly`);
    }
    const strict = decodeWith(chunks, {}, undefined, () => {});
    if (strict.lineEndingError !== undefined) throw new Error('benchmark body has bare line ends');

    const count = (piece) => piece.length;
    /** Where the contenders' output goes, so that consuming it is real work for every one of them. */
    const sink = { octets: 0 };
    return {
      title: `${(wire.length / 1e6).toFixed(0)} MB DATA, ${CHUNK / 1024} KB chunks, ${lines} lines, ${((100 * dotLines) / lines).toFixed(1)} % dot-led`,
      contenders: [
        {
          key: 'codec',
          label: '@smtp/codec DotDecoder (strict, default)',
          run: () => {
            decodeWith(chunks, {}, undefined, (piece) => {
              sink.octets += count(piece);
            });
            return megabytes;
          },
        },
        {
          key: 'codec-lenient',
          label: '@smtp/codec DotDecoder (lenient)',
          run: () => {
            decodeWith(chunks, { lineEndings: 'lenient' }, undefined, (piece) => {
              sink.octets += count(piece);
            });
            return megabytes;
          },
        },
        {
          key: 'codec-indexof',
          label: '@smtp/codec DotDecoder (strict, indexOf fallback scanner)',
          run: () => {
            decodeWith(chunks, {}, new IndexOfScanner(), (piece) => {
              sink.octets += count(piece);
            });
            return megabytes;
          },
        },
        {
          key: 'smtp-server',
          label: 'smtp-server 3.21 SMTPStream (data mode)',
          run: async () => {
            await smtpServerUnstuff(chunks, (piece) => {
              sink.octets += count(piece);
            });
            return megabytes;
          },
        },
        {
          key: 'indexOf-scan',
          label: "Buffer.indexOf('\\r\\n.') scan only (practical limit)",
          run: () => {
            for (const chunk of chunks) {
              for (
                let at = chunk.indexOf(TERMINATOR_SCAN);
                at !== -1;
                at = chunk.indexOf(TERMINATOR_SCAN, at + 3)
              ) {
                sink.octets += 1;
              }
            }
            return megabytes;
          },
        },
      ],
      ratios: [
        { name: 'dot-unstuff/smtp-server', numerator: 'codec', denominator: 'smtp-server', target: 10 },
        { name: 'dot-unstuff/indexOf-scan', numerator: 'codec', denominator: 'indexOf-scan', target: 0.6 },
        { name: 'dot-unstuff-lenient/indexOf-scan', numerator: 'codec-lenient', denominator: 'indexOf-scan' },
        {
          name: 'dot-unstuff-indexof-fallback/smtp-server',
          numerator: 'codec-indexof',
          denominator: 'smtp-server',
        },
      ],
      notes: [
        'Outputs of @smtp/codec (both scanners) and smtp-server checked byte-for-byte against the generated body before timing.',
        'MB = 10^6 octets of wire input. The codec contenders run strict line-ending checks unless marked lenient; smtp-server does none.',
      ],
    };
  },
};
