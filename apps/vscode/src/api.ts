/**
 * What `activate` returns: a small API for automation and for the extension's own tests in a
 * real VS Code (other extensions reach it through `vscode.extensions.getExtension(…).exports`).
 */
import type * as vscode from 'vscode';
import type { StepMarks } from './run/step-marks.js';
import type { ListeningAddress } from './server/cli-launch.js';
import type { TestOutcome } from './testing/test-outcomes.js';

/** The extension's API. */
export interface SmtpTranscriptApi {
  /** The Test Explorer controller: every transcript of the workspace, with its sessions as children. */
  readonly testController: vscode.TestController;
  /** The outcome the Test Explorer shows for a file or one of its sessions (0-based), after a run. */
  testOutcome(uri: vscode.Uri, session?: number): TestOutcome | undefined;
  /** The step marks the last run of a document drew after its lines. */
  stepMarks(uri: vscode.Uri): StepMarks;
  /** Where the embedded `smtp serve` listens, while it runs. */
  embeddedServerAddress(): ListeningAddress | undefined;
}
