/**
 * Entry point: wires the extension's parts to VS Code and does nothing else. Each feature lives
 * in its own module; logic that does not need the editor lives in modules without `vscode`.
 */
import * as vscode from 'vscode';
import { registerShowOutputCommand } from './commands/show-output.js';
import { DocumentParses } from './document/document-parses.js';
import { OUTPUT_CHANNEL_NAME, TEST_CONTROLLER_ID } from './ids.js';
import { registerCodeLensProvider } from './providers/code-lens-provider.js';
import { registerCompletionProvider } from './providers/completion-provider.js';
import { registerHoverProvider } from './providers/hover-provider.js';
import { registerSyntaxDiagnostics } from './providers/syntax-diagnostics.js';
import { EmbeddedServerCommands } from './server/server-commands.js';
import { watchSettingProblems } from './settings-reader.js';
import { TestDiscovery } from './testing/test-discovery.js';

/** Called by VS Code when a `.smtp` file opens, the workspace holds one, or a command runs. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  // One parse per document version, shared by every feature below.
  const parses = new DocumentParses();
  const controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'SMTP Transcripts');
  context.subscriptions.push(
    output,
    parses,
    controller,
    registerShowOutputCommand(output),
    watchSettingProblems(output),
    registerSyntaxDiagnostics(parses),
    registerHoverProvider(parses),
    registerCompletionProvider(parses),
    registerCodeLensProvider(parses),
    new TestDiscovery(controller, parses),
    new EmbeddedServerCommands(context.extensionUri, output),
  );
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  output.info(`SMTP Transcript extension ${String(version)} activated`);
}

/** Nothing to do: everything registered above is disposed through `context.subscriptions`. */
export function deactivate(): void {}
