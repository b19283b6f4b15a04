import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smtp-run-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function smtp(args: readonly string[], env: Record<string, string> = {}) {
  return runCli(['run', ...args], { cwd: dir, env });
}

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const PASSING = `# greet and leave
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250 HELP
C: QUIT
S: 221 *
`;
const FAILING = 'S: 220 *\nC: NOOP\nS: 250 2.1.0 *\n';

/** The phrase scripts/test-all.mjs reads. */
const TOTALS = /(\d+) passed, (\d+) failed/g;

describe('smtp run: exit statuses', () => {
  it('exits 0 when every session passes, ending with N passed, M failed', async () => {
    write('a.smtp', PASSING);
    write('sub/b.smtp', PASSING);
    const run = await smtp([]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ PASS {2}a\.smtp \(1 session, \d+ ms\)\n PASS {2}sub\/b\.smtp \(1 session, \d+ ms\)\n/,
    );
    const last = run.stdout.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^2 passed, 0 failed — 2 sessions in 2 files, \d+\.\d\d s$/);
    expect([...run.stdout.matchAll(TOTALS)].at(-1)?.slice(1)).toEqual(['2', '0']);
  });

  it('exits 1 when an expectation fails, showing file:line, expected and actual', async () => {
    write('fail.smtp', FAILING);
    const run = await smtp(['fail.smtp']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  ✗ fail.smtp:3  the reply to `NOOP` (line 2)');
    expect(run.stdout).toMatch(/ {6}S: 250 2\.1\.0 \* {2}S: 250 2\.0\.0 /);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^0 passed, 1 failed — /);
  });

  it('exits 2 for a parse error, and 2 when parse errors and failures come together', async () => {
    write('broken.smtp', 'S: 220 *\n@conect 127.0.0.1:25\n');
    const broken = await smtp(['broken.smtp']);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain('  ! broken.smtp:2  unknown directive @conect (did you mean @connect?)');
    write('fail.smtp', FAILING);
    expect((await smtp(['broken.smtp', 'fail.smtp'])).code).toBe(2);
  });

  it('exits 2 when the server cannot be reached, in one line', async () => {
    const port = await unusedPort();
    write('down.smtp', `@connect 127.0.0.1:${port}\nS: 220 *\n`);
    const run = await smtp(['down.smtp']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`  ! down.smtp:1  cannot connect to 127.0.0.1:${port}: connection refused`);
    write('any.smtp', PASSING);
    const viaFlag = await smtp(['any.smtp', '--server', `127.0.0.1:${port}`]);
    expect(viaFlag.code).toBe(2);
    expect(viaFlag.stdout).toContain(`cannot connect to 127.0.0.1:${port}: connection refused`);
    expect(viaFlag.stderr).toBe('');
  });

  it('exits 2 for an undefined environment variable; the environment and .env set it', async () => {
    write('auth.smtp', 'S: 220 *\nC: EHLO {{env:CLIENT_NAME}}\nS: 250 *\n');
    const unset = await smtp(['auth.smtp']);
    expect(unset.code).toBe(2);
    expect(unset.stdout).toContain(
      '  ! auth.smtp:2  environment variable `CLIENT_NAME` is not set (set it, or add `CLIENT_NAME=…` to a .env file beside the transcript)',
    );
    expect((await smtp(['auth.smtp'], { CLIENT_NAME: 'client.example.test' })).code).toBe(0);
    write('.env', 'CLIENT_NAME=dotenv.example.test\n');
    expect((await smtp(['auth.smtp'])).code).toBe(0);
  });

  it('exits 2 on bad usage, with one line on stderr', async () => {
    write('a.smtp', PASSING);
    write('b.smtp', PASSING);
    write('s.serve.smtp', 'S: 220 x\n');
    write('empty/readme.txt', '');
    const cases: [string[], string][] = [
      [['--reporter', 'xml'], "run: --reporter must be pretty, junit, tap or json, got 'xml'"],
      [['--shard', '3/2'], "run: --shard i/n needs 1 ≤ i ≤ n, got '3/2'"],
      [['--shard', 'x'], "run: --shard needs i/n, like 1/4, got 'x'"],
      [['--jobs', '0'], "run: --jobs needs a whole number from 1 to 256, got '0'"],
      [['--timeout', '5'], "run: --timeout needs a duration from 1ms to 10m, like 5s or 500ms, got '5'"],
      [
        ['--server', 'nowhere'],
        "run: --server needs HOST:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got 'nowhere'",
      ],
      [['missing.smtp'], 'run: no such file or folder: missing.smtp'],
      [
        ['s.serve.smtp'],
        'run: s.serve.smtp is a server script (run it with smtp serve --script), not a transcript to run',
      ],
      [['empty'], 'run: no .smtp transcripts in empty (server scripts *.serve.smtp are not run)'],
      [['--session', '1'], 'run: --session, --session-at and --until need exactly one file, got 2'],
      [['--frobnicate'], "run: unknown option '--frobnicate' (see smtp run --help)"],
    ];
    for (const [args, message] of cases) {
      const run = await smtp(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toBe(`smtp: ${message}\n`);
    }
  });

  it('has --help', async () => {
    const run = await smtp(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^usage: smtp run \[PATH…\] \[--server HOST:PORT\] \[--reporter pretty\|junit\|tap\|json\]/,
    );
    for (const flag of [
      '--output FILE',
      '--update',
      '--bail',
      '--shard i/n',
      '--jobs N',
      '--timeout DURATION',
    ]) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toContain('2 a file could not run');
  });
});

