import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../runner/results.js';
import { runFiles } from '../runner/run-files.js';
import { type Scratch, scratch } from '../runner/test-support/files.js';
import { type RawServer, startRawServer } from '../runner/test-support/raw-server.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPretty, formatSummary, prettyProgress } from './pretty.js';
import { formatTap } from './tap.js';
import { xmlAttribute, xmlText } from './xml.js';

let files: Scratch;
let odd: RawServer;
let result: RunResult;
let live = '';

/** The phrase scripts/test-all.mjs reads from the last lines of a run. */
const TOTALS = /(\d+) passed, (\d+) failed/g;

beforeAll(async () => {
  files = scratch('reporters');
  // A server whose replies hold characters XML cannot carry and markup characters.
  odd = await startRawServer(async (connection) => {
    connection.socket.write('220 odd <&> "quoted" \x01\x1b[31m ESMTP\r\n');
    while ((await connection.line()) !== undefined) connection.socket.write('250 ok <b>&amp;</b>\r\n');
  });
  files.write('a-pass.smtp', 'S: 220 *\nC: NOOP\nS: 250 *\n@connect\nC: QUIT\nS: 221 *\n');
  files.write(
    'b-fail.smtp',
    '# two differences\nS: 220 *\nC: NOOP\nS: 250 2.1.0 *\nC: RSET\nS: 251 *\nC: QUIT\nS: 221 *\n',
  );
  files.write('c-parse.smtp', 'S: 220 *\n@conect 127.0.0.1:25\n');
  files.write(`d-odd&name #1.smtp`, `@connect 127.0.0.1:${odd.port}\nS: 220 ok *\nC: NOOP\nS: 250 ok\n`);
  result = await runFiles(['a-pass.smtp', 'b-fail.smtp', 'c-parse.smtp', 'd-odd&name #1.smtp'], {
    cwd: files.dir,
    env: {},
    onEvent: prettyProgress((text) => {
      live += text;
    }),
  });
});

afterAll(async () => {
  await odd.close();
  files.remove();
});

