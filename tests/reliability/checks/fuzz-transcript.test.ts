/**
 * Random and mutated `.smtp` texts into the transcript parser: it always returns a file, never
 * throws and never reports an internal error (it turns its own bugs into an `internal-error`
 * diagnostic, so that is what a crash looks like here); there is one line node per source line;
 * every range lies inside the text; and the heap is back to its size afterwards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTranscript, type Range } from '@smtp/transcript';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { record } from '../report/figures.js';
import { heapAfterCollection, mutated } from '../support/fuzz-inputs.js';
import { settings } from '../support/settings.js';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples');
const SEEDS = readdirSync(examples)
  .filter((name) => name.endsWith('.smtp'))
  .map((name) => readFileSync(path.join(examples, name), 'latin1'));

const toBytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
const toText = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Transcript lines, good and broken. */
const LINE_PIECES = [
  'C: EHLO client.test',
  'S: 250 *',
  'S: 250-*',
  'S: 2xx',
  'S: 5** 5.1.1 *',
  'S: 354 ?',
  'C! BDAT 5 LAST',
  'C: {{env:SECRET}}',
  'C: {{env:',
  '@connect 127.0.0.1:25',
  '@connect [::1]:2525 tls',
  '@starttls',
  '@closed',
  '@close',
  '@sleep 10ms',
  '@timeout 5s',
  '@timeout -1',
  '@set name=value',
  '@server lenient-line-endings size=100',
  '@session second',
  '@unknown directive',
  '# comment',
  '...',
  '',
  'S:',
  'C:',
  'X: what',
];

const transcriptText = fc.oneof(
  fc.constantFrom(...SEEDS),
  fc
    .array(fc.oneof(fc.constantFrom(...LINE_PIECES), fc.string({ maxLength: 40 })), { maxLength: 30 })
    .chain((lines) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => lines.join(eol))),
);

const input = fc.oneof(transcriptText, mutated(transcriptText.map(toBytes), 8).map(toText));

/** Source lines as the parser counts them (CRLF, LF and CR each end one). */
function sourceLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

function inside(range: Range, lines: readonly string[]): boolean {
  const within = (position: Range['start']) =>
    position.line >= 0 &&
    position.line < lines.length &&
    position.character >= 0 &&
    position.character <= (lines[position.line]?.length ?? 0);
  const ordered =
    range.start.line < range.end.line ||
    (range.start.line === range.end.line && range.start.character <= range.end.character);
  return within(range.start) && within(range.end) && ordered;
}

describe('fuzzing the transcript parser', () => {
  it('random and mutated .smtp texts: a file with diagnostics, never an exception or internal error, every range inside the text', (context) => {
    let runs = 0;
    let diagnostics = 0;
    let ranges = 0;
    const before = heapAfterCollection();
    fc.assert(
      fc.property(input, (text) => {
        runs++;
        const file = parseTranscript(text, { uri: 'fuzz.smtp' });
        const lines = sourceLines(text);
        expect(file.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
        // One node per line; a text ending in a line end has no node after it.
        expect(file.lines.length === lines.length || file.lines.length === lines.length - 1).toBe(true);
        for (const diagnostic of file.diagnostics) {
          diagnostics++;
          ranges++;
          expect(
            inside(diagnostic.range, lines),
            `${diagnostic.code} ${JSON.stringify(diagnostic.range)}`,
          ).toBe(true);
          expect(diagnostic.message).not.toMatch(/\n/);
        }
        for (const node of file.lines) {
          ranges++;
          expect(inside(node.range, lines), JSON.stringify(node.range)).toBe(true);
        }
      }),
      { numRuns: settings.transcriptFuzzCases },
    );
    const growth = heapAfterCollection() - before;
    record(context, {
      cases: runs,
      'seed files': SEEDS.length,
      'diagnostics produced': diagnostics,
      'ranges checked': ranges,
      'heap growth, MB': Number((growth / 1e6).toFixed(1)),
      'exceptions escaped': 0,
    });
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  });
});
