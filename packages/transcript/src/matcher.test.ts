import type { Reply } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { ReplyExpectation, TranscriptFile } from './ast.js';
import { codeMatches, matchReply } from './matcher.js';
import { parseTranscript } from './parser.js';
import { createScope, defineVariable, type Scope } from './variables.js';

function firstExpectation(file: TranscriptFile): ReplyExpectation {
  for (const session of file.sessions) {
    for (const step of session.steps) if (step.kind === 'expect') return step;
  }
  throw new Error('no expectation');
}

function expectation(lines: string): ReplyExpectation {
  const file = parseTranscript(lines);
  expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return firstExpectation(file);
}

function outcome(pattern: string, reply: Reply, scope?: Scope): string {
  const result = matchReply(expectation(pattern), reply, scope);
  return result.ok ? 'ok' : result.explanation;
}

const EHLO: Reply = { code: 250, lines: ['mx.example.test', 'PIPELINING', 'SIZE 10240000', 'HELP'] };

/** [pattern lines, reply, 'ok' or the explanation]. */
const TABLE: readonly (readonly [string, Reply, string])[] = [
  // code only
  ['S: 250', { code: 250, lines: ['a', 'b'] }, 'ok'],
  ['S: 250', { code: 550, lines: ['5.1.1 no'] }, 'code 550 does not match 250'],
  ['S: 2xx', { code: 221, lines: ['bye'] }, 'ok'],
  ['S: 25x', { code: 221, lines: ['bye'] }, 'code 221 does not match 25x'],
  ['S: xxx', { code: 421, lines: ['busy'] }, 'ok'],
  ['S: 2XX', { code: 250, lines: ['ok'] }, 'ok'],
  // one line with text: the last line, every line of the reply with that code
  ['S: 250 *', EHLO, 'ok'],
  ['S: 250 HELP', EHLO, 'ok'],
  ['S: 250 SIZE *', EHLO, 'line 4 (the last): text `HELP` does not match glob `SIZE *` at column 1'],
  ['S: 250 2.1.0 *', { code: 250, enhanced: '2.1.0', lines: ['2.1.0 Ok'] }, 'ok'],
  [
    'S: 250 2.1.5 *',
    { code: 250, enhanced: '2.1.0', lines: ['2.1.0 Ok'] },
    'text `2.1.0 Ok` does not match glob `2.1.5 *` at column 5',
  ],
  ['S: 250 Ok', { code: 250, lines: ['Ok thanks'] }, 'text `Ok thanks` does not match glob `Ok` at column 3'],
  ['S: 250 Ok thanks', { code: 250, lines: ['Ok'] }, 'text `Ok` does not match glob `Ok thanks` at column 3'],
  ['S: 250 *', { code: 354, lines: ['go ahead'] }, 'code 354 does not match 250'],
  ['S: 250 *queued as *', { code: 250, lines: ['2.0.0 Ok: queued as 4BCD'] }, 'ok'],
  [
    'S: 250 *queued as *',
    { code: 250, lines: ['2.0.0 Ok'] },
    'text `2.0.0 Ok` does not match glob `*queued as *` at column 1',
  ],
  ['S: 250 *a*b*', { code: 250, lines: ['xaybz'] }, 'ok'],
  ['S: 250 *a*b*', { code: 250, lines: ['xbya'] }, 'text `xbya` does not match glob `*a*b*` at column 5'],
  ['S: 250 *ok', { code: 250, lines: ['not ok!'] }, 'text `not ok!` does not match glob `*ok` at column 6'],
  ['S: 250 a\\x2ab', { code: 250, lines: ['a*b'] }, 'ok'],
  ['S: 250 a\\x2ab', { code: 250, lines: ['axb'] }, 'text `axb` does not match glob `a\\x2ab` at column 2'],
  ['S: 250 caf\\xc3\\xa9', { code: 250, lines: ['café'] }, 'ok'],
  ['S: 250 x', { code: 250, lines: ['a\tb'] }, 'text `a\\x09b` does not match glob `x` at column 1'],
  ['S: 250 *', { code: 250, lines: [''] }, 'ok'],
  // regex: searched in the rest of the line
  ['S: 250 /queued as \\w+/', { code: 250, lines: ['2.0.0 Ok: queued as 4BCD'] }, 'ok'],
  [
    'S: 250 /queued as \\w+/',
    { code: 250, lines: ['2.0.0 Ok'] },
    'text `2.0.0 Ok` does not match /queued as \\w+/',
  ],
  ['S: 250 /^ok$/i', { code: 250, lines: ['OK'] }, 'ok'],
  ['S: 250 /^ok$/', { code: 250, lines: ['OK'] }, 'text `OK` does not match /^ok$/'],
  // several lines, one to one, ... for zero or more
  ['S: 250-*\nS: ...\nS: 250 *', EHLO, 'ok'],
  ['S: 250-*\nS: ...\nS: 250 *', { code: 250, lines: ['mx', 'HELP'] }, 'ok'],
  [
    'S: 250-*\nS: ...\nS: 250 *',
    { code: 250, lines: ['mx'] },
    'line 1: expected a continuation line `250-*` but the reply ends with `250 mx`',
  ],
  ['S: 250-mx.example.test\nS: 250-PIPELINING\nS: 250-SIZE *\nS: 250 HELP', EHLO, 'ok'],
  [
    'S: 250-mx.example.test\nS: 250-SIZE *\nS: 250 HELP',
    EHLO,
    'line 2: text `PIPELINING` does not match glob `SIZE *` at column 1',
  ],
  ['S: 250-mx.example.test\nS: ...\nS: 250-SIZE *\nS: 250 HELP', EHLO, 'ok'],
  [
    'S: 250-mx.example.test\nS: ...\nS: 250-SIZE 5*\nS: 250 HELP',
    EHLO,
    'line 3: text `SIZE 10240000` does not match glob `SIZE 5*` at column 6',
  ],
  [
    'S: 250-a\nS: 250-SIZE *\nS: 250 HELP',
    { code: 250, lines: ['a', 'HELP'] },
    'line 2: expected a continuation line `250-SIZE *` but the reply ends with `250 HELP`',
  ],
  [
    'S: 250-a\nS: 250 b',
    { code: 250, lines: ['a', 'x', 'b'] },
    'line 2: expected the last line `250 b` but the reply continues with `250-x`',
  ],
  ['S: 250-a\nS: 250 b', { code: 550, lines: ['a', 'b'] }, 'line 1: code 550 does not match 250'],
  ['S: 250-a\nS: 250', { code: 250, lines: ['a', 'anything'] }, 'ok'],
  [
    'S: 250-a\nS: 250',
    { code: 250, lines: ['a', 'b', 'c'] },
    'line 2: expected the last line `250` but the reply continues with `250-b`',
  ],
  ['S: ...\nS: 250 HELP', EHLO, 'ok'],
  ['S: ...\nS: 250 QUIT', EHLO, 'line 4: text `HELP` does not match glob `QUIT` at column 1'],
  ['S: 2xx-*\nS: ...\nS: 25x *', EHLO, 'ok'],
];

