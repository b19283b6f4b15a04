/**
 * Entry point: wires the extension's parts to VS Code and does nothing else. Each feature lives
 * in its own module; logic that does not need the editor lives in modules without `vscode`.
 */
import * as vscode from 'vscode';
import { registerShowOutputCommand } from './commands/show-output.js';
import { OUTPUT_CHANNEL_NAME } from './ids.js';

/** Called by VS Code the first time a `.smtp` file opens or a contributed command runs. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(output, registerShowOutputCommand(output));
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  output.info(`SMTP Transcript extension ${String(version)} activated`);
}

/** Nothing to do: everything registered above is disposed through `context.subscriptions`. */
export function deactivate(): void {}
