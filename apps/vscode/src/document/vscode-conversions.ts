/** Conversions from the library's plain shapes to VS Code's classes. */
import type { Range, Severity } from '@smtp/transcript';
import * as vscode from 'vscode';
import type { EditorProblem } from './problems.js';

/** A VS Code range from a transcript range (both 0-based, UTF-16 columns). */
export function toVsRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const SEVERITIES: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A VS Code diagnostic from an editor problem. */
export function toDiagnostic(problem: EditorProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    toVsRange(problem.range),
    problem.message,
    SEVERITIES[problem.severity],
  );
  diagnostic.source = problem.source;
  diagnostic.code = problem.code;
  return diagnostic;
}
