import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, extensionApi, workspaceFile } from './helpers.js';
import { waitFor } from './wait.js';

const FIXTURES = [
  'auth-starttls.smtp',
  'failing.smtp',
  'session.smtp',
  'syntax-errors.smtp',
  'two-sessions.smtp',
];

/** The statuses `smtp run --reporter json` (the bundled CLI) gives the fixtures: per file, per session. */
function cliStatuses(files: readonly string[]): Promise<Map<string, { file: string; sessions: string[] }>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const cli = vscode.Uri.joinPath(extension.extensionUri, 'dist/smtp-cli.mjs').fsPath;
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'run', '--reporter', 'json', ...files],
      { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
      (error, stdout) => {
        if (error && error.code !== 1 && error.code !== 2) return reject(error);
        const report = JSON.parse(stdout) as {
          files: { file: string; status: string; sessions: { status: string }[] }[];
        };
        resolve(
          new Map(
            report.files.map((f) => [f.file, { file: f.status, sessions: f.sessions.map((s) => s.status) }]),
          ),
        );
      },
    );
  });
}

/** The runner's statuses in the Testing API's words. */
const AS_TEST_STATUS: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  error: 'errored',
  skipped: 'skipped',
};

/**
 * Starts `testing.run.uri` and resolves, with the run's promise, once `running` says it runs. VS
 * Code learns about a new test item a moment after the extension adds it; until then the
 * command finds no test and returns at once, so it is tried again.
 */
async function startRun(
  uri: vscode.Uri,
  running: () => boolean,
): Promise<{ readonly done: Promise<unknown> }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const run = Promise.resolve(vscode.commands.executeCommand('testing.run.uri', uri));
    let finished = false;
    void run.finally(() => {
      finished = true;
    });
    const started = await waitFor('the run to start or end', () => running() || finished, 10_000);
    // Wrapped, so that awaiting this function does not wait for the run itself.
    if (started && running()) return { done: run };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the run never started');
}

suite('Test Explorer', () => {
  teardown(closeAllEditors);

  test('lists every transcript of the workspace, with its sessions as children', async () => {
    const api = await extensionApi();
    // Opening the Testing view asks the extension for every test of the workspace.
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    const items = await waitFor('the fixtures in the Test Explorer', () => {
      const found = FIXTURES.map((name) => api.testController.items.get(workspaceFile(name).toString()));
      return found.every(Boolean) ? found : undefined;
    });
    const twoSessions = items[FIXTURES.indexOf('two-sessions.smtp')];
    assert.equal(twoSessions?.label, 'two-sessions.smtp');
    const children: vscode.TestItem[] = [];
    twoSessions?.children.forEach((child) => {
      children.push(child);
    });
    assert.deepEqual(
      children.map((c) => [c.id, c.label, c.range?.start.line]),
      [
        ['session-1', 'The first connection: a greeting and a NOOP', 1],
        ['session-2', 'The second connection: EHLO, then QUIT', 8],
      ],
    );
  });

  test('runs files from the Test Explorer with the same results as smtp run', async () => {
    const api = await extensionApi();
    await waitFor('the fixtures', () =>
      api.testController.items.get(workspaceFile('failing.smtp').toString()),
    );
    for (const name of FIXTURES) await vscode.commands.executeCommand('testing.run.uri', workspaceFile(name));
    const cli = await cliStatuses(FIXTURES);
    for (const name of FIXTURES) {
      const uri = workspaceFile(name);
      const expected = cli.get(name);
      assert.ok(expected, `the CLI reported ${name}`);
      const outcome = await waitFor(`the outcome of ${name}`, () => api.testOutcome(uri));
      assert.equal(outcome.status, AS_TEST_STATUS[expected.file], `${name}: the file's status`);
      expected.sessions.forEach((status, index) => {
        assert.equal(
          api.testOutcome(uri, index)?.status,
          AS_TEST_STATUS[status],
          `${name}: session ${index + 1}`,
        );
      });
    }
    // The failure carries its message, the expected and actual reply, and its place.
    const failing = api.testOutcome(workspaceFile('failing.smtp'), 0);
    const [message] = failing?.messages ?? [];
    assert.equal(message?.range.start.line, 15);
    assert.equal(message?.expected, 'S: 250 2.1.5 *');
    assert.match(message?.actual ?? '', /^S: 452 4\.5\.3 /);
    // A file that cannot run reports why, at the line of each error.
    const broken = api.testOutcome(workspaceFile('syntax-errors.smtp'));
    assert.deepEqual(
      broken?.messages.map((m) => m.range.start.line),
      [2, 3, 4],
    );
  });

  test('a run can be cancelled from the Test Explorer', async () => {
    const api = await extensionApi();
    const uri = workspaceFile('cancel-me.smtp');
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode('S: 220 *\n@sleep 30s\nC: QUIT\nS: 221 *\n'),
    );
    try {
      await waitFor('the new file in the Test Explorer', () => api.testController.items.get(uri.toString()));
      const started = Date.now();
      const run = await startRun(uri, () => api.stepMarks(uri).get(0)?.status === 'passed');
      await vscode.commands.executeCommand('testing.cancelRun');
      await run.done;
      assert.ok(Date.now() - started < 10_000, 'the run stopped without waiting for its @sleep');
      const outcome = await waitFor('the outcome', () => api.testOutcome(uri, 0));
      assert.equal(outcome.status, 'errored');
      assert.match(outcome.messages[0]?.text ?? '', /cancelled/);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor(
      'the deleted file to leave the Test Explorer',
      () => !api.testController.items.get(uri.toString()),
    );
  });
});
