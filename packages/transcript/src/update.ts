/**
 * `--update` and the editor's "Accept actual reply": rewrites the `S:` lines of chosen
 * expectations to the replies that actually came, and leaves every other byte of the file
 * (comments, blank lines, spacing, line endings) as it was.
 */
import type { Reply } from '@smtp/codec';
import type { LineEnding, Range, ReplyExpectation, TranscriptFile } from './ast.js';
import { scanLines } from './line-scanner.js';
import { parseTranscript } from './parser.js';
import { rangeCoversLine } from './ranges.js';
import { formatReplyLines } from './reply-lines.js';

/** One expectation to rewrite and the reply to write in its place. */
export interface ReplyUpdate {
  /** The expectation (from a parse of the same text), or a range on any of its lines. */
  readonly expectation: ReplyExpectation | Range;
  readonly actual: Reply;
}

/**
 * Returns `text` with each updated expectation's `S:` lines replaced by the actual reply: one
 * `S:` line per reply line, `-` on continuation lines, text escaped so it matches literally.
 * The k-th old line becomes the k-th new one (keeping its indentation and line end); extra new
 * lines follow the last old one; extra old lines go. Updates that point at no expectation of
 * `text` are ignored.
 */
export function applyReplyUpdates(text: string, updates: readonly ReplyUpdate[]): string {
  if (updates.length === 0) return text;
  const source = scanLines(text);
  const file = parseTranscript(text);
  const expectations = allExpectations(file);
  const replacements = new Map<number, string[]>();
  for (const update of updates) {
    const line = ('kind' in update.expectation ? update.expectation.range : update.expectation).start.line;
    const target = expectations.find((e) => rangeCoversLine(e.range, line));
    if (!target) continue;
    const oldLines = target.lines.map((l) => l.line);
    const indentOf = (n: number) =>
      (source[n]?.text ?? '').slice(
        0,
        target.lines.find((l) => l.line === n)?.prefixRange.start.character ?? 0,
      );
    const newLines = formatReplyLines(update.actual);
    const firstIndent = indentOf(oldLines[0] as number);
    oldLines.forEach((old, k) => {
      const isLastOld = k === oldLines.length - 1;
      const own = newLines[k] === undefined ? [] : [indentOf(old) + newLines[k]];
      const extra = isLastOld ? newLines.slice(oldLines.length).map((l) => firstIndent + l) : [];
      replacements.set(old, [...own, ...extra]);
    });
  }
  const out: { text: string; eol: LineEnding }[] = [];
  source.forEach((line, index) => {
    const replaced = replacements.get(index);
    if (!replaced) {
      out.push(line);
      return;
    }
    replaced.forEach((content, k) => {
      out.push({ text: content, eol: k === 0 ? line.eol : file.lineEnding });
    });
  });
  let result = '';
  out.forEach((line, index) => {
    const last = index === out.length - 1;
    // The file's last line keeps having no terminator; every other line needs one.
    const eol = last ? '' : line.eol === '' ? file.lineEnding : line.eol;
    result += line.text + eol;
  });
  return result;
}

function allExpectations(file: TranscriptFile): ReplyExpectation[] {
  const found: ReplyExpectation[] = [];
  for (const session of file.sessions) {
    for (const step of session.steps) if (step.kind === 'expect') found.push(step);
  }
  return found;
}
