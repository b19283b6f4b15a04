import type { Diagnostic, Range, Severity } from './ast.js';
import type { DiagnosticCode } from './diagnostic-codes.js';

/** Collects diagnostics in the order they are found. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  /** Records a problem that stops the file from running. */
  error(range: Range, code: DiagnosticCode, message: string): void {
    this.add(range, code, message, 'error');
  }

  /** Records something that runs but is probably a mistake. */
  warning(range: Range, code: DiagnosticCode, message: string): void {
    this.add(range, code, message, 'warning');
  }

  /** Records something legal worth knowing. */
  info(range: Range, code: DiagnosticCode, message: string): void {
    this.add(range, code, message, 'info');
  }

  private add(range: Range, code: DiagnosticCode, message: string, severity: Severity): void {
    this.items.push({ range, message, severity, code });
  }
}

/** Whether any diagnostic is an error (a file with errors must not run). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
