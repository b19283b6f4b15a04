import type { Failure, FileResult, SessionResult, StepResult } from '@smtp/transcript';
import { describe, expect, it } from 'vitest';
import { renderConformanceDoc, type ServerColumn } from './conformance-doc.js';
import { brokenRun, fileOutcomes, packOutcomes, type RunReport } from './conformance-outcomes.js';
import { parsePackFile } from './conformance-pack.js';

const TEXT = [
  '# Conformance: a tiny pack',
  '# RFC 5321 §4.1.1.4 (only <CRLF>.<CRLF> ends DATA).',
  '',
  'S: 220 *',
  'C: EHLO client.example.test',
  'S: 250 *',
  '',
  '# [NOOP] 250 2.0.0; the session',
  '# goes on.',
  'C: NOOP',
  'S: 250 2.0.0 *',
  '',
  '# [bare LF] 521 5.5.2 and close.',
  'C! NOOP\\n',
  'S: 521 5.5.2 *',
  '@closed',
].join('\n');
const PACK = parsePackFile('tiny.smtp', '/pack/tiny.smtp', TEXT);

const range = (line: number) => ({
  start: { line: line - 1, character: 0 },
  end: { line: line - 1, character: 1 },
});
const step = (line: number, status: StepResult['status'] = 'passed'): StepResult => ({
  kind: 'expect',
  range: range(line),
  line,
  status,
});
const mismatch = (line: number, expected: string, actual: string, answers: string): Failure => ({
  kind: 'mismatch',
  severity: 'failed',
  range: range(line),
  line,
  session: 0,
  message: `${answers}: differs`,
  answers: `the reply to \`${answers}\` (line ${line - 1})`,
  expected: `S: ${expected}`,
  actual: `S: ${actual}`,
  reply: { code: Number(actual.slice(0, 3)), lines: [actual.slice(4)] },
});
const event = (line: number, kind: Failure['kind'], message: string): Failure => ({
  kind,
  severity: 'failed',
  range: range(line),
  line,
  session: 0,
  message,
});

function session(steps: StepResult[], failures: Failure[]): SessionResult {
  return {
    index: 0,
    name: 'session 1 (line 4)',
    range: range(4),
    line: 4,
    status: failures.length ? 'failed' : 'passed',
    durationMs: 1,
    failures,
    steps,
  };
}

function file(sessions: SessionResult[], failures: Failure[] = []): FileResult {
  return {
    file: 'tiny.smtp',
    path: '/pack/tiny.smtp',
    status: 'failed',
    startedAt: 0,
    durationMs: 1,
    sessions,
    failures,
    diagnostics: [],
    warnings: [],
    log: [],
    updates: [],
  };
}

function report(files: FileResult[]): RunReport {
  return {
    format: 'smtp-run-report',
    version: 1,
    status: 'failed',
    exitCode: 1,
    startedAt: 0,
    durationMs: 1,
    files,
    notRun: [],
    totals: {
      files: { passed: 0, failed: 1, error: 0 },
      cases: { passed: 0, failed: 1, error: 0, skipped: 0 },
      updated: 0,
    },
  } as RunReport;
}

describe('the pack file', () => {
  it('reads the title, the header and each case with its comment lines joined', () => {
    expect(PACK.title).toBe('a tiny pack');
    expect(PACK.header).toBe('RFC 5321 §4.1.1.4 (only <CRLF>.<CRLF> ends DATA).');
    expect(PACK.cases).toEqual([
      { line: 8, name: 'NOOP', comment: '[NOOP] 250 2.0.0; the session goes on.' },
      { line: 13, name: 'bare LF', comment: '[bare LF] 521 5.5.2 and close.' },
    ]);
  });
});

