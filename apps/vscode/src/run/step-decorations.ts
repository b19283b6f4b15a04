/**
 * Draws a run's step marks after their lines: the reply that came (green when it matched, red
 * when not), or that a step still waits. One decoration type per status, so colours follow the
 * theme's test colours.
 */
import * as vscode from 'vscode';
import { markHover, markLabel, type StepMark, type StepMarkStatus, type StepMarks } from './step-marks.js';

const COLOURS: Readonly<Record<StepMarkStatus, string>> = {
  running: 'descriptionForeground',
  passed: 'testing.iconPassed',
  failed: 'testing.iconFailed',
};

/** The three decoration types, and how to draw a document's marks with them. */
export class StepDecorations implements vscode.Disposable {
  readonly #types: Readonly<Record<StepMarkStatus, vscode.TextEditorDecorationType>>;

  constructor() {
    const make = (status: StepMarkStatus) =>
      vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(COLOURS[status]), margin: '0 0 0 2em', fontStyle: 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    this.#types = { running: make('running'), passed: make('passed'), failed: make('failed') };
  }

  /** Replaces the marks drawn in `editor` with `marks`. */
  draw(editor: vscode.TextEditor, marks: StepMarks): void {
    const byStatus: Record<StepMarkStatus, vscode.DecorationOptions[]> = {
      running: [],
      passed: [],
      failed: [],
    };
    for (const mark of marks.values()) {
      if (mark.line >= editor.document.lineCount) continue;
      byStatus[mark.status].push(decorationOf(editor.document, mark));
    }
    for (const status of Object.keys(byStatus) as StepMarkStatus[])
      editor.setDecorations(this.#types[status], byStatus[status]);
  }

  dispose(): void {
    for (const type of Object.values(this.#types)) type.dispose();
  }
}

function decorationOf(document: vscode.TextDocument, mark: StepMark): vscode.DecorationOptions {
  const end = document.lineAt(mark.line).range.end;
  const hover = markHover(mark);
  return {
    range: new vscode.Range(end, end),
    renderOptions: { after: { contentText: markLabel(mark) } },
    ...(hover === undefined ? {} : { hoverMessage: new vscode.MarkdownString(hover) }),
  };
}