describe('matchReply', () => {
  it.each(TABLE)('%j against %j', (pattern, reply, expected) => {
    expect(outcome(pattern, reply)).toBe(expected);
  });

  it('shows the expectation as written and the reply as S: lines', () => {
    const result = matchReply(expectation('S: 250-*\nS: ...\nS: 250 *'), {
      code: 554,
      lines: ['no *', 'a\\b'],
    });
    expect(result).toEqual({
      ok: false,
      expected: 'S: 250-*\nS: ...\nS: 250 *',
      actual: 'S: 554-no \\x2a\nS: 554 a\\\\b',
      explanation: 'line 1: code 554 does not match 250',
    });
  });

  it('substitutes @set variables as literal text', () => {
    const file = parseTranscript('@set id 4B.CD\nS: 250 2.0.0 queued as {{id}}\nS: 250 /as {{id}}$/');
    let scope = createScope();
    for (const step of file.preamble) {
      if (step.directive.name !== 'set') continue;
      const next = defineVariable(scope, step.directive);
      if (!next.ok) throw new Error(next.error.message);
      scope = next.value;
    }
    const [glob, regex] = (file.sessions[0]?.steps ?? []) as ReplyExpectation[];
    if (!glob || !regex) throw new Error('expected two expectations');
    expect(matchReply(glob, { code: 250, lines: ['2.0.0 queued as 4B.CD'] }, scope).ok).toBe(true);
    expect(matchReply(regex, { code: 250, lines: ['2.0.0 queued as 4B.CD'] }, scope).ok).toBe(true);
    // The dot of the value is literal in the regex, not "any character".
    expect(matchReply(regex, { code: 250, lines: ['2.0.0 queued as 4BxCD'] }, scope).ok).toBe(false);
  });

  it('resolves {{env:…}} at match time and explains a missing one', () => {
    const step = expectation('S: 250 /as {{env:QUEUE_ID}}$/');
    expect(
      outcome(
        'S: 250 /as {{env:QUEUE_ID}}$/',
        { code: 250, lines: ['as A.C'] },
        createScope({ QUEUE_ID: 'A.C' }),
      ),
    ).toBe('ok');
    const result = matchReply(step, { code: 250, lines: ['as ABC'] }, createScope({}));
    expect(result.ok ? '' : result.explanation).toBe(
      'cannot check: environment variable `QUEUE_ID` is not set (set it, or add `QUEUE_ID=…` to a .env file beside the transcript)',
    );
  });
});

describe('codeMatches', () => {
  it('treats x (either case) as any digit and everything else literally', () => {
    expect(codeMatches('250', 250)).toBe(true);
    expect(codeMatches('2x0', 210)).toBe(true);
    expect(codeMatches('2X0', 251)).toBe(false);
    expect(codeMatches('xxx', 599)).toBe(true);
    expect(codeMatches('250', 25)).toBe(false);
  });
});
