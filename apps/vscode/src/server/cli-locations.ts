/** Where the `smtp` command line is for this extension: the setting, or the bundled copy. */
import * as vscode from 'vscode';
import { readExtensionSettings } from '../settings-reader.js';
import { type CliLaunch, cliLaunch } from './cli-launch.js';

/** The bundled CLI's path inside the extension (written by scripts/bundle.mjs). */
export const BUNDLED_CLI = 'dist/smtp-cli.mjs';

/** How to start the CLI now, per `smtpTranscript.cliPath`. */
export function currentCliLaunch(extensionUri: vscode.Uri): CliLaunch {
  return cliLaunch({
    cliPath: readExtensionSettings().cliPath,
    bundledCli: vscode.Uri.joinPath(extensionUri, BUNDLED_CLI).fsPath,
    nodeExecutable: process.execPath,
  });
}
