/**
 * The quick fix "Accept actual reply" on a failing expectation: rewrites its `S:` lines to the
 * reply that came, exactly as `smtp run --update` would; and "Accept all actual replies" when
 * the last run left several.
 */
import * as vscode from 'vscode';
import { toVsRange } from '../document/vscode-conversions.js';
import { LANGUAGE_ID } from '../ids.js';
import { type AcceptableFailure, acceptReplyEdit } from '../run/accept-reply.js';
import type { RunPresentation } from '../run/run-presentation.js';
import { MISMATCH_CODE } from '../run/run-problems.js';

const MAX_TITLE_REPLY = 50;

/** Registers the quick fixes for the problems runs leave. */
export function registerAcceptReplyAction(presentation: RunPresentation): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    LANGUAGE_ID,
    {
      provideCodeActions(document, _range, context) {
        const acceptable = presentation.acceptableFailures(document.uri);
        const actions: vscode.CodeAction[] = [];
        for (const diagnostic of context.diagnostics) {
          if (diagnostic.source !== 'smtp-transcript run' || diagnostic.code !== MISMATCH_CODE) continue;
          const failure = acceptable.find((f) => f.range.start.line === diagnostic.range.start.line);
          if (!failure) continue;
          const action = fixAction(document, `Accept actual reply: ${shownReply(failure)}`, [failure]);
          if (!action) continue;
          action.diagnostics = [diagnostic];
          action.isPreferred = true;
          actions.push(action);
        }
        if (actions.length > 0 && acceptable.length > 1) {
          const all = fixAction(
            document,
            `Accept all ${acceptable.length} actual replies in this file`,
            acceptable,
          );
          if (all) actions.push(all);
        }
        return actions;
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
}

function fixAction(
  document: vscode.TextDocument,
  title: string,
  failures: readonly AcceptableFailure[],
): vscode.CodeAction | undefined {
  const edit = acceptReplyEdit(document.getText(), failures);
  if (!edit) return undefined;
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, toVsRange(edit.range), edit.text);
  return action;
}

/** The reply's first line as the title shows it: `550 5.1.1 no such user`. */
function shownReply(failure: AcceptableFailure): string {
  const first = (failure.actual ?? '').split('\n')[0]?.replace(/^S: /, '') ?? '';
  return first.length > MAX_TITLE_REPLY ? `${first.slice(0, MAX_TITLE_REPLY - 1)}…` : first;
}