describe('outcomes', () => {
  it('follows when every step of a case passed', () => {
    const outcomes = fileOutcomes(
      PACK,
      file([session([step(4), step(10), step(11), step(14), step(15)], [])]),
    );
    expect(outcomes.cases.get(8)?.state).toBe('follows');
    expect(outcomes.cases.get(13)?.state).toBe('follows');
  });

  it('tells a reply with the right code apart from another reply, quoting both, and marks what came after', () => {
    const failures = [
      mismatch(11, '250 2.0.0 *', '250 OK', 'NOOP'),
      mismatch(15, '521 5.5.2 *', '250 OK', 'NOOP'),
      event(16, 'not-closed', 'expected the server to close the connection, but it kept it open for 3s'),
    ];
    const outcomes = fileOutcomes(
      PACK,
      file([session([step(10), step(11, 'failed'), step(15, 'failed')], failures)]),
    );
    expect(outcomes.cases.get(8)).toEqual({
      state: 'same-code',
      observed: [
        { kind: 'reply', failure: 'mismatch', text: '250 OK', answers: '`NOOP`', expected: '250 2.0.0 *' },
      ],
      afterEarlierDifference: false,
    });
    const bareLf = outcomes.cases.get(13);
    expect(bareLf?.state).toBe('differs');
    expect(bareLf?.observed.map((o) => o.text)).toEqual([
      '250 OK',
      'expected the server to close the connection, but it kept it open for 3s',
    ]);
    // The only earlier failure had the right code: nothing to discount.
    expect(bareLf?.afterEarlierDifference).toBe(false);
  });

  it('counts an EHLO reply without the line expected as a difference, though its code is 250', () => {
    const ehlo: Failure = {
      ...mismatch(11, '250-*', '250-peer.example.test', 'NOOP'),
      expected: 'S: 250-*\nS: 250-PIPELINING\nS: 250 *',
      actual: 'S: 250-peer.example.test\nS: 250 HELP',
      reply: { code: 250, lines: ['peer.example.test', 'HELP'] },
    };
    const outcomes = fileOutcomes(PACK, file([session([step(11, 'failed')], [ehlo])]));
    expect(outcomes.cases.get(8)?.state).toBe('differs');
    expect(outcomes.cases.get(8)?.observed[0]?.text).toBe('250-peer.example.test / 250 HELP');
  });

  it('marks a case that fails after a real difference earlier in its session', () => {
    const failures = [
      mismatch(11, '250 2.0.0 *', '502 not here', 'NOOP'),
      mismatch(15, '521 5.5.2 *', '250 OK', 'NOOP'),
    ];
    const outcomes = fileOutcomes(PACK, file([session([step(11, 'failed'), step(15, 'failed')], failures)]));
    expect(outcomes.cases.get(8)?.state).toBe('differs');
    expect(outcomes.cases.get(13)?.afterEarlierDifference).toBe(true);
  });

  it('keeps failures before the first case as the preamble, and cases never stepped on as not reached', () => {
    const failures = [
      event(6, 'closed', 'waiting for the reply to `EHLO` (line 5): the server closed the connection'),
    ];
    const outcomes = fileOutcomes(PACK, file([session([step(4), step(6, 'failed')], failures)]));
    expect(outcomes.preamble).toEqual([{ kind: 'event', failure: 'closed', text: failures[0]?.message }]);
    expect(outcomes.cases.get(8)?.state).toBe('not-reached');
  });

  it('has no outcome for a file the run has no result for', () => {
    const outcomes = packOutcomes([PACK], [report([])]);
    expect(outcomes.get('tiny.smtp')?.ran).toBe(false);
  });
});

describe('a broken run', () => {
  it('is a missing file, a parse error or an unreachable server, not a server that differs', () => {
    const differs = file([session([step(11, 'failed')], [mismatch(11, '250 2.0.0 *', '502 no', 'NOOP')])]);
    expect(brokenRun(report([differs]), ['/pack/tiny.smtp'])).toBeUndefined();
    expect(brokenRun(report([]), ['/pack/tiny.smtp'])).toMatch(/no result for \/pack\/tiny.smtp/);
    const unreachable = file([], [event(4, 'unreachable', 'connection refused')]);
    expect(brokenRun(report([unreachable]), ['/pack/tiny.smtp'])).toMatch(/unreachable: connection refused/);
  });
});

describe('the document', () => {
  it('quotes what a server replied, gives n/a its reason, and leaves URLs and table breaks out', () => {
    const failures = [
      mismatch(15, '521 5.5.2 *', '451 Bare LF | see https://peer.example.test/barelf', 'NOOP'),
      event(16, 'not-closed', 'expected the server to close the connection, but it kept it open for 3s'),
    ];
    const peer = fileOutcomes(PACK, file([session([step(10), step(11), step(15, 'failed')], failures)]));
    const columns: ServerColumn[] = [
      {
        name: 'peer',
        version: '1.0',
        setup: 'as is',
        notApplicable: {},
        outcomes: new Map([['tiny.smtp', peer]]),
      },
      {
        name: 'other',
        version: '2.0',
        setup: 'as is',
        notApplicable: { 'tiny.smtp': 'no such mode' },
        outcomes: new Map(),
      },
    ];
    const doc = renderConformanceDoc([PACK], columns, {
      date: '2026-01-01',
      machine: 'm',
      seconds: 1,
      runOptions: '',
    });
    const bareLfRow = doc.split('\n').find((line) => line.includes('**bare LF**'));
    expect(bareLfRow).toContain('**differs**: `NOOP` → `451 Bare LF \\| see [URL left out]`');
    expect(bareLfRow).toContain('n/a: no such mode');
    expect(doc).not.toContain('peer.example.test');
    expect(doc).toContain('| peer | 1.0 | 1 | 0 | 1 | 0 | 0 |');
    expect(doc).toContain('\\<CRLF\\>.\\<CRLF\\>');
  });
});
