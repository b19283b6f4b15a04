import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { converse } from '../test-support/serve.js';

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Spawns the built CLI (as `pnpm smtp` runs it) and waits for its listening line. */
async function spawnServe(
  args: readonly string[],
): Promise<{ child: ChildProcess; port: number; output(): string }> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build first`);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 15 s: ${out}`)), 15_000);
    child.stdout?.on('data', () => {
      const match = /^listening on smtp:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', () => reject(new Error(`smtp serve exited early: ${out}`)));
  });
  return { child, port, output: () => out };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('smtp serve as a process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops gracefully on %s and exits 0',
    async (signal) => {
      const { child, port, output } = await spawnServe([]);
      expect(
        await converse(port, [
          'EHLO c.test\r\n',
          'MAIL FROM:<a@x.test>\r\n',
          'RCPT TO:<b@x.test>\r\n',
          'DATA\r\n',
          'x\r\n.\r\n',
        ]),
      ).toEqual([220, 250, 250, 250, 354, 250]);
      const done = exited(child);
      child.kill(signal);
      expect(await done).toEqual({ code: 0, signal: null });
      expect(output()).toMatch(
        /^listening on smtp:\/\/127\.0\.0\.1:\d+\nstored [0-9A-Z]+ from=<a@x\.test> to=<b@x\.test> size=3\n$/,
      );
    },
    30_000,
  );

  it('tells a connected idle client 421 4.3.2 when stopped', async () => {
    const { child, port } = await spawnServe([]);
    const { connect } = await import('node:net');
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const done = exited(child);
    child.kill('SIGTERM');
    await closed;
    expect(received).toMatch(/^220 .*\r\n421 4\.3\.2 .*\r\n$/);
    expect((await done).code).toBe(0);
  }, 30_000);
});
