/**
 * The report's opening table: bare line ends and SMTP smuggling, read from the outcomes of
 * line-endings.smtp. Those checks expect `521 5.5.2` and a close; a server that does otherwise did
 * one of three things, told apart by what it replied: took the bare LF as a line end (the command
 * was answered as a command), ended DATA at the look-alike (the command smuggled behind it was
 * answered where a close was expected), or took the look-alike as content (one reply for the whole
 * message, then nothing).
 */
import { code, prose, quote } from './conformance-cells.js';
import type { ServerColumn } from './conformance-doc.js';
import type { CaseOutcome, Observation } from './conformance-outcomes.js';
import type { PackCase, PackFile } from './conformance-pack.js';

const FILE = 'line-endings.smtp';
/** The checks of that file this table reads: bare LF, bare CR and the smuggling look-alikes. */
const ROW = /^(bare (LF|CR)|smuggling)/;

/** The reply the check expected to be 521 (the command's or the message's), as the server sent it. */
function mainReply(outcome: CaseOutcome): Observation | undefined {
  return outcome.observed.find((o) => o.failure === 'mismatch' && o.expected?.startsWith('521') === true);
}

/** What a server did on one line-end check, in words, with the replies that show it. */
export function lineEndVerdict(entry: PackCase, outcome: CaseOutcome | undefined): string {
  if (outcome === undefined) return 'not run';
  if (outcome.state === 'follows') return 'refused: `521 5.5.2`, then closed';
  const main = mainReply(outcome);
  if (main === undefined) return `other: ${outcome.observed.map(quote).join('; ') || outcome.state}`;
  const code3 = main.text.slice(0, 3);
  const inData = main.answers?.startsWith('the message after') === true;
  const smuggled = outcome.observed.find((o) => o.failure === 'not-closed' && o.kind === 'reply');
  if (inData && smuggled !== undefined) {
    return `**ended DATA at the look-alike**: ${quote(main)}, then the command behind it was answered ${code(smuggled.text)}`;
  }
  if (inData && code3.startsWith('2')) {
    const kept = entry.name.startsWith('smuggling')
      ? 'the look-alike stayed content'
      : 'the bare LF kept as content';
    return `accepted as one message (${kept}): ${quote(main)}`;
  }
  if (inData) return `refused the message: ${quote(main)}`;
  const bareLf = entry.name.startsWith('bare LF');
  if (code3.startsWith('2') && bareLf) return `**took the bare LF as a line end**: ${quote(main)}`;
  return `answered it as a command: ${quote(main)}${outcome.state === 'differs' ? ', stayed open' : ''}`;
}

/** The section's lines; none when the pack has no line-endings.smtp. */
export function lineEndingsAtAGlance(pack: readonly PackFile[], columns: readonly ServerColumn[]): string[] {
  const file = pack.find((f) => f.name === FILE);
  if (file === undefined) return [];
  const rows = file.cases.filter((entry) => ROW.test(entry.name));
  const lines = [
    '## At a glance: bare line ends and SMTP smuggling',
    '',
    'RFC 5321 §2.3.8 says lines end with CRLF and a bare CR or LF must not be taken as a line end; ' +
      '§4.1.1.4 says only `<CRLF>.<CRLF>` ends DATA. A server that takes one of the look-alikes below as ' +
      'the end of DATA lets a sender smuggle a second message past filters (CVE-2023-51764 and others). ' +
      `This table reads the replies of [${FILE}](../tests/conformance/${FILE}) (details in its section below): ` +
      'each check sends the bytes, then `.` and expects `521 5.5.2` and a close.',
    '',
    `| bytes sent | ${columns.map((column) => prose(column.name)).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const entry of rows) {
    const cells = columns.map((column) =>
      lineEndVerdict(entry, column.outcomes.get(FILE)?.cases.get(entry.line)),
    );
    lines.push(`| ${prose(entry.name)} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}