describe('smtp run: reports and options', () => {
  it('writes a machine report to stdout alone, or to --output with the pretty progress on the terminal', async () => {
    write('a.smtp', PASSING);
    write('fail.smtp', FAILING);
    const json = await smtp(['--reporter', 'json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ format: 'smtp-run-report', version: 1, exitCode: 1 });
    expect(report.files.map((f: { file: string; status: string }) => [f.file, f.status])).toEqual([
      ['a.smtp', 'passed'],
      ['fail.smtp', 'failed'],
    ]);
    const junit = await smtp(['--reporter', 'junit', '--output', 'reports/junit.xml']).catch((e) => e);
    expect(junit.code).toBe(2);
    expect(junit.stderr).toBe('smtp: run: cannot write the report to reports/junit.xml: no such folder\n');
    mkdirSync(join(dir, 'reports'));
    const written = await smtp(['--reporter', 'junit', '--output', 'reports/junit.xml']);
    expect(written.code).toBe(1);
    expect(written.stdout).toContain(' FAIL  fail.smtp');
    const xml = readFileSync(join(dir, 'reports/junit.xml'), 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="smtp run" tests="2" failures="1"/,
    );
    const tap = await smtp(['--reporter', 'tap', 'a.smtp']);
    expect(tap.stdout).toBe(
      'TAP version 13\n1..1\nok 1 - a.smtp: session 1 (line 2)\n# 1 passed, 0 failed\n',
    );
  });

  it('--update rewrites the failing lines, says so, and the next run passes', async () => {
    const path = write('fix.smtp', '# keep me\nS: 220 *\n\nC: NOOP\nS: 250 2.1.0 *   \n');
    const updated = await smtp(['--update', 'fix.smtp']);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('  updated fix.smtp:5  S: 250 2.1.0 *     →  S: 250 2.0.0 Ok');
    expect(updated.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^1 passed, 0 failed — 1 session in 1 file, 1 expectation updated, /,
    );
    expect(readFileSync(path, 'utf8')).toBe('# keep me\nS: 220 *\n\nC: NOOP\nS: 250 2.0.0 Ok\n');
    expect((await smtp(['fix.smtp'])).code).toBe(0);
  });

  it('--shard i/n splits the sorted files: every file in exactly one shard, the same every time', async () => {
    for (const name of ['e', 'a', 'd', 'b', 'c']) write(`${name}.smtp`, PASSING);
    const ran = async (shard: string) => {
      const run = await smtp(['--shard', shard, '--reporter', 'json']);
      return JSON.parse(run.stdout).files.map((f: { file: string }) => f.file) as string[];
    };
    const shards = [await ran('1/3'), await ran('2/3'), await ran('3/3')];
    expect(shards).toEqual([['a.smtp'], ['b.smtp', 'c.smtp'], ['d.smtp', 'e.smtp']]);
    expect(await ran('2/3')).toEqual(shards[1]);
    const empty = await smtp(['--shard', '1/9']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^shard 1\/9 has no files \(5 in all\)\n\n0 passed, 0 failed — /);
  });

  it('--jobs N runs files side by side with the same results, in the same order', async () => {
    for (let i = 0; i < 6; i++) write(`f${i}.smtp`, i === 2 ? FAILING : PASSING);
    const serial = JSON.parse((await smtp(['--reporter', 'json'])).stdout);
    const parallel = await smtp(['--reporter', 'json', '--jobs', '3']);
    expect(parallel.code).toBe(1);
    const shape = (report: { files: { file: string; status: string }[] }) =>
      report.files.map((f) => [f.file, f.status]);
    expect(shape(JSON.parse(parallel.stdout))).toEqual(shape(serial));
  });

  it('--bail stops after the first failing file', async () => {
    write('a.smtp', FAILING);
    write('b.smtp', PASSING);
    const run = await smtp(['--bail']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('b.smtp');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^0 passed, 1 failed — 1 session in 1 file, 1 file not run, /,
    );
  });

  it('runs one session, or up to a line, of one file', async () => {
    write('two.smtp', `${PASSING}@connect\nC: NOOP\nS: 250 2.1.0 *\n`);
    expect((await smtp(['two.smtp'])).code).toBe(1);
    const first = await smtp(['two.smtp', '--session', '1', '--reporter', 'tap']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('ok 2 - two.smtp: session 2 (line 9) # SKIP not selected to run');
    expect((await smtp(['two.smtp', '--session-at', '10'])).code).toBe(1);
    expect((await smtp(['two.smtp', '--until', '8'])).code).toBe(0);
  });
});
