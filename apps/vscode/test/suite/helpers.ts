/** Shared helpers of the extension-host suites. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SmtpTranscriptApi } from '../../src/api.js';
import { LANGUAGE_ID } from '../../src/ids.js';
import { waitFor } from './wait.js';

/** The extension's id (publisher.name). */
export const EXTENSION_ID = 'smtp-workbench.smtp-transcript-vscode';

/** A file of the fixtures workspace. */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixtures workspace must be open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The activated extension's API. */
export async function extensionApi(): Promise<SmtpTranscriptApi> {
  const extension = vscode.extensions.getExtension<SmtpTranscriptApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  return extension.activate();
}

/** Opens a workspace file in an editor. */
export async function openFile(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

/** A new untitled `.smtp` editor holding `content`. */
export async function scratchEditor(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
  return vscode.window.showTextDocument(document);
}

/** Closes every editor, reverting untitled ones first so closing asks nothing. */
export async function closeAllEditors(): Promise<void> {
  while (vscode.window.activeTextEditor?.document.isUntitled) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The diagnostics of a document from one source, once `accept` likes them. */
export function diagnosticsOf(
  uri: vscode.Uri,
  source: string,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
): Promise<vscode.Diagnostic[]> {
  return waitFor(what, () => {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
    return accept(diagnostics) ? diagnostics : undefined;
  });
}

/** A short summary of diagnostics for assertions: `line:code`. */
export function summary(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();
}
