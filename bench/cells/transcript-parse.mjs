/**
 * `.smtp` transcripts: how fast a whole file parses (the editor parses on every keystroke), and
 * how glob patterns hold up on input that makes a backtracking regex crawl.
 *
 * No other tool reads `.smtp` files, so the parser is set beside the least any line reader does
 * (split into lines and classify each by its prefix), and the glob matcher beside the obvious
 * regex translation of the same glob. Also runnable on its own: `node bench/cells/transcript-parse.mjs`.
 */
import { fileURLToPath } from 'node:url';
import { matchReply, parseTranscript } from '@smtp/transcript';

const LINES = 10_000;

/** A realistic transcript of about `count` lines: EHLO, pipelined envelopes, bodies, patterns. */
function corpus(count) {
  const lines = ['# generated for the benchmark', '@set me client.example.test', '@timeout 5s', 'S: 220 *'];
  lines.push('C: EHLO {{me}}', 'S: 250-*', 'S: ...', 'S: 250 HELP');
  for (let n = 0; lines.length < count - 2; n++) {
    lines.push(
      '',
      `# message ${n}`,
      `C: MAIL FROM:<sender${n}@example.test> SIZE=${1000 + n} BODY=8BITMIME`,
      `C: RCPT TO:<rcpt${n}@example.net> NOTIFY=SUCCESS,FAILURE`,
      'C: DATA',
      'S: 250 2.1.0 *',
      'S: 250 2.1.5 *',
      'S: 354 *',
      `C: Subject: message ${n}\\x21`,
      'C:',
      `C: Line one of message ${n}, with a {{me}} mention.`,
      'C: ..a line that starts with a dot',
      'C: .',
      `S: 250 /queued as \\w+/`,
    );
  }
  lines.push('C: QUIT', 'S: 221 *');
  return `${lines.slice(0, count).join('\n')}\n`;
}

/** The least a line reader does: split, and look at each line's first characters. */
function splitAndClassify(text) {
  const kinds = { send: 0, expect: 0, other: 0 };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('C:') || line.startsWith('C!')) kinds.send++;
    else if (line.startsWith('S:')) kinds.expect++;
    else kinds.other++;
  }
  return kinds.send + kinds.expect + kinds.other;
}

const STARS = 6;
const SUBJECT = 'a'.repeat(24);

const cell = {
  name: 'transcript-parse',
  unit: 'lines/s',
  rounds: 5,
  async prepare() {
    const text = corpus(LINES);
    const file = parseTranscript(text);
    const errors = file.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`benchmark corpus has errors: ${errors[0].message}`);
    if (file.lines.length !== LINES + 1)
      throw new Error(`expected ${LINES + 1} line nodes, got ${file.lines.length}`);
    if (splitAndClassify(text) !== LINES + 1) throw new Error('baseline miscounted lines');

    // `*a*a*a*a*a*a*b` against a line of a's: never matches; a backtracking regex tries every split.
    const glob = `${'*a'.repeat(STARS)}*b`;
    const expectation = parseTranscript(`S: 250 ${glob}\n`).sessions[0].steps[0];
    const reply = { code: 250, lines: [SUBJECT] };
    const naive = new RegExp(`^${'.*a'.repeat(STARS)}.*b$`, 's');
    if (matchReply(expectation, reply).ok || naive.test(SUBJECT))
      throw new Error('pathological glob matched');
    if (!matchReply(expectation, { code: 250, lines: [`${SUBJECT}b`] }).ok)
      throw new Error('glob failed to match');

    return {
      title: `parseTranscript on a ${LINES.toLocaleString('en-US')}-line transcript; a ${STARS}-star glob on a ${SUBJECT.length}-character line`,
      contenders: [
        {
          key: 'parse',
          label: 'parseTranscript (@smtp/transcript)',
          run: () => parseTranscript(text).lines.length,
        },
        { key: 'split', label: 'split + classify by prefix (baseline)', run: () => splitAndClassify(text) },
        {
          key: 'glob',
          label: 'glob match (@smtp/transcript matchReply)',
          run: () => {
            for (let i = 0; i < 100; i++) matchReply(expectation, reply);
            return 100;
          },
        },
        {
          key: 'regex',
          label: 'same glob as a backtracking regex',
          run: () => {
            for (let i = 0; i < 100; i++) naive.test(SUBJECT);
            return 100;
          },
        },
      ],
      ratios: [
        { name: 'transcript-parse/split-classify', numerator: 'parse', denominator: 'split' },
        { name: 'transcript-glob/backtracking-regex', numerator: 'glob', denominator: 'regex', target: 1 },
      ],
      notes: [
        `ms per ${LINES.toLocaleString('en-US')}-line file = ${LINES.toLocaleString('en-US')} / (parse lines/s) × 1000; the target is well under 50 ms.`,
        'The glob rows count reply lines matched; the glob matcher places each literal piece once (no backtracking).',
      ],
    };
  },
};

export default cell;

// Standalone: `node bench/cells/transcript-parse.mjs` (the driver runs cells listed in run.mjs).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { measureSideBySide, median } = await import('../lib/rounds.mjs');
  const prepared = await cell.prepare();
  const rounds = await measureSideBySide({ contenders: prepared.contenders, rounds: cell.rounds });
  console.log(prepared.title);
  for (const contender of prepared.contenders) {
    const rates = rounds.map((round) => round.get(contender.key));
    console.log(
      `  ${contender.label.padEnd(42)} ${Math.round(median(rates)).toLocaleString('en-US')} ${cell.unit}`,
    );
  }
  const parseRate = median(rounds.map((round) => round.get('parse')));
  console.log(
    `  ${LINES.toLocaleString('en-US')}-line file: ${((LINES / parseRate) * 1000).toFixed(2)} ms per parse (median)`,
  );
  for (const ratio of prepared.ratios) {
    const value = median(rounds.map((round) => round.get(ratio.numerator) / round.get(ratio.denominator)));
    console.log(`RATIO ${ratio.name} ${value.toFixed(2)}`);
  }
}
