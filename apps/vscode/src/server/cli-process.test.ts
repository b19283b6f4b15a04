import { afterAll, describe, expect, it } from 'vitest';
import { LISTENING_LINE } from './cli-launch.js';
import { CliProcess } from './cli-process.js';
import { writeFakeCli } from './test-support/fake-cli.js';

const { file: fake, remove } = writeFakeCli();
afterAll(remove);

function startFake(mode: string, onLine?: (line: string) => void): CliProcess {
  return CliProcess.start({
    command: process.execPath,
    args: [fake, 'serve', '--host', '127.0.0.1', '--port', '0'],
    env: { ...process.env, FAKE_SMTP_MODE: mode },
    ...(onLine ? { onLine } : {}),
  });
}

describe('CliProcess', () => {
  it('reports output line by line and stops by PID with SIGTERM', async () => {
    const lines: string[] = [];
    const child = startFake('ok', (line) => lines.push(line));
    const match = await child.waitForLine(LISTENING_LINE, 10_000);
    expect(Number(match[3])).toBeGreaterThan(0);
    expect(child.pid).toBeTypeOf('number');
    expect(child.state.kind).toBe('running');
    const exit = await child.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.state).toEqual({ kind: 'exited', exit });
    expect(lines).toEqual([match[0], 'stopping']);
  });

  it('finds a line that was printed before anyone waited for it', async () => {
    const child = startFake('ok');
    await child.waitForLine(LISTENING_LINE, 10_000);
    await expect(child.waitForLine(/^listening/, 10)).resolves.toBeTruthy();
    await child.stop();
  });

  it('rejects a wait with the last error line when the process exits first', async () => {
    const child = startFake('fail');
    await expect(child.waitForLine(LISTENING_LINE, 10_000)).rejects.toThrow(
      'exited with status 2: smtp: cannot listen on 127.0.0.1:0: address in use',
    );
  });

  it('rejects a wait after its timeout', async () => {
    const child = startFake('silent');
    await expect(child.waitForLine(LISTENING_LINE, 300)).rejects.toThrow('no answer within 0.3 s');
    await child.stop();
  });

  it('kills a process that ignores SIGTERM once the grace time is over', async () => {
    const lines: string[] = [];
    const child = startFake('stubborn', (line) => lines.push(line));
    await child.waitForLine(LISTENING_LINE, 10_000);
    const exit = await child.stop('SIGTERM', 300);
    expect(exit.signal).toBe('SIGKILL');
    expect(lines).toContain('ignoring SIGTERM');
  });

  it('says clearly when the executable does not exist', async () => {
    const child = CliProcess.start({ command: '/nonexistent/smtp', args: ['serve'] });
    await expect(child.waitForLine(LISTENING_LINE, 10_000)).rejects.toThrow(/^could not start: .*ENOENT/);
    expect(child.pid).toBeUndefined();
    const exit = await child.exited;
    expect(exit.error).toMatch(/ENOENT/);
    // Stopping a process that never started is harmless.
    await expect(child.stop()).resolves.toBe(exit);
  });
});
