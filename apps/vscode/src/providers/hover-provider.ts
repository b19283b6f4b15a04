/** Hover on verbs, parameters, reply codes, enhanced status codes, EHLO keywords, directives and variables. */
import * as vscode from 'vscode';
import type { DocumentParses } from '../document/document-parses.js';
import { toVsRange } from '../document/vscode-conversions.js';
import { hoverAt } from '../hover/hover-content.js';
import { LANGUAGE_ID } from '../ids.js';

/** Registers the hover provider for transcripts. */
export function registerHoverProvider(parses: DocumentParses): vscode.Disposable {
  return vscode.languages.registerHoverProvider(LANGUAGE_ID, {
    provideHover(document, position) {
      const content = hoverAt(parses.parse(document), { line: position.line, character: position.character });
      if (!content) return undefined;
      return new vscode.Hover(new vscode.MarkdownString(content.markdown), toVsRange(content.range));
    },
  });
}
