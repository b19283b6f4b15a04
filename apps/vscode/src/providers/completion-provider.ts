/**
 * Completion of verbs, directives, ESMTP parameters and their values, reply codes, enhanced
 * status codes, EHLO keywords and `{{…}}` forms. What to offer comes from `completionsAt`; this
 * file only asks the shared parse whether the line is message text and builds the items.
 */
import * as vscode from 'vscode';
import { type CompletionKind, completionsAt } from '../completion-items.js';
import type { DocumentParses } from '../document/document-parses.js';
import { LANGUAGE_ID } from '../ids.js';

const ITEM_KINDS: Readonly<Record<CompletionKind, vscode.CompletionItemKind>> = {
  verb: vscode.CompletionItemKind.Keyword,
  directive: vscode.CompletionItemKind.Module,
  parameter: vscode.CompletionItemKind.Property,
  'parameter-value': vscode.CompletionItemKind.EnumMember,
  'variable-form': vscode.CompletionItemKind.Variable,
  'reply-code': vscode.CompletionItemKind.Value,
  'enhanced-code': vscode.CompletionItemKind.Constant,
  extension: vscode.CompletionItemKind.Property,
};

/** Characters after which a list may apply: `C: `, `@`, `250-`, `SIZE=`, `NOTIFY=A,`, `{{`. */
const TRIGGER_CHARACTERS = [' ', '@', '-', '=', ',', '{', '.'];

/** Registers the completion provider for transcripts. */
export function registerCompletionProvider(parses: DocumentParses): vscode.Disposable {
  return vscode.languages.registerCompletionItemProvider(
    LANGUAGE_ID,
    {
      provideCompletionItems(document, position) {
        const text = document.lineAt(position.line).text;
        const line = parses.parse(document).lines[position.line];
        const messageText = line?.kind === 'send' && (line.role === 'data' || line.role === 'bdat');
        const list = completionsAt(text.slice(0, position.character), text.slice(position.character), {
          messageText,
        });
        const range = new vscode.Range(position.line, list.replaceFrom, position.line, position.character);
        return list.items.map((entry, index) => {
          const item = new vscode.CompletionItem(entry.label, ITEM_KINDS[entry.kind]);
          item.detail = entry.detail;
          item.documentation = new vscode.MarkdownString(entry.documentation);
          item.insertText = new vscode.SnippetString(entry.insertText);
          item.range = range;
          // Keep the lists in their documented order (the usual order of a session).
          item.sortText = String(index).padStart(4, '0');
          return item;
        });
      },
    },
    ...TRIGGER_CHARACTERS,
  );
}
