/**
 * `.env` files: `KEY=VALUE` lines, `#` comments, optional `export `, optional quotes. Pure:
 * reading the file beside a transcript is the runner's job.
 */
import type { Diagnostic } from './ast.js';
import { DiagnosticList } from './diagnostics.js';
import { ENV_NAME } from './escapes.js';
import { scanLines } from './line-scanner.js';
import { lineRange } from './ranges.js';

/** The variables of a `.env` file and the lines that could not be read. */
export interface DotEnv {
  readonly values: Readonly<Record<string, string>>;
  readonly diagnostics: readonly Diagnostic[];
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\',
};

/**
 * Parses a `.env` file. Values: unquoted (trimmed; ` #` starts a comment), `'single'` (taken
 * as written) or `"double"` (with `\n \r \t \" \\`). A later line wins over an earlier one.
 */
export function parseDotEnv(text: string): DotEnv {
  const values: Record<string, string> = {};
  const diagnostics = new DiagnosticList();
  scanLines(text).forEach(({ text: line }, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.startsWith('export ') ? trimmed.slice('export '.length).trimStart() : trimmed;
    const equals = body.indexOf('=');
    const at = lineRange(index, line.length - line.trimStart().length, line.trimEnd().length);
    if (equals < 0) {
      diagnostics.error(at, 'dotenv-syntax', `expected KEY=VALUE, got \`${trimmed}\``);
      return;
    }
    const key = body.slice(0, equals).trim();
    if (!ENV_NAME.test(key)) {
      diagnostics.error(at, 'dotenv-syntax', `\`${key}\` is not a variable name (letters, digits and \`_\`)`);
      return;
    }
    const value = readValue(body.slice(equals + 1).trim());
    if (value === undefined) {
      diagnostics.error(at, 'dotenv-syntax', `the value of ${key} has no closing quote`);
      return;
    }
    values[key] = value;
  });
  return { values, diagnostics: diagnostics.items };
}

function readValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === "'") {
    const close = raw.indexOf("'", 1);
    return close < 0 ? undefined : raw.slice(1, close);
  }
  if (quote === '"') {
    let out = '';
    for (let i = 1; i < raw.length; i++) {
      const c = raw[i] as string;
      if (c === '"') return out;
      if (c === '\\' && i + 1 < raw.length) {
        const next = raw[i + 1] as string;
        out += DOUBLE_QUOTED_ESCAPES[next] ?? `\\${next}`;
        i++;
      } else {
        out += c;
      }
    }
    return undefined;
  }
  const comment = raw.search(/\s#/);
  return (comment < 0 ? raw : raw.slice(0, comment)).trimEnd();
}
