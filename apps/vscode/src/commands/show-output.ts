import * as vscode from 'vscode';
import { COMMAND_IDS } from '../ids.js';

/** Registers "SMTP Transcript: Show Output", which brings the extension's log into view. */
export function registerShowOutputCommand(output: vscode.OutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND_IDS.showOutput, () => {
    // Keep the editor focused: the log is for reading, not typing.
    output.show(true);
  });
}
