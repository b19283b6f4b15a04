/** Reads the extension's settings from VS Code, checked by `readSettings`. */
import * as vscode from 'vscode';
import { CONFIGURATION_SECTION } from './ids.js';
import { type ExtensionSettings, readSettings, type SettingProblem } from './settings.js';

/**
 * The settings that apply to `scope` (a transcript, for folder-specific servers), or the
 * window's. Problems are reported by {@link watchSettingProblems}, not here.
 */
export function readExtensionSettings(scope?: vscode.Uri): ExtensionSettings {
  return readWithProblems(scope).settings;
}

function readWithProblems(scope?: vscode.Uri): {
  readonly settings: ExtensionSettings;
  readonly problems: readonly SettingProblem[];
} {
  // `null`: the window's value, when no transcript is at hand (VS Code warns when none is given).
  const configuration = vscode.workspace.getConfiguration(CONFIGURATION_SECTION, scope ?? null);
  return readSettings((key) => configuration.get(key));
}

/** Tells the user (once per change) about settings that cannot be used, and what applies instead. */
export function watchSettingProblems(log: vscode.LogOutputChannel): vscode.Disposable {
  const report = () => {
    const { problems } = readWithProblems();
    for (const problem of problems) {
      log.warn(`${problem.key}: ${problem.message}`);
      void vscode.window.showWarningMessage(`${problem.key}: ${problem.message}`);
    }
  };
  report();
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(CONFIGURATION_SECTION)) report();
  });
}
