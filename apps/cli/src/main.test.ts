import { describe, expect, it } from 'vitest';
import type { CommandDefinition } from './command.js';
import { CliError } from './errors.js';
import { runCli } from './test-support/run-cli.js';

const echo: CommandDefinition = {
  name: 'echo',
  summary: 'prints its arguments',
  usage: 'echo [--upper] [--times N] WORD…',
  description: 'Prints the words.',
  exitStatuses: ['0 printed', '2 bad usage'],
  flags: {
    upper: { type: 'boolean', description: 'upper-case the words' },
    times: { type: 'string', value: 'N', description: 'repeat' },
    tag: { type: 'string', multiple: true, value: 'T', description: 'a tag' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals[0] === 'fail') throw new CliError('the server refused: 550 5.1.1 no such user', 1);
    if (positionals[0] === 'crash') throw new TypeError('boom');
    const text = positionals.join(' ');
    io.stdout.write(`${values.upper ? text.toUpperCase() : text} ${JSON.stringify(values.tag ?? [])}\n`);
    return 0;
  },
};

describe('smtp main', () => {
  it('runs a command with its flags', async () => {
    const run = await runCli(['echo', '--upper', '--tag', 'a', '--tag', 'b', 'hi', 'there'], {
      table: [echo],
    });
    expect(run).toEqual({ code: 0, stdout: 'HI THERE ["a","b"]\n', stderr: '' });
  });

  it('prints the version', async () => {
    const run = await runCli(['--version'], { table: [echo] });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('lists commands with --help and exits 0', async () => {
    const run = await runCli(['--help'], { table: [echo] });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('echo  prints its arguments');
  });

  it('exits 2 with help when no command is given', async () => {
    const run = await runCli([], { table: [echo] });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('usage: smtp <command>');
  });

  it('prints command help with its flags and exit statuses', async () => {
    const run = await runCli(['echo', '--help'], { table: [echo] });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: smtp echo [--upper]');
    expect(run.stdout).toContain('--tag T (repeatable)');
    expect(run.stdout).toContain('2 bad usage');
    const viaHelp = await runCli(['help', 'echo'], { table: [echo] });
    expect(viaHelp.stdout).toBe(run.stdout);
  });

  it('refuses an unknown command in one line with exit 2', async () => {
    const run = await runCli(['sned'], { table: [echo] });
    expect(run).toEqual({ code: 2, stdout: '', stderr: "smtp: unknown command 'sned' (commands: echo)\n" });
  });

  it('refuses an unknown flag in one line with exit 2', async () => {
    const run = await runCli(['echo', '--uper'], { table: [echo] });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("smtp: echo: unknown option '--uper' (see smtp echo --help)\n");
  });

  it('prints a CliError as one line with its exit status', async () => {
    const run = await runCli(['echo', 'fail'], { table: [echo] });
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'smtp: the server refused: 550 5.1.1 no such user\n',
    });
  });

  it('reports an unexpected error without a stack trace unless SMTP_DEBUG is set', async () => {
    const quiet = await runCli(['echo', 'crash'], { table: [echo] });
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe('smtp: internal error: boom (set SMTP_DEBUG=1 to see where)\n');
    const loud = await runCli(['echo', 'crash'], { table: [echo], env: { SMTP_DEBUG: '1' } });
    expect(loud.stderr).toContain('TypeError: boom\n    at ');
  });
});
