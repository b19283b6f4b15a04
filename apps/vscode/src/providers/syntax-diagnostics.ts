/**
 * Syntax diagnostics as you type: every parser diagnostic of an open transcript, at its range,
 * refreshed on each edit from the shared parse.
 */
import * as vscode from 'vscode';
import { type DocumentParses, isTranscript } from '../document/document-parses.js';
import { syntaxProblems } from '../document/problems.js';
import { toDiagnostic } from '../document/vscode-conversions.js';

/** Publishes parser diagnostics for every open transcript; dispose to stop and clear them. */
export function registerSyntaxDiagnostics(parses: DocumentParses): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('smtp-transcript');
  const refresh = (document: vscode.TextDocument) => {
    if (!isTranscript(document)) return;
    collection.set(document.uri, syntaxProblems(parses.parse(document)).map(toDiagnostic));
  };
  for (const document of vscode.workspace.textDocuments) refresh(document);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((event) => refresh(event.document)),
    // A document whose language changes away from transcripts keeps no stale squiggles.
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
  );
}
