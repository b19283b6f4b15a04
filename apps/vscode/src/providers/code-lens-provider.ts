/** The "Run", "Run session N" and "Run to here" CodeLenses, bound to the run commands. */
import * as vscode from 'vscode';
import type { DocumentParses } from '../document/document-parses.js';
import { COMMAND_IDS, LANGUAGE_ID } from '../ids.js';
import { codeLensPlacements } from '../run/code-lens-placement.js';
import type { RunScope } from '../run/run-scope.js';

/** The command and its arguments for each kind of lens. */
function commandFor(uri: vscode.Uri, target: RunScope): { command: string; args: unknown[] } {
  switch (target.kind) {
    case 'file':
      return { command: COMMAND_IDS.runFile, args: [uri] };
    case 'session':
      return { command: COMMAND_IDS.runSession, args: [uri, target.index] };
    case 'to-line':
      return { command: COMMAND_IDS.runToLine, args: [uri, target.line] };
  }
}

/** Registers the CodeLens provider; lenses follow the shared parse of each version. */
export function registerCodeLensProvider(parses: DocumentParses): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider(LANGUAGE_ID, {
    provideCodeLenses(document) {
      return codeLensPlacements(parses.parse(document)).map((placement) => {
        const { command, args } = commandFor(document.uri, placement.target);
        return new vscode.CodeLens(new vscode.Range(placement.line, 0, placement.line, 0), {
          title: placement.title,
          tooltip: placement.tooltip,
          command,
          arguments: args,
        });
      });
    },
  });
}
