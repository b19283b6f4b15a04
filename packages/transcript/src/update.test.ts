import type { Reply } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReplyExpectation, TranscriptFile } from './ast.js';
import { scanLines } from './line-scanner.js';
import { matchReply } from './matcher.js';
import { parseTranscript } from './parser.js';
import { applyReplyUpdates } from './update.js';

function expectationsOf(file: TranscriptFile): ReplyExpectation[] {
  return file.sessions.flatMap((s) =>
    s.steps.filter((step): step is ReplyExpectation => step.kind === 'expect'),
  );
}

describe('applyReplyUpdates', () => {
  it('rewrites only the failing expectation, keeping comments, spacing and CRLF', () => {
    const text = [
      '# greeting',
      'S: 220 *',
      '  C: EHLO  client.example.test ',
      '',
      '   S: 250-old',
      '   # what we used to expect',
      '   S: 250 done',
      'C: QUIT',
      'S: 221 *',
      '',
    ].join('\r\n');
    const file = parseTranscript(text);
    const ehlo = expectationsOf(file)[1] as ReplyExpectation;
    const updated = applyReplyUpdates(text, [
      { expectation: ehlo, actual: { code: 250, lines: ['mx.example.test', 'SIZE 100', 'HELP'] } },
    ]);
    expect(updated).toBe(
      [
        '# greeting',
        'S: 220 *',
        '  C: EHLO  client.example.test ',
        '',
        '   S: 250-mx.example.test',
        '   # what we used to expect',
        '   S: 250-SIZE 100',
        '   S: 250 HELP',
        'C: QUIT',
        'S: 221 *',
        '',
      ].join('\r\n'),
    );
  });

  it('drops old lines the actual reply does not need, and takes a range as the target', () => {
    const text = 'S: 220-a\nS: 220-b\nS: 220 c\nC: QUIT\n';
    const updated = applyReplyUpdates(text, [
      {
        expectation: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        actual: { code: 554, lines: ['5.7.1 go away'] },
      },
    ]);
    expect(updated).toBe('S: 554 5.7.1 go away\nC: QUIT\n');
  });

  it('escapes what would otherwise be read as a pattern', () => {
    const text = 'S: 220 *';
    const updated = applyReplyUpdates(text, [
      {
        expectation: expectationsOf(parseTranscript(text))[0] as ReplyExpectation,
        actual: { code: 220, lines: ['/x* a\\b {{v}} \tend '] },
      },
    ]);
    expect(updated).toBe('S: 220 \\x2fx\\x2a a\\\\b \\x7b{v}} \\x09end\\x20');
  });

  it('writes an empty last line as the code alone', () => {
    const text = 'S: 220 *\n';
    const updated = applyReplyUpdates(text, [
      {
        expectation: expectationsOf(parseTranscript(text))[0] as ReplyExpectation,
        actual: { code: 220, lines: ['a', ''] },
      },
    ]);
    expect(updated).toBe('S: 220-a\nS: 220\n');
  });

  it('keeps a file without a final line end that way', () => {
    const text = 'C: NOOP\nS: 250-a\nS: 250 b';
    const step = expectationsOf(parseTranscript(text))[0] as ReplyExpectation;
    expect(applyReplyUpdates(text, [{ expectation: step, actual: { code: 250, lines: ['ok'] } }])).toBe(
      'C: NOOP\nS: 250 ok',
    );
    expect(
      applyReplyUpdates(text, [{ expectation: step, actual: { code: 250, lines: ['x', 'y', 'z'] } }]),
    ).toBe('C: NOOP\nS: 250-x\nS: 250-y\nS: 250 z');
  });

  it('ignores an update that points at no expectation', () => {
    const text = '# only a comment\n';
    expect(
      applyReplyUpdates(text, [
        {
          expectation: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
          actual: { code: 250, lines: ['x'] },
        },
      ]),
    ).toBe(text);
  });

  it('round-trips: the rewritten file parses and matches the actual replies, every other line untouched', () => {
    const eol = fc.constantFrom('\n', '\r\n');
    const other = fc.constantFrom(
      '# note',
      '',
      '   ',
      'C: NOOP',
      'C: MAIL FROM:<a@b>',
      '@sleep 0ms',
      'C: x\\x2a',
    );
    const expectationBlock = fc.constantFrom(
      ['S: 250 *'],
      ['S: 2xx'],
      ['S: 250-a', 'S: 250 b'],
      ['S: 220-x', '# inside', 'S: ...', 'S: 220 y'],
      ['  S: 250 /ok/i'],
    );
    const replyText = fc.string({
      unit: fc.constantFrom(
        'a',
        ' ',
        '*',
        '\\',
        '{',
        '}',
        '/',
        '-',
        '.',
        '\t',
        '\r',
        '\n',
        '\x00',
        'é',
        '\u{1F600}',
        'x',
        '2',
      ),
      maxLength: 12,
    });
    const reply: fc.Arbitrary<Reply> = fc.record({
      code: fc.integer({ min: 200, max: 599 }),
      lines: fc.array(replyText, { minLength: 1, maxLength: 4 }),
    });
    const blocks = fc.array(
      fc.oneof(
        other.map((l) => [l]),
        expectationBlock,
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(blocks, eol, fc.array(fc.option(reply), { maxLength: 14 }), (body, lineEnd, replies) => {
        const text = [['S: 220 *'], ...body].flat().join(lineEnd) + lineEnd;
        const before = parseTranscript(text);
        expect(before.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const targets = expectationsOf(before);
        const updates = targets.flatMap((expectation, i) => {
          const actual = replies[i];
          return actual ? [{ expectation, actual }] : [];
        });
        const updated = applyReplyUpdates(text, updates);
        const after = parseTranscript(updated);
        expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const afterTargets = expectationsOf(after);
        expect(afterTargets).toHaveLength(targets.length);
        const touchedBefore = new Set<number>();
        const touchedAfter = new Set<number>();
        targets.forEach((target, i) => {
          const actual = replies[i];
          const now = afterTargets[i] as ReplyExpectation;
          if (!actual) return;
          for (const line of target.lines) touchedBefore.add(line.line);
          for (const line of now.lines) touchedAfter.add(line.line);
          expect(matchReply(now, actual)).toEqual({ ok: true });
          // Literally: no wildcard, no regex, so no other reply text would match.
          for (const pattern of now.patterns) {
            if (pattern.kind !== 'line') continue;
            expect(pattern.text.kind).toBe('glob');
            if (pattern.text.kind === 'glob')
              expect(pattern.text.segments.map((s) => s.kind)).not.toContain('wildcard');
          }
        });
        const kept = (source: string, touched: Set<number>) =>
          scanLines(source).filter((_, index) => !touched.has(index));
        expect(kept(updated, touchedAfter)).toEqual(kept(text, touchedBefore));
      }),
      { numRuns: 400 },
    );
  });
});
