/**
 * Entry point: wires the extension's parts to VS Code and does nothing else. Each feature lives
 * in its own module; logic that does not need the editor lives in modules without `vscode`.
 */
import * as vscode from 'vscode';
import type { SmtpTranscriptApi } from './api.js';
import { registerShowOutputCommand } from './commands/show-output.js';
import { DocumentParses } from './document/document-parses.js';
import { OUTPUT_CHANNEL_NAME, SESSIONS_CHANNEL_NAME, TEST_CONTROLLER_ID } from './ids.js';
import { registerAcceptReplyAction } from './providers/accept-reply-action.js';
import { registerCodeLensProvider } from './providers/code-lens-provider.js';
import { registerCompletionProvider } from './providers/completion-provider.js';
import { registerHoverProvider } from './providers/hover-provider.js';
import { registerSyntaxDiagnostics } from './providers/syntax-diagnostics.js';
import { registerRunCommands } from './run/run-commands.js';
import { RunPresentation } from './run/run-presentation.js';
import { TranscriptRuns } from './run/transcript-runs.js';
import { RecordCommands } from './server/record-commands.js';
import { EmbeddedServerCommands } from './server/server-commands.js';
import { watchSettingProblems } from './settings-reader.js';
import { TestDiscovery } from './testing/test-discovery.js';
import { TestExplorerRuns } from './testing/test-runs.js';

/** Called by VS Code when a `.smtp` file opens, the workspace holds one, or a command runs. */
export function activate(context: vscode.ExtensionContext): SmtpTranscriptApi {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const sessions = vscode.window.createOutputChannel(SESSIONS_CHANNEL_NAME);
  // One parse per document version, shared by every feature below.
  const parses = new DocumentParses();
  const controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'SMTP Transcripts');
  const discovery = new TestDiscovery(controller, parses);
  const presentation = new RunPresentation();
  const runs = new TranscriptRuns(presentation, sessions, output);
  const explorer = new TestExplorerRuns(controller, discovery, runs);
  const server = new EmbeddedServerCommands(context.extensionUri, output);
  context.subscriptions.push(
    output,
    sessions,
    parses,
    controller,
    discovery,
    presentation,
    runs,
    explorer,
    server,
    new RecordCommands(context.extensionUri, output, server),
    registerShowOutputCommand(output),
    watchSettingProblems(output),
    registerSyntaxDiagnostics(parses),
    registerHoverProvider(parses),
    registerCompletionProvider(parses),
    registerCodeLensProvider(parses),
    registerAcceptReplyAction(presentation),
    registerRunCommands(runs, explorer, output),
  );
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  output.info(`SMTP Transcript extension ${String(version)} activated`);
  return {
    testController: controller,
    testOutcome: (uri, session) => explorer.outcome(uri, session),
    stepMarks: (uri) => presentation.marks(uri),
    embeddedServerAddress: () => server.address,
  };
}

/** Nothing to do: everything registered above is disposed through `context.subscriptions`. */
export function deactivate(): void {}
