/**
 * What the last run of each document left in the editor: its problems (the failing
 * expectations), its step marks (drawn after the lines) and the failures the "Accept actual
 * reply" quick fix can act on. Edits move them with their lines, or drop them where the text
 * they describe changed.
 */
import type { FileResult, RunEvent } from '@smtp/transcript';
import * as vscode from 'vscode';
import type { EditorProblem } from '../document/problems.js';
import { toDiagnostic } from '../document/vscode-conversions.js';
import { type AcceptableFailure, isAcceptable } from './accept-reply.js';
import { countLineEnds, type LineChange, shiftLine, shiftRange } from './line-shift.js';
import { failuresOf, runProblems } from './run-problems.js';
import { StepDecorations } from './step-decorations.js';
import { applyRunEvent, NO_MARKS, type StepMark, type StepMarks } from './step-marks.js';

/** The run state of one document. */
interface DocumentRun {
  readonly problems: readonly EditorProblem[];
  readonly acceptable: readonly AcceptableFailure[];
  readonly marks: StepMarks;
}

const EMPTY: DocumentRun = { problems: [], acceptable: [], marks: NO_MARKS };

/** The run results shown in the editor, per document. */
export class RunPresentation implements vscode.Disposable {
  readonly #runs = new Map<string, DocumentRun>();
  readonly #collection = vscode.languages.createDiagnosticCollection('smtp-transcript run');
  readonly #decorations = new StepDecorations();
  readonly #subscriptions: vscode.Disposable[];

  constructor() {
    this.#subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => this.#edited(event)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) this.#drawIn(editor);
      }),
    ];
  }

  /** Clears what the previous run of the document left. */
  begin(uri: vscode.Uri): void {
    this.#update(uri, EMPTY);
  }

  /** One event of the document's run: marks steps as they start, pass and fail. */
  apply(uri: vscode.Uri, event: RunEvent): void {
    const run = this.#runs.get(uri.toString()) ?? EMPTY;
    const marks = applyRunEvent(run.marks, event);
    if (marks !== run.marks) this.#update(uri, { ...run, marks });
  }

  /** The run's result: its failures become problems, and mismatches quick-fixable. */
  finish(uri: vscode.Uri, result: FileResult): void {
    const run = this.#runs.get(uri.toString()) ?? EMPTY;
    this.#update(uri, {
      marks: run.marks,
      problems: runProblems(result),
      acceptable: failuresOf(result).filter(isAcceptable),
    });
  }

  /** The failures of the document's last run that "Accept actual reply" can fix, where they are now. */
  acceptableFailures(uri: vscode.Uri): readonly AcceptableFailure[] {
    return this.#runs.get(uri.toString())?.acceptable ?? [];
  }

  /** The marks of the document's last run (for the extension's tests and the screenshot). */
  marks(uri: vscode.Uri): StepMarks {
    return this.#runs.get(uri.toString())?.marks ?? NO_MARKS;
  }

  #edited(event: vscode.TextDocumentChangeEvent): void {
    let run = this.#runs.get(event.document.uri.toString());
    if (!run || event.contentChanges.length === 0) return;
    // Applied from the end of the document backwards, each change meets positions that the
    // ones already applied have not moved.
    const changes = [...event.contentChanges].sort((a, b) => b.range.start.compareTo(a.range.start));
    for (const change of changes) {
      const lines: LineChange = {
        startLine: change.range.start.line,
        endLine: change.range.end.line,
        insertedLineEnds: countLineEnds(change.text),
      };
      run = shifted(run, lines);
    }
    this.#update(event.document.uri, run);
  }

  #update(uri: vscode.Uri, run: DocumentRun): void {
    this.#runs.set(uri.toString(), run);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    this.#collection.set(
      uri,
      run.problems.map((problem) => {
        const diagnostic = toDiagnostic(problem);
        // A failure of the whole file points at its start: underline the first line, not nothing.
        if (diagnostic.range.isEmpty && document && diagnostic.range.start.line < document.lineCount)
          diagnostic.range = document.lineAt(diagnostic.range.start.line).range;
        return diagnostic;
      }),
    );
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === uri.toString()) this.#drawIn(editor);
    }
  }

  #drawIn(editor: vscode.TextEditor): void {
    const run = this.#runs.get(editor.document.uri.toString());
    if (run) this.#decorations.draw(editor, run.marks);
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#collection.dispose();
    this.#decorations.dispose();
  }
}

function shifted(run: DocumentRun, change: LineChange): DocumentRun {
  const problems = run.problems.flatMap((problem) => {
    const range = shiftRange(problem.range, change);
    return range ? [{ ...problem, range }] : [];
  });
  const acceptable = run.acceptable.flatMap((failure) => {
    const range = shiftRange(failure.range, change);
    return range ? [{ ...failure, range, line: range.start.line + 1 }] : [];
  });
  const marks = new Map<number, StepMark>();
  for (const mark of run.marks.values()) {
    const line = shiftLine(mark.line, change);
    if (line !== undefined) marks.set(line, { ...mark, line });
  }
  return { problems, acceptable, marks };
}
