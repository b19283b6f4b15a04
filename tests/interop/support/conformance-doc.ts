/**
 * Turns the outcomes of the conformance runs into docs/conformance.md: a summary per server, how
 * each server was set up, then one table per pack file (checks down, servers across) whose cells
 * quote what a server replied where it did not do what the check expects.
 */
import type { CaseOutcome, FileOutcome, Observation } from './conformance-outcomes.js';
import type { PackFile } from './conformance-pack.js';

/** One server's column. */
export interface ServerColumn {
  readonly name: string;
  readonly version: string;
  readonly setup: string;
  /** Pack files the server cannot be set up for, with the reason. */
  readonly notApplicable: Readonly<Record<string, string>>;
  /** By pack file name. */
  readonly outcomes: ReadonlyMap<string, FileOutcome>;
}

/** Everything the document says besides the outcomes. */
export interface ConformanceFacts {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly machine: string;
  readonly seconds: number;
  /** The `smtp run` options every run used, e.g. `--timeout 3s`. */
  readonly runOptions: string;
}

/** The longest quote a cell shows of one reply or event. */
const QUOTE_LIMIT = 320;
/** The most observations a cell quotes. */
const QUOTES_PER_CELL = 3;

/** Control characters made visible (U+2400 block), so a stray CR or NUL shows in the quote. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)));
}

function shorten(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
}

/** URLs in replies (a peer's help pages) are left out: the documents name no outside hosts. */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[URL left out]');
}

/** A code span for a table cell, whatever backticks or pipes the text holds. */
function code(text: string): string {
  const body = visible(text).replace(/\|/g, '\\|');
  return body.includes('`') ? `\`\` ${body} \`\`` : `\`${body}\``;
}

/** Prose for a table cell: code spans kept, everything Markdown or HTML would take escaped. */
function prose(text: string): string {
  return visible(text)
    .split('`')
    .map((part, index) => (index % 2 === 1 ? code(part) : part.replace(/[\\*_<>[\]|]/g, (c) => `\\${c}`)))
    .join('');
}

function quote(observation: Observation): string {
  const text = shorten(withoutUrls(observation.text));
  if (observation.kind === 'event') return prose(text);
  return observation.answers === undefined ? code(text) : `${prose(observation.answers)} → ${code(text)}`;
}

function quotes(observed: readonly Observation[]): string {
  const unique = [
    ...new Map(observed.map((o) => [`${o.kind}\u0000${o.answers}\u0000${o.text}`, o])).values(),
  ];
  const shown = unique.slice(0, QUOTES_PER_CELL).map(quote).join('; ');
  const more = unique.length - QUOTES_PER_CELL;
  return more > 0 ? `${shown}; (+${more} more)` : shown;
}

const AFTER = ' †';

function stateCell(outcome: CaseOutcome): string {
  const after = outcome.afterEarlierDifference && outcome.state !== 'follows' ? AFTER : '';
  switch (outcome.state) {
    case 'follows':
      return 'follows';
    case 'same-code':
      return `same code: ${quotes(outcome.observed)}${after}`;
    case 'differs':
      return `**differs**: ${quotes(outcome.observed)}${after}`;
    case 'not-reached':
      return `not reached${after}`;
  }
}

function cell(column: ServerColumn, file: PackFile, line: number): string {
  const reason = column.notApplicable[file.name];
  const outcome = column.outcomes.get(file.name)?.cases.get(line);
  if (reason !== undefined) {
    if (outcome === undefined) return `n/a: ${prose(reason)}`;
    const did = outcome.state === 'follows' ? 'passes anyway' : `observed: ${stateCell(outcome)}`;
    return `n/a: ${prose(reason)} (${did})`;
  }
  return outcome === undefined ? 'not run' : stateCell(outcome);
}

/** The check's comment with its [labels] in bold. */
function checkText(comment: string): string {
  return comment
    .split(/(\[[^\]]+\])/)
    .map((part) => (/^\[[^\]]+\]$/.test(part) ? `**${prose(part.slice(1, -1))}**` : prose(part)))
    .join('')
    .trim();
}

