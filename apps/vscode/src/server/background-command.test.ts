import { afterAll, describe, expect, it } from 'vitest';
import { BackgroundCommand, type BackgroundState } from './background-command.js';
import {
  type CliLaunch,
  LISTENING_LINE,
  type ListeningAddress,
  listeningAddressOf,
  serveArguments,
} from './cli-launch.js';
import type { CliProcess } from './cli-process.js';
import { writeFakeCli } from './test-support/fake-cli.js';

const { file: fake, remove } = writeFakeCli();
afterAll(remove);

function launch(mode: string): CliLaunch {
  // FAKE_SMTP_MODE travels in the launch's environment, as ELECTRON_RUN_AS_NODE does for real.
  return { command: process.execPath, leadingArgs: [fake], env: { FAKE_SMTP_MODE: mode } };
}

async function listening(child: CliProcess): Promise<ListeningAddress> {
  const address = listeningAddressOf(await child.waitForLine(LISTENING_LINE, 10_000));
  if (!address) throw new Error('bad listening line');
  return address;
}

function tracked() {
  const states: string[] = [];
  const server: BackgroundCommand<ListeningAddress> = new BackgroundCommand({
    name: 'the embedded server',
    graceMs: 2000,
    onChange: () => states.push(server.state.kind),
  });
  return { server, states };
}

describe('BackgroundCommand', () => {
  it('starts, reports what the process said when ready, and stops', async () => {
    const { server, states } = tracked();
    const address = await server.start(launch('ok'), serveArguments('127.0.0.1', 0), listening);
    expect(address.host).toBe('127.0.0.1');
    const running = server.state as Extract<BackgroundState<ListeningAddress>, { kind: 'running' }>;
    expect(running.kind).toBe('running');
    expect(running.info).toEqual(address);
    expect(running.pid).toBeGreaterThan(0);
    await server.stop();
    expect(server.state).toEqual({ kind: 'stopped' });
    expect(states).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it('refuses a second start while running', async () => {
    const { server } = tracked();
    await server.start(launch('ok'), serveArguments('127.0.0.1', 0), listening);
    await expect(server.start(launch('ok'), serveArguments('127.0.0.1', 0), listening)).rejects.toThrow(
      'the embedded server is already running',
    );
    await server.stop();
  });

  it('reports a failed start in one line and can start again afterwards', async () => {
    const { server } = tracked();
    await expect(server.start(launch('fail'), serveArguments('127.0.0.1', 0), listening)).rejects.toThrow(
      'the embedded server did not start: exited with status 2: smtp: cannot listen on 127.0.0.1:0: address in use',
    );
    expect(server.state.kind).toBe('stopped');
    await server.start(launch('ok'), serveArguments('127.0.0.1', 0), listening);
    await server.stop();
  });

  it('stops a process that never gets ready', async () => {
    const never = (child: CliProcess) => child.waitForLine(LISTENING_LINE, 300).then(() => 'ready');
    const silent = new BackgroundCommand<string>({ name: 'the recorder', graceMs: 2000 });
    await expect(silent.start(launch('silent'), serveArguments('127.0.0.1', 0), never)).rejects.toThrow(
      'the recorder did not start: no answer within 0.3 s',
    );
    expect(silent.state.kind).toBe('stopped');
  });

  it('notices when the process exits on its own, and says how', async () => {
    const { server, states } = tracked();
    await server.start(launch('crash'), serveArguments('127.0.0.1', 0), listening);
    for (let i = 0; i < 100 && server.state.kind === 'running'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(server.state).toEqual({
      kind: 'stopped',
      lastError: 'the embedded server exited with status 3: smtp: internal error: boom',
    });
    expect(states.at(-1)).toBe('stopped');
  });

  it('does nothing when asked to stop while stopped', async () => {
    const { server, states } = tracked();
    await server.stop();
    expect(states).toEqual([]);
  });
});
