/**
 * Reading the conformance pack (tests/conformance/*.smtp) for the report: each file is one area
 * of spec/server-behaviour.md, its first comment line names the area, and each case starts with
 * a comment `# [case] what the project's server does`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One case of the pack. */
export interface PackCase {
  /** 1-based line of its `# [` comment. */
  readonly line: number;
  /** The bracketed label(s) of that comment, e.g. `smuggling: <LF>.<CR><LF>`. */
  readonly name: string;
  /** The whole comment, labels included, its lines joined: what the project's server does and why. */
  readonly comment: string;
}

/** One file of the pack. */
export interface PackFile {
  /** The file name, e.g. `line-endings.smtp`. */
  readonly name: string;
  readonly path: string;
  /** The area, from the first comment line (`# Conformance: …`). */
  readonly title: string;
  /** The rest of the file's opening comment (spec rows, RFC sections, what it needs), joined. */
  readonly header: string;
  readonly cases: readonly PackCase[];
}

const LABEL = /\[([^\]]+)\]/g;

/** The comment starting at `start` with the comment lines that continue it, as one line of text. */
function commentBlock(lines: readonly string[], start: number): string {
  const parts: string[] = [];
  for (let index = start; index < lines.length; index++) {
    const line = lines[index] as string;
    if (!line.startsWith('#') || (index > start && /^#\s*(\[|$)/.test(line))) break;
    parts.push(line.replace(/^#\s*/, ''));
  }
  return parts.join(' ');
}

/** Parses the case comments of one file's text. */
export function parsePackFile(name: string, file: string, text: string): PackFile {
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  const title = first.startsWith('#') ? first.replace(/^#\s*(Conformance:\s*)?/, '').trim() : name;
  const header: string[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^#\s?/, ''));
  }
  const cases: PackCase[] = [];
  lines.forEach((line, index) => {
    if (!/^#\s*\[/.test(line)) return;
    const comment = commentBlock(lines, index);
    const labels = [...comment.matchAll(LABEL)].map((match) => match[1] as string);
    cases.push({ line: index + 1, name: labels.join('; ') || comment, comment });
  });
  return { name, path: file, title, header: header.join(' ').replace(/\s+/g, ' ').trim(), cases };
}

/** The order of the pack's README (session first, limits last); files not listed follow by name. */
const README_ORDER = [
  'session.smtp',
  'extensions.smtp',
  'sequence.smtp',
  'parameters.smtp',
  'smtputf8.smtp',
  'data.smtp',
  'bdat.smtp',
  'line-endings.smtp',
  'lenient-line-endings.smtp',
  'pipelining.smtp',
  'starttls.smtp',
  'auth.smtp',
  'size-limit.smtp',
  'max-recipients.smtp',
  'max-errors.smtp',
];

function readmeRank(name: string): number {
  const rank = README_ORDER.indexOf(name);
  return rank === -1 ? README_ORDER.length : rank;
}

/** Reads every `*.smtp` file of the pack directory, in the README's order. */
export function readPack(dir: string): PackFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.smtp') && !name.endsWith('.serve.smtp'))
    .sort((a, b) => readmeRank(a) - readmeRank(b) || a.localeCompare(b))
    .map((name) => {
      const file = path.join(dir, name);
      return parsePackFile(name, file, readFileSync(file, 'utf8'));
    });
}

/** The case a 1-based line belongs to: the last case comment at or above it. */
export function caseAt(file: PackFile, line: number): PackCase | undefined {
  let found: PackCase | undefined;
  for (const entry of file.cases) {
    if (entry.line <= line) found = entry;
    else break;
  }
  return found;
}