/** Counts of each state (and n/a) over a column's cases. */
export function columnTotals(
  pack: readonly PackFile[],
  column: ServerColumn,
): Record<'follows' | 'same-code' | 'differs' | 'not-reached' | 'n/a', number> {
  const totals = { follows: 0, 'same-code': 0, differs: 0, 'not-reached': 0, 'n/a': 0 };
  for (const file of pack) {
    for (const entry of file.cases) {
      if (column.notApplicable[file.name] !== undefined) totals['n/a']++;
      else totals[column.outcomes.get(file.name)?.cases.get(entry.line)?.state ?? 'not-reached']++;
    }
  }
  return totals;
}

function fileSection(file: PackFile, columns: readonly ServerColumn[]): string[] {
  const link = `../tests/conformance/${file.name}`;
  const lines = [
    `## ${prose(file.title)}`,
    '',
    `[${file.name}](${link}): ${prose(file.header)}`,
    '',
    `| check | ${columns.map((column) => prose(column.name)).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const entry of file.cases) {
    const check = `[L${entry.line}](${link}#L${entry.line}) ${checkText(entry.comment)}`;
    lines.push(`| ${check} | ${columns.map((column) => cell(column, file, entry.line)).join(' | ')} |`);
  }
  const preambles = columns.flatMap((column) => {
    const preamble = column.outcomes.get(file.name)?.preamble ?? [];
    return preamble.length > 0
      ? [`- ${prose(column.name)}, before the first check: ${quotes(preamble)}`]
      : [];
  });
  if (preambles.length > 0) lines.push('', ...preambles);
  lines.push('');
  return lines;
}

/** The whole document. */
export function renderConformanceDoc(
  pack: readonly PackFile[],
  columns: readonly ServerColumn[],
  facts: ConformanceFacts,
): string {
  const checks = pack.reduce((sum, file) => sum + file.cases.length, 0);
  const lines = [
    '# Conformance report: how SMTP servers follow the RFCs',
    '',
    '<!-- Generated by `pnpm test:interop` (tests/interop/conformance). Do not edit: run the suite to regenerate. -->',
    '',
    `Generated on ${facts.date} from a real run of \`pnpm test:interop\`: the conformance pack ` +
      `([tests/conformance](../tests/conformance/README.md), ${checks} checks in ${pack.length} files, each naming ` +
      'the row of the server behaviour spec and the RFC section it checks) was run with the project’s CLI, ' +
      `\`smtp run tests/conformance --server 127.0.0.1:PORT --reporter json ${facts.runOptions}\`, against each ` +
      `server below, started on loopback for the run and stopped after it. ${facts.machine}; the run took ${facts.seconds} s.`,
    '',
    'The pack states what the project’s server does; where the RFCs leave room (limits, the text and enhanced ' +
      'code of a refusal) another server may differ without being wrong — the check’s own text says which ' +
      'rule it rests on. Every quote below is a reply (or event) observed in this run.',
    '',
    'Legend: **follows** — every step of the check passed; **same code** — the reply code was the one ' +
      'expected, only the enhanced status code or the text differ (quoted); **differs** — another reply, no ' +
      'reply, a close or no close (quoted); **not reached** — the session ended before the check; ' +
      '**n/a** — the server cannot be set up for what the file checks (the reason is given; when the file ' +
      'still ran, what the server did is added); **†** — a check earlier in the same session already failed, ' +
      'so this difference may follow from that one. URLs in replies are replaced by `[URL left out]`.',
    '',
    '## Summary',
    '',
    '| server | version | follows | same code | differs | not reached | n/a |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const column of columns) {
    const t = columnTotals(pack, column);
    lines.push(
      `| ${prose(column.name)} | ${prose(column.version)} | ${t.follows} | ${t['same-code']} | ${t.differs} | ${t['not-reached']} | ${t['n/a']} |`,
    );
  }
  lines.push('', '## How each server was set up', '', '| server | setup |', '| --- | --- |');
  for (const column of columns) lines.push(`| ${prose(column.name)} | ${prose(column.setup)} |`);
  lines.push('');
  for (const file of pack) lines.push(...fileSection(file, columns));
  return `${lines.join('\n').trimEnd()}\n`;
}
