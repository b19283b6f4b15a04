import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import type { FileResult } from './results.js';
import { runFiles } from './run-files.js';
import { type Scratch, scratch } from './test-support/files.js';

let files: Scratch;
beforeEach(() => {
  files = scratch('files');
});
afterEach(() => files.remove());

/** What a file's result says, without times and ports. */
function outline(result: FileResult): unknown {
  return {
    file: result.file,
    status: result.status,
    sessions: result.sessions.map((s) => [s.status, s.failures.map((f) => `${f.line} ${f.message}`)]),
    failures: result.failures.map((f) => `${f.line} ${f.message}`),
  };
}

describe('runFiles', () => {
  it('gives the same results in the same order with --jobs 1 and --jobs 4', async () => {
    const names: string[] = [];
    for (let i = 0; i < 8; i++) {
      const name = `t${i}.smtp`;
      names.push(name);
      files.write(
        name,
        i % 3 === 0
          ? `S: 220 *\n@sleep ${(8 - i) * 5}ms\nC: NOOP ${i}\nS: 251 *\n`
          : `S: 220 *\n@sleep ${(8 - i) * 5}ms\nC: NOOP ${i}\nS: 250 *\nC: QUIT\nS: 221 *\n`,
      );
    }
    const serial = await runFiles(names, { cwd: files.dir, env: {}, jobs: 1 });
    const parallel = await runFiles(names, { cwd: files.dir, env: {}, jobs: 4 });
    expect(parallel.files.map(outline)).toEqual(serial.files.map(outline));
    expect(serial.files.map((f) => f.status)).toEqual([
      'failed',
      'passed',
      'passed',
      'failed',
      'passed',
      'passed',
      'failed',
      'passed',
    ]);
    expect(parallel.exitCode).toBe(1);
    expect(parallel.totals.cases).toEqual({ passed: 5, failed: 3, error: 0, skipped: 0 });
    // Each file had its own embedded server.
    const ports = new Set(parallel.files.map((f) => f.sessions[0]?.target));
    expect(ports.size).toBe(8);
  });

  it('stops starting files after the first failure with bail', async () => {
    files.write('a.smtp', 'S: 220 *\nC: NOOP\nS: 500 *\n');
    files.write('b.smtp', 'S: 220 *\n');
    files.write('c.smtp', 'S: 220 *\n');
    const events: RunEvent[] = [];
    const result = await runFiles(['a.smtp', 'b.smtp', 'c.smtp'], {
      cwd: files.dir,
      env: {},
      bail: true,
      onEvent: (e) => events.push(e),
    });
    expect(result.files.map((f) => f.file)).toEqual(['a.smtp']);
    expect(result.notRun).toEqual(['b.smtp', 'c.smtp']);
    expect(result.exitCode).toBe(1);
    expect(events[0]).toMatchObject({ type: 'run-start', files: ['a.smtp', 'b.smtp', 'c.smtp'] });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { exitCode: 1 } });
  });

  it('exits 2 when any file could not run, even beside a failed one', async () => {
    files.write('fail.smtp', 'S: 220 *\nC: NOOP\nS: 500 *\n');
    files.write('broken.smtp', 'S: 2\n');
    const result = await runFiles(['fail.smtp', 'broken.smtp'], { cwd: files.dir, env: {} });
    expect(result.status).toBe('error');
    expect(result.exitCode).toBe(2);
  });

  it('--update rewrites only the failing S: lines, byte for byte elsewhere; the next run passes', async () => {
    const original = [
      '# A greeting and two commands, CRLF line ends, indented lines kept',
      'S: 220 mx.example.test ESMTP *',
      '',
      '   C: EHLO client.example.test',
      '   # the EHLO reply is expected too short',
      '   S: 250-mx.example.test *',
      '   S: 250 HELP',
      'C: NOOP',
      'S: 250 2.0.0 Ok   # a comment is not allowed here, so this text is part of the pattern',
      'C: RSET',
      'S: 250 2.0.0 *',
      '',
    ].join('\r\n');
    const path = files.write('update.smtp', original);
    const first = await runFiles(['update.smtp'], { cwd: files.dir, env: {}, update: true });
    expect(first.files[0]?.updates.map((u) => [u.line, u.before])).toEqual([
      [6, 'S: 250-mx.example.test *\nS: 250 HELP'],
      [9, 'S: 250 2.0.0 Ok   # a comment is not allowed here, so this text is part of the pattern'],
    ]);
    expect(first.files[0]?.updates[1]?.after).toBe('S: 250 2.0.0 Ok');
    expect(first.files[0]?.status).toBe('passed');
    expect(first.exitCode).toBe(0);
    expect(first.totals.updated).toBe(2);
    expect(first.files[0]?.sessions[0]?.failures.every((f) => f.updated === true)).toBe(true);

    const rewritten = readFileSync(path, 'latin1');
    const lines = rewritten.split('\r\n');
    expect(rewritten.includes('\n') && !/[^\r]\n/.test(rewritten)).toBe(true);
    expect(lines.slice(0, 5)).toEqual(original.split('\r\n').slice(0, 5));
    expect(lines[5]).toBe('   S: 250-mx.example.test Hello client.example.test');
    expect(lines[6]).toBe('   S: 250-PIPELINING');
    const help = lines.indexOf('   S: 250 HELP');
    expect(lines.slice(7, help).every((l) => l.startsWith('   S: 250-'))).toBe(true);
    expect(lines.slice(help + 1)).toEqual(['C: NOOP', 'S: 250 2.0.0 Ok', 'C: RSET', 'S: 250 2.0.0 *', '']);

    const second = await runFiles(['update.smtp'], { cwd: files.dir, env: {} });
    expect(second.files[0]?.status).toBe('passed');
    expect(second.exitCode).toBe(0);
    const third = await runFiles(['update.smtp'], { cwd: files.dir, env: {}, update: true });
    expect(third.files[0]?.updates).toEqual([]);
    expect(readFileSync(path, 'latin1')).toBe(rewritten);
  });

  it('--update leaves failures that are not replies alone', async () => {
    const text = '@timeout 100ms\n@connect 127.0.0.1:1\nS: 220 *\n';
    const path = files.write('down.smtp', text);
    const result = await runFiles(['down.smtp'], { cwd: files.dir, env: {}, update: true });
    expect(result.files[0]?.status).toBe('error');
    expect(result.files[0]?.updates).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
