/**
 * Problems as the editor shows them (squiggles and the Problems panel), before they become
 * `vscode.Diagnostic`s: parser diagnostics as you type, and failed expectations after a run.
 * Keeping this shape free of `vscode` lets the mapping be tested without an editor.
 */
import type { Range, Severity, TranscriptFile } from '@smtp/transcript';

/** Where a problem comes from; VS Code shows it beside the message. */
export type ProblemSource =
  /** the parser, as you type */
  | 'smtp-transcript'
  /** the last run of the file */
  | 'smtp-transcript run';

/** One problem at one range. */
export interface EditorProblem {
  readonly range: Range;
  readonly message: string;
  readonly severity: Severity;
  /** A stable code: the parser's diagnostic codes, or a run outcome such as `reply-mismatch`. */
  readonly code: string;
  readonly source: ProblemSource;
}

/** Every parser diagnostic of a file, at its own range, with its own message and severity. */
export function syntaxProblems(file: TranscriptFile): EditorProblem[] {
  return file.diagnostics.map((diagnostic) => ({
    range: diagnostic.range,
    message: diagnostic.message,
    severity: diagnostic.severity,
    code: diagnostic.code,
    source: 'smtp-transcript',
  }));
}
