import { describe, expect, it } from 'vitest';
import type { Diagnostic, SendLine } from './ast.js';
import { parseTranscript } from './parser.js';
import { checkServable, matchClientLine } from './serve-check.js';
import { createScope } from './variables.js';

function show(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${d.severity} ${d.code} ${d.message}`;
}

function served(text: string): string[] {
  const file = parseTranscript(text);
  expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return checkServable(file).map(show);
}

describe('checkServable', () => {
  it('accepts a transcript whose S: lines are literal', () => {
    expect(
      served(
        'S: 220 mx.example.test ESMTP\nC: EHLO *\nS: 250-mx.example.test\nS: 250 SIZE 1000\nC: QUIT\nS: 221 2.0.0 bye\n',
      ),
    ).toEqual([]);
  });

  it('refuses wildcards, x codes, regexes and ... in S: lines, saying where', () => {
    expect(served('S: 220 *\nC: EHLO x\nS: 25x-a\nS: ...\nS: 250 /ok/\n')).toEqual([
      '0:7-0:8 error serve-pattern served in reverse, `S:` lines are sent as written: `*` cannot be sent (write `\\x2a` for a literal star)',
      '2:3-2:6 error serve-pattern served in reverse, `S:` lines are sent as written: `25x` is not a reply code, write the exact code',
      '3:3-3:6 error serve-pattern served in reverse, `S:` lines are sent as written: `...` cannot be sent, write each line',
      '4:7-4:11 error serve-pattern served in reverse, `S:` lines are sent as written: a /regex/ cannot be sent, write the text',
    ]);
  });

  it('requires each session to start with the greeting', () => {
    expect(served('C: EHLO x\nS: 250 ok\n')).toEqual([
      '0:0-0:9 error serve-greeting served in reverse, a session starts with the server greeting: put `S: 220 …` before the first `C:` line',
    ]);
  });

  it('refuses C! lines, which cannot be checked line by line', () => {
    expect(served('S: 220 hi\nC! NOOP\nC: \nS: 250 ok\n')).toEqual([
      '1:0-1:2 error serve-raw-send served in reverse, the client is checked line by line: `C!` cannot be checked, write the whole line with `C:`',
    ]);
  });

  it('warns about directives that have no effect when served', () => {
    expect(served('@server size=10\n@tls implicit\n@connect 127.0.0.1:2525\nS: 220 hi\n')).toEqual([
      '0:0-0:15 warning serve-ignored served in reverse, @server is ignored: use `smtp serve` options',
      '1:0-1:13 warning serve-ignored served in reverse, @tls is ignored: TLS comes from `smtp serve` options',
      '2:9-2:23 warning serve-ignored served in reverse, @connect addresses are ignored: clients connect to `smtp serve`',
    ]);
  });
});

describe('matchClientLine', () => {
  const file = parseTranscript(
    '@set me client.example.test\nS: 220 hi\nC: EHLO {{me}}\nC: MAIL FROM:<*> SIZE=*\nC: X\\x2a\n',
  );
  const lines = file.lines.filter((l): l is SendLine => l.kind === 'send');
  const scope = {
    ...createScope(),
    variables: new Map([['me', new TextEncoder().encode('client.example.test')]]),
  };

  it('reads a C: line as a glob with variables', () => {
    expect(matchClientLine(lines[0] as SendLine, 'EHLO client.example.test', scope)).toEqual({ ok: true });
    expect(matchClientLine(lines[1] as SendLine, 'MAIL FROM:<a@b> SIZE=10', scope)).toEqual({ ok: true });
    expect(matchClientLine(lines[2] as SendLine, new TextEncoder().encode('X*'), scope)).toEqual({
      ok: true,
    });
  });

  it('explains a mismatch', () => {
    expect(matchClientLine(lines[1] as SendLine, 'MAIL FROM:<a@b>', scope)).toEqual({
      ok: false,
      expected: 'C: MAIL FROM:<*> SIZE=*',
      actual: 'C: MAIL FROM:<a@b>',
      explanation: 'line `MAIL FROM:<a@b>` does not match `MAIL FROM:<*> SIZE=*` at column 12',
    });
    const star = matchClientLine(lines[2] as SendLine, 'XY', scope);
    expect(star.ok).toBe(false);
  });

  it('says when a variable is missing', () => {
    const result = matchClientLine(lines[0] as SendLine, 'EHLO x');
    expect(result.ok ? '' : result.explanation).toBe(
      'cannot check: `{{me}}` is not defined (add `@set me …` above this line)',
    );
  });
});
