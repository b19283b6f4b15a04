import assert from 'node:assert/strict';
import type { FileResult } from '@smtp/transcript';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../src/ids.js';
import {
  closeAllEditors,
  diagnosticsOf,
  extensionApi,
  openFile,
  scratchEditor,
  workspaceFile,
} from './helpers.js';

const RUN = 'smtp-transcript run';

/** The text of the deliberately failing fixture, for scratch copies the quick fix may change. */
async function failingText(): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('failing.smtp')));
}

suite('Running transcripts', () => {
  teardown(closeAllEditors);

  test('a passing transcript runs green against the embedded server, with no run diagnostics', async () => {
    const api = await extensionApi();
    const { document } = await openFile('session.smtp');
    const result = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, document.uri);
    assert.equal(result.status, 'passed', JSON.stringify(result.sessions[0]?.failures));
    assert.equal(result.sessions[0]?.target?.startsWith('embedded server 127.0.0.1:'), true);
    assert.deepEqual(
      vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === RUN),
      [],
      'no run diagnostics',
    );
    // Every replied step is marked with the reply that came.
    const marks = api.stepMarks(document.uri);
    const greeting = marks.get(1);
    assert.equal(greeting?.status, 'passed');
    assert.match(greeting?.reply?.[0] ?? '', /^S: 220 /);
    assert.ok([...marks.values()].every((mark) => mark.status === 'passed'));
  });

  test('a failing transcript gets an error at the failing expectation, saying what was expected and what came', async () => {
    const { document } = await openFile('failing.smtp');
    const result = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, document.uri);
    assert.equal(result.status, 'failed');
    const diagnostics = await diagnosticsOf(document.uri, RUN, (d) => d.length > 0, 'the run diagnostics');
    assert.equal(diagnostics.length, 1);
    const [problem] = diagnostics;
    assert.equal(problem?.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(problem?.range.start.line, 15, 'the expectation of the third RCPT');
    assert.match(problem?.message ?? '', /expected: S: 250 2\.1\.5 \*/);
    assert.match(problem?.message ?? '', /got: S: 452 4\.5\.3 /);
  });

  test('"Accept actual reply" rewrites the expectation, and the file then passes', async () => {
    const editor = await scratchEditor(await failingText());
    const uri = editor.document.uri;
    const failed = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, uri);
    assert.equal(failed.status, 'failed');
    const [problem] = await diagnosticsOf(uri, RUN, (d) => d.length > 0, 'the run diagnostic');
    assert.ok(problem);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const accept = actions.find((action) => action.title.startsWith('Accept actual reply'));
    assert.ok(accept?.edit, `no quick fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.match(accept.title, /452 4\.5\.3/);
    assert.ok(await vscode.workspace.applyEdit(accept.edit));
    assert.match(editor.document.lineAt(15).text, /^S: 452 4\.5\.3 /);
    assert.equal(editor.document.lineAt(14).text, 'C: RCPT TO:<dave@example.test>', 'the lines around stay');
    // The edited expectation's problem is gone at once, before any new run.
    await diagnosticsOf(uri, RUN, (d) => d.length === 0, 'the fixed problem to disappear');
    const again = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, uri);
    assert.equal(again.status, 'passed', JSON.stringify(again.sessions[0]?.failures));
  });

  test('"Run to here" stops after the chosen step', async () => {
    const api = await extensionApi();
    const { document } = await openFile('session.smtp');
    const ehloReply = 3;
    const result = await vscode.commands.executeCommand<FileResult>(
      COMMAND_IDS.runToLine,
      document.uri,
      ehloReply,
    );
    assert.equal(result.status, 'passed');
    const steps = result.sessions[0]?.steps ?? [];
    assert.deepEqual(
      steps.filter((s) => s.status === 'passed').map((s) => s.line),
      [2, 3, 4],
      'the greeting, EHLO and its reply ran',
    );
    assert.ok(steps.filter((s) => s.line > 4).every((s) => s.status === 'skipped'));
    assert.deepEqual(
      [...api.stepMarks(document.uri).keys()].sort((a, b) => a - b),
      [1, 2, 3],
    );
  });

  test('"Run Session" runs one connection of a file', async () => {
    const uri = workspaceFile('two-sessions.smtp');
    const result = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runSession, uri, 1);
    assert.deepEqual(
      result.sessions.map((s) => s.status),
      ['skipped', 'passed'],
    );
  });

  test('"Run Against Server…" runs a file against the server it is given', async () => {
    const address = await vscode.commands.executeCommand<{ host: string; port: number }>(
      COMMAND_IDS.startServer,
      {
        port: 0,
      },
    );
    assert.ok(address, 'the embedded smtp serve started');
    try {
      const result = await vscode.commands.executeCommand<FileResult>(
        COMMAND_IDS.runAgainstServer,
        workspaceFile('session.smtp'),
        `127.0.0.1:${address.port}`,
      );
      assert.equal(result.status, 'passed', JSON.stringify(result.sessions[0]?.failures));
      assert.equal(result.sessions[0]?.target, `127.0.0.1:${address.port}`);
    } finally {
      await vscode.commands.executeCommand(COMMAND_IDS.stopServer);
    }
  });

  test('an unreachable server is one clear error, not a crash', async () => {
    const result = await vscode.commands.executeCommand<FileResult>(
      COMMAND_IDS.runAgainstServer,
      workspaceFile('session.smtp'),
      '127.0.0.1:9',
    );
    assert.equal(result.status, 'error');
    const message = [...result.failures, ...result.sessions.flatMap((s) => s.failures)][0]?.message ?? '';
    assert.match(message, /127\.0\.0\.1:9/);
    assert.doesNotMatch(message, /\n\s+at /, 'no stack trace');
  });

  test('a new run of the same file cancels the one in progress', async () => {
    const editor = await scratchEditor('S: 220 *\n@sleep 30s\nC: QUIT\nS: 221 *\n');
    const started = Date.now();
    const slow = vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, editor.document.uri);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await editor.edit((edit) => edit.replace(new vscode.Range(1, 0, 1, 10), '@sleep 10ms'));
    const fast = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, editor.document.uri);
    const cancelled = await slow;
    assert.ok(Date.now() - started < 10_000, 'the sleeping run did not run to its end');
    assert.equal(fast.status, 'passed');
    const kinds = cancelled.sessions.flatMap((s) => s.failures).map((f) => f.kind);
    assert.deepEqual(kinds, ['cancelled']);
  });
});
