/**
 * Served in reverse (`smtp serve --script`): the file plays the server. `S:` lines are sent as
 * written, so they must be literal; `C:` lines are globs the client's lines are checked against.
 */
import { fromUtf8 } from '@smtp/codec';
import type { Diagnostic, SendLine, TranscriptFile } from './ast.js';
import { DiagnosticList } from './diagnostics.js';
import { parseGlob } from './escapes.js';
import { compileGlob, globMismatch } from './glob.js';
import { printable } from './reply-lines.js';
import { createScope, type Scope } from './variables.js';

/** The problems that stop a (parsed) transcript from being served in reverse. */
export function checkServable(file: TranscriptFile): Diagnostic[] {
  const diagnostics = new DiagnosticList();
  for (const step of file.preamble) {
    if (step.directive.name === 'tls' || step.directive.name === 'server') {
      diagnostics.warning(step.range, 'serve-ignored', ignoredMessage(step.directive.name));
    }
  }
  for (const session of file.sessions) {
    if (session.connect?.target) {
      diagnostics.warning(session.connect.target.range, 'serve-ignored', ignoredMessage('connect'));
    }
    const first = session.steps.find((s) => s.kind !== 'directive');
    if (first?.kind === 'send') {
      diagnostics.error(
        first.range,
        'serve-greeting',
        'served in reverse, a session starts with the server greeting: put `S: 220 …` before the first `C:` line',
      );
    }
    for (const step of session.steps) {
      if (step.kind === 'directive') {
        if (step.directive.name === 'tls' || step.directive.name === 'server') {
          diagnostics.warning(step.range, 'serve-ignored', ignoredMessage(step.directive.name));
        }
      } else if (step.kind === 'send') {
        for (const line of step.lines) {
          if (line.raw) {
            diagnostics.error(
              line.prefixRange,
              'serve-raw-send',
              'served in reverse, the client is checked line by line: `C!` cannot be checked, write the whole line with `C:`',
            );
          }
        }
      } else {
        for (const pattern of step.patterns) {
          if (pattern.kind === 'ellipsis') {
            diagnostics.error(
              pattern.range,
              'serve-pattern',
              'served in reverse, `S:` lines are sent as written: `...` cannot be sent, write each line',
            );
            continue;
          }
          if (/[xX]/.test(pattern.code.source)) {
            diagnostics.error(
              pattern.code.range,
              'serve-pattern',
              `served in reverse, \`S:\` lines are sent as written: \`${pattern.code.source}\` is not a reply code, write the exact code`,
            );
          }
          if (pattern.kind !== 'line') continue;
          if (pattern.text.kind === 'regex') {
            diagnostics.error(
              pattern.text.range,
              'serve-pattern',
              'served in reverse, `S:` lines are sent as written: a /regex/ cannot be sent, write the text',
            );
            continue;
          }
          for (const segment of pattern.text.segments) {
            if (segment.kind === 'wildcard') {
              diagnostics.error(
                segment.range,
                'serve-pattern',
                'served in reverse, `S:` lines are sent as written: `*` cannot be sent (write `\\x2a` for a literal star)',
              );
            }
          }
        }
      }
    }
  }
  return diagnostics.items;
}

function ignoredMessage(name: 'tls' | 'server' | 'connect'): string {
  switch (name) {
    case 'connect':
      return 'served in reverse, @connect addresses are ignored: clients connect to `smtp serve`';
    case 'tls':
      return 'served in reverse, @tls is ignored: TLS comes from `smtp serve` options';
    case 'server':
      return 'served in reverse, @server is ignored: use `smtp serve` options';
  }
}

/** The outcome of checking a client line against a `C:` line. */
export type ClientLineMatch =
  | { readonly ok: true }
  | { readonly ok: false; readonly expected: string; readonly actual: string; readonly explanation: string };

/**
 * Checks a line the client sent (without its line end) against a `C:` line read as a glob:
 * `*` is any run of characters, `\x2a` a literal star, variables resolved in `scope`.
 */
export function matchClientLine(
  pattern: SendLine,
  received: string | Uint8Array,
  scope: Scope = createScope(),
): ClientLineMatch {
  const actual = typeof received === 'string' ? received : fromUtf8(received);
  const expected = `C: ${pattern.text.source}`;
  // The C: text was parsed without wildcards; read it again as a glob. Its errors were already
  // reported by the parser, so they are dropped here.
  const glob = parseGlob(
    pattern.text.source,
    pattern.line,
    pattern.text.range.start.character,
    new DiagnosticList(),
  );
  const compiled = compileGlob(glob.segments, scope);
  if (!compiled.ok) {
    return {
      ok: false,
      expected,
      actual: `C: ${printable(actual)}`,
      explanation: `cannot check: ${compiled.error.message}`,
    };
  }
  const at = globMismatch(compiled.value, actual);
  if (at === undefined) return { ok: true };
  return {
    ok: false,
    expected,
    actual: `C: ${printable(actual)}`,
    explanation: `line \`${printable(actual)}\` does not match \`${pattern.text.source}\` at column ${at + 1}`,
  };
}
