/**
 * The run commands: "Run File", "Run Session" and "Run to Here" (also the CodeLenses), "Run All
 * Transcripts in Workspace" and "Run Against Server…". Whole files and sessions report to the
 * Test Explorer as well; every run shows a cancellable progress notification.
 */
import type { Endpoint, FileResult, RunEvent } from '@smtp/transcript';
import { countTotals, isRunnableTranscript } from '@smtp/transcript';
import * as vscode from 'vscode';
import { isTranscript } from '../document/document-parses.js';
import { COMMAND_IDS, EXCLUDED_GLOB, TRANSCRIPT_GLOB } from '../ids.js';
import { formatHostPort } from '../server/cli-launch.js';
import { parseServerAddress } from '../settings.js';
import { readExtensionSettings } from '../settings-reader.js';
import type { RunTarget, TestExplorerRuns } from '../testing/test-runs.js';
import { describeScope, type RunScope } from './run-scope.js';
import { TranscriptRuns } from './transcript-runs.js';

/** Registers the run commands; each resolves with the result(s), for callers and tests. */
export function registerRunCommands(
  runs: TranscriptRuns,
  explorer: TestExplorerRuns,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const runOne = async (
    uri: vscode.Uri,
    scope: RunScope,
    server?: Endpoint,
  ): Promise<FileResult | undefined> => {
    const title = `Running ${describeScope(TranscriptRuns.displayName(uri), scope)}`;
    const result = await withRunProgress(title, async (progress, token) => {
      const onEvent = (_uri: vscode.Uri, event: RunEvent) => reportStep(progress, event);
      // Whole files and sessions also show in the Test Explorer (when it lists the file); a run
      // that stops halfway ("Run to Here") is not a test result.
      if (scope.kind !== 'to-line') {
        const [one] = await explorer.runTargets([{ uri, scope }], {
          token,
          onEvent,
          ...(server === undefined ? {} : { server }),
        });
        return one;
      }
      return runs.run({
        uri,
        scope,
        token,
        observer: { onEvent: (event) => onEvent(uri, event) },
        ...(server === undefined ? {} : { server }),
      });
    });
    if (result) announce(result, log);
    return result;
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMAND_IDS.runFile, async (uri?: vscode.Uri) => {
      const target = uri ?? activeTranscript();
      return target ? runOne(target, { kind: 'file' }) : undefined;
    }),
    vscode.commands.registerCommand(COMMAND_IDS.runSession, async (uri: vscode.Uri, index: number) =>
      runOne(uri, { kind: 'session', index }),
    ),
    vscode.commands.registerCommand(COMMAND_IDS.runToLine, async (uri?: vscode.Uri, line?: number) => {
      const target = uri ?? activeTranscript();
      const editor = vscode.window.activeTextEditor;
      const stop =
        line ??
        (editor?.document.uri.toString() === target?.toString() ? editor?.selection.active.line : undefined);
      return target && stop !== undefined ? runOne(target, { kind: 'to-line', line: stop }) : undefined;
    }),
    vscode.commands.registerCommand(
      COMMAND_IDS.runAgainstServer,
      async (uri?: vscode.Uri, address?: string) => {
        const target = uri ?? activeTranscript();
        if (!target) return undefined;
        const server = address === undefined ? await askForServer() : parseServerAddress(address);
        if (!server) {
          if (address !== undefined) void vscode.window.showErrorMessage(`"${address}" is not host:port`);
          return undefined;
        }
        return runOne(target, { kind: 'file' }, server);
      },
    ),
    vscode.commands.registerCommand(COMMAND_IDS.runAll, async () => runAll(explorer, log)),
  );
}

/** The active editor's transcript, or a message saying one is needed. */
function activeTranscript(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document && isTranscript(document)) return document.uri;
  void vscode.window.showWarningMessage('Open a .smtp transcript to run it.');
  return undefined;
}

async function askForServer(): Promise<Endpoint | undefined> {
  const configured = readExtensionSettings().server;
  const text = await vscode.window.showInputBox({
    title: 'Run against server',
    prompt: 'The SMTP server to run the transcript against, as host:port (IPv6 as [::1]:25)',
    value: configured ? formatHostPort(configured.host, configured.port) : '127.0.0.1:25',
    validateInput: (value) =>
      parseServerAddress(value) ? undefined : 'Write host:port, for example 127.0.0.1:2525 or [::1]:25',
  });
  return text === undefined ? undefined : parseServerAddress(text);
}

async function runAll(explorer: TestExplorerRuns, log: vscode.LogOutputChannel): Promise<FileResult[]> {
  const uris = (await vscode.workspace.findFiles(TRANSCRIPT_GLOB, EXCLUDED_GLOB))
    .filter((uri) => isRunnableTranscript(uri.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (uris.length === 0) {
    void vscode.window.showInformationMessage('There are no .smtp transcripts in this workspace.');
    return [];
  }
  const targets: RunTarget[] = uris.map((uri) => ({ uri, scope: { kind: 'file' } }));
  const results =
    (await withRunProgress(`Running ${uris.length} transcripts`, (progress, token) =>
      explorer.runTargets(targets, {
        token,
        onFile: (uri, index, count) =>
          progress.report({
            message: `${index + 1}/${count} ${TranscriptRuns.displayName(uri)}`,
            increment: index === 0 ? 0 : 100 / count,
          }),
      }),
    )) ?? [];
  const totals = countTotals(results).cases;
  const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.error} errors, ${totals.skipped} skipped (sessions of ${results.length} files)`;
  log.info(`run all: ${summary}`);
  const message = `SMTP transcripts: ${summary}`;
  const shown =
    totals.failed + totals.error > 0
      ? vscode.window.showErrorMessage(message, 'Show Test Results')
      : vscode.window.showInformationMessage(message, 'Show Test Results');
  void shown.then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.view.testing.focus');
  });
  return results;
}

type RunProgress = vscode.Progress<{ message?: string; increment?: number }>;

function withRunProgress<T>(
  title: string,
  task: (progress: RunProgress, token: vscode.CancellationToken) => Promise<T>,
): Promise<T | undefined> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      task,
    ),
  );
}

function reportStep(progress: RunProgress, event: RunEvent): void {
  if (event.type === 'session-start')
    progress.report({ message: `session ${event.session + 1}: ${event.target}` });
  else if (event.type === 'step-start')
    progress.report({ message: `session ${event.session + 1}, line ${event.step.line}` });
}

function announce(result: FileResult, log: vscode.LogOutputChannel): void {
  if (result.status === 'passed') {
    vscode.window.setStatusBarMessage(`$(pass) ${result.file} passed`, 5000);
    return;
  }
  const first = [...result.failures, ...result.sessions.flatMap((s) => s.failures)][0];
  const where = first ? ` (line ${first.line}: ${first.message})` : '';
  log.warn(`${result.file}: ${result.status}${where}`);
  if (result.status === 'error') {
    void vscode.window.showErrorMessage(`${result.file} could not run${where}`);
  } else {
    vscode.window.setStatusBarMessage(`$(error) ${result.file} failed${where}`, 10_000);
  }
}