describe('the run behind the reports', () => {
  it('has a passing, a failing, an unparsable and an odd file', () => {
    expect(result.files.map((f) => [f.file, f.status])).toEqual([
      ['a-pass.smtp', 'passed'],
      ['b-fail.smtp', 'failed'],
      ['c-parse.smtp', 'error'],
      ['d-odd&name #1.smtp', 'failed'],
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.totals).toEqual({
      files: { passed: 1, failed: 2, error: 1 },
      cases: { passed: 2, failed: 2, error: 1, skipped: 0 },
      updated: 0,
    });
  });
});

describe('pretty reporter', () => {
  it('shows each failure at file:line with the expectation and the reply side by side', () => {
    const text = formatPretty(result);
    expect(text).toContain(' PASS  a-pass.smtp (2 sessions, ');
    expect(text).toContain(' FAIL  b-fail.smtp (1 of 1 session failed, ');
    expect(text).toContain('ERROR  c-parse.smtp (could not run, ');
    expect(text).toContain('  ✗ b-fail.smtp:4  the reply to `NOOP` (line 3)');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.includes('✗ b-fail.smtp:4'));
    expect(lines[header + 1]).toMatch(/^ {6}expected {8}actual$/);
    expect(lines[header + 2]).toMatch(/^ {6}S: 250 2\.1\.0 \* {2}S: 250 2\.0\.0 /);
    expect(lines[header + 3]).toBe('      text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3');
    expect(text).toContain('  ✗ b-fail.smtp:6  the reply to `RSET` (line 5)');
    expect(text).toContain('  ! c-parse.smtp:2  unknown directive @conect (did you mean @connect?)');
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('ends with one line counting sessions as N passed, M failed', () => {
    const text = formatPretty(result);
    const last = text.trimEnd().split('\n').at(-1) as string;
    expect(last).toMatch(/^2 passed, 3 failed \(1 error\) — 5 sessions in 4 files, \d+\.\d\d s$/);
    expect([...text.matchAll(TOTALS)].at(-1)?.slice(1)).toEqual(['2', '3']);
  });

  it('keeps the N passed, M failed phrase whole when coloured', () => {
    const coloured = formatSummary(result, { color: true });
    expect(coloured).toMatch(/\x1b\[31m2 passed, 3 failed/);
    expect([...coloured.matchAll(TOTALS)].at(-1)?.slice(1)).toEqual(['2', '3']);
    expect(formatPretty(result, { color: true })).toContain('\x1b[32m PASS \x1b[39m');
  });

  it('writes the same report live, file by file', () => {
    expect(live).toBe(formatPretty(result));
  });
});

describe('JUnit reporter', () => {
  interface Case {
    name: string;
    file: string;
    line: string;
    outcome: string | null;
    type: string | null;
    message: string | null;
    text: string | null;
  }
  interface Suite {
    name: string;
    tests: string;
    failures: string;
    errors: string;
    cases: Case[];
  }

  /** Parses the XML with Python's ElementTree (an independent, strict XML parser). */
  function parseXml(xml: string): { root: Record<string, string>; suites: Suite[] } {
    if (!existsSync('/usr/bin/python3')) {
      throw new Error('/usr/bin/python3 is missing: install python3 (bash scripts/install-peers.sh)');
    }
    const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
suites = []
for s in root.findall('testsuite'):
    cases = []
    for c in s.findall('testcase'):
        child = next(iter(c), None)
        cases.append({'name': c.get('name'), 'file': c.get('file'), 'line': c.get('line'),
                      'outcome': None if child is None else child.tag,
                      'type': None if child is None else child.get('type'),
                      'message': None if child is None else child.get('message'),
                      'text': None if child is None else child.text})
    suites.append({'name': s.get('name'), 'tests': s.get('tests'), 'failures': s.get('failures'),
                   'errors': s.get('errors'), 'cases': cases})
print(json.dumps({'root': dict(root.attrib), 'suites': suites}))
`;
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: xml }).toString('utf8'));
  }

  it('is well-formed XML: one testsuite per file, one testcase per session', () => {
    const { root, suites } = parseXml(formatJunit(result));
    expect(root).toMatchObject({ name: 'smtp run', tests: '5', failures: '2', errors: '1', skipped: '0' });
    expect(suites.map((s) => [s.name, s.tests, s.failures, s.errors])).toEqual([
      ['a-pass.smtp', '2', '0', '0'],
      ['b-fail.smtp', '1', '1', '0'],
      ['c-parse.smtp', '1', '0', '1'],
      ['d-odd&name #1.smtp', '1', '1', '0'],
    ]);
    expect(suites[0]?.cases.map((c) => [c.name, c.line, c.outcome])).toEqual([
      ['session 1 (line 1)', '1', null],
      ['session 2 (line 4)', '4', null],
    ]);
  });

  it('carries failures with their message, file:line, expectation and reply', () => {
    const { suites } = parseXml(formatJunit(result));
    const failure = suites[1]?.cases[0];
    expect(failure).toMatchObject({ outcome: 'failure', type: 'mismatch', file: 'b-fail.smtp', line: '2' });
    expect(failure?.message).toBe(
      'b-fail.smtp:4: the reply to `NOOP` (line 3): text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3',
    );
    expect(failure?.text).toMatch(
      /^b-fail\.smtp:4: the reply to `NOOP` \(line 3\): .*\nexpected:\nS: 250 2\.1\.0 \*\nactual:\nS: 250 2\.0\.0 /,
    );
    expect(failure?.text).toContain(
      'b-fail.smtp:6: the reply to `RSET` (line 5): code 250 does not match 251',
    );
    expect(suites[2]?.cases[0]).toMatchObject({
      outcome: 'error',
      type: 'parse',
      message: 'c-parse.smtp:2: unknown directive @conect (did you mean @connect?)',
    });
  });

  it('escapes markup and writes characters XML cannot carry as \\xNN', () => {
    const { suites } = parseXml(formatJunit(result));
    const odd = suites[3]?.cases[0];
    expect(odd?.message).toBe(
      'd-odd&name #1.smtp:2: the greeting: text `odd <&> "quoted" \\x01\\x1b[31m ESMTP` does not match glob `ok *` at column 2',
    );
    expect(odd?.text).toContain('S: 250 ok <b>&amp;</b>');
    expect(formatJunit(result)).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    // Text that reaches the writer raw (a file name, say) is made safe by the writer itself.
    const raw = `<r a="${xmlAttribute('\x00"<\n\ud800')}">${xmlText('\x01 <&> \udc00\uffff ok')}</r>`;
    const parsed = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, json, xml.etree.ElementTree as ET; r = ET.fromstring(sys.stdin.buffer.read()); print(json.dumps([r.get("a"), r.text]))',
      ],
      { input: raw },
    );
    expect(JSON.parse(parsed.toString('utf8'))).toEqual(['\\x00"<\n\\ud800', '\\x01 <&> \\udc00\\uffff ok']);
  });
});

describe('TAP reporter', () => {
  interface Point {
    ok: boolean;
    number: number;
    description: string;
    directive: string | undefined;
    yaml: Record<string, unknown> | undefined;
  }

  /**
   * A strict TAP 13 reader: version line, plan, numbered points, YAML blocks whose lines are
   * `key: value` with JSON values (a subset of YAML), comments. Anything else throws.
   */
  function parseTap(text: string): { plan: number; points: Point[]; comments: string[] } {
    const lines = text.split('\n');
    if (lines.at(-1) !== '') throw new Error('no final newline');
    lines.pop();
    if (lines[0] !== 'TAP version 13') throw new Error(`bad version line: ${lines[0]}`);
    const plan = /^1\.\.(\d+)$/.exec(lines[1] ?? '');
    if (!plan) throw new Error(`bad plan: ${lines[1]}`);
    const points: Point[] = [];
    const comments: string[] = [];
    for (let i = 2; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.startsWith('# ')) {
        comments.push(line.slice(2));
        continue;
      }
      const point = /^(not )?ok (\d+) - ((?:[^#\\]|\\.)*?)(?: # (SKIP.*))?$/.exec(line);
      if (!point) throw new Error(`line ${i + 1} is not TAP: ${line}`);
      let yaml: Record<string, unknown> | undefined;
      if (lines[i + 1] === '  ---') {
        yaml = {};
        for (i += 2; lines[i] !== '  ...'; i++) {
          if (i >= lines.length) throw new Error('unterminated YAML block');
          const entry = /^ {2}([a-z]+): (.*)$/.exec(lines[i] as string);
          if (!entry) throw new Error(`bad YAML line: ${lines[i]}`);
          yaml[entry[1] as string] = JSON.parse(entry[2] as string);
        }
      }
      points.push({
        ok: point[1] === undefined,
        number: Number(point[2]),
        description: (point[3] as string).replace(/\\(.)/g, '$1'),
        directive: point[4],
        yaml,
      });
    }
    return { plan: Number(plan[1]), points, comments };
  }

  it('is TAP 13: a plan, one point per session, YAML diagnostics for each that did not pass', () => {
    const { plan, points, comments } = parseTap(formatTap(result));
    expect(plan).toBe(5);
    expect(points.map((p) => [p.number, p.ok, p.description])).toEqual([
      [1, true, 'a-pass.smtp: session 1 (line 1)'],
      [2, true, 'a-pass.smtp: session 2 (line 4)'],
      [3, false, 'b-fail.smtp: session 1 (line 2)'],
      [4, false, 'c-parse.smtp: the file (it could not run)'],
      [5, false, 'd-odd&name #1.smtp: session 1 (line 1)'],
    ]);
    expect(points[2]?.yaml).toEqual({
      message: 'the reply to `NOOP` (line 3): text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3',
      severity: 'fail',
      kind: 'mismatch',
      at: 'b-fail.smtp:4',
      expected: 'S: 250 2.1.0 *',
      actual: expect.stringMatching(/^S: 250 2\.0\.0 /),
      explanation: 'text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3',
      more: ['b-fail.smtp:6: the reply to `RSET` (line 5): code 250 does not match 251'],
    });
    expect(points[3]?.yaml).toMatchObject({ severity: 'error', kind: 'parse', at: 'c-parse.smtp:2' });
    expect(points.every((p) => p.directive === undefined)).toBe(true);
    expect(comments).toEqual(['2 passed, 3 failed']);
  });

  it('marks sessions that were not run as SKIP', async () => {
    const one = await runFiles(['a-pass.smtp'], { cwd: files.dir, env: {}, session: { index: 1 } });
    const { points } = parseTap(formatTap(one));
    expect(points.map((p) => [p.ok, p.directive])).toEqual([
      [true, 'SKIP not selected to run'],
      [true, undefined],
    ]);
  });
});

describe('JSON reporter', () => {
  it('is the run result with its format and version, ranges as plain positions', () => {
    const report = JSON.parse(formatJson(result));
    expect(report).toMatchObject({
      format: 'smtp-run-report',
      version: 1,
      status: 'error',
      exitCode: 2,
      notRun: [],
      totals: { cases: { passed: 2, failed: 2, error: 1, skipped: 0 } },
    });
    expect(report.files).toHaveLength(4);
    const failed = report.files[1];
    expect(failed).toMatchObject({ file: 'b-fail.smtp', status: 'failed', updates: [], warnings: [] });
    expect(failed.sessions[0].failures[0]).toEqual({
      kind: 'mismatch',
      severity: 'failed',
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 14 } },
      line: 4,
      session: 0,
      message: 'the reply to `NOOP` (line 3): text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3',
      answers: 'the reply to `NOOP` (line 3)',
      expected: 'S: 250 2.1.0 *',
      actual: expect.stringMatching(/^S: 250 2\.0\.0 /),
      explanation: 'text `2.0.0 Ok` does not match glob `2.1.0 *` at column 3',
      reply: { code: 250, enhanced: '2.0.0', lines: [expect.stringMatching(/^2\.0\.0 /)] },
    });
    expect(report.files[2].diagnostics[0]).toMatchObject({
      code: 'unknown-directive',
      severity: 'error',
      range: { start: { line: 1, character: 0 } },
    });
    expect(failed.log.map((e: { kind: string }) => e.kind)).toEqual([
      'connect',
      'received',
      'sent',
      'received',
      'sent',
      'received',
      'sent',
      'received',
      'close',
    ]);
  });
});
