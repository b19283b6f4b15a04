/**
 * Reads what follows `S: `: `...`, `CODE`, or `CODE SEP TEXT` where TEXT is a glob or a
 * `/regex/flags`. Pure syntax; grouping lines into replies is the structure pass's job.
 */
import type { CodePattern, GlobPattern, LinePattern, RegexPattern, TextPattern } from './ast.js';
import type { DiagnosticList } from './diagnostics.js';
import { parseGlob, parseRegexBody } from './escapes.js';
import { lineRange } from './ranges.js';

const CODE_CHAR = /[0-9xX]/;
const ENHANCED_AT_START = /^([245])\.\d{1,3}\.\d{1,3}(?= |$)/;
const REGEX_SHAPE = /^\/(.*)\/([A-Za-z]*)$/s;
/** Flags that change how a single test reads the line. `g` and `y` only make `test()` stateful. */
const ALLOWED_FLAGS = 'dimsuv';

/** Parses the content of an `S:` line starting at `column`; undefined after reporting errors. */
export function parseLinePattern(
  content: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): LinePattern | undefined {
  const whole = lineRange(line, column, column + content.length);
  // The caller reports an empty pattern, with the range of its `S:`.
  if (content.length === 0) return undefined;
  if (content.startsWith('...')) {
    if (content === '...') return { kind: 'ellipsis', range: whole };
    diagnostics.error(
      whole,
      'bad-ellipsis',
      '`...` stands alone on its line (it matches zero or more reply lines); put text on an `S:` line of its own',
    );
    return undefined;
  }
  let codeLength = 0;
  while (codeLength < content.length && CODE_CHAR.test(content[codeLength] as string)) codeLength++;
  const next = content[codeLength];
  if (codeLength !== 3) {
    const token = /^[^\s-]*/.exec(content)?.[0] || (content[0] as string);
    diagnostics.error(
      lineRange(line, column, column + token.length),
      'bad-reply-code',
      `expected a reply code like 250 or 2xx, got \`${token}\``,
    );
    return undefined;
  }
  if (next !== undefined && next !== ' ' && next !== '-') {
    diagnostics.error(
      lineRange(line, column + 3, column + 4),
      'bad-separator',
      `expected a space or \`-\` after the reply code \`${content.slice(0, 3)}\`, got ${describeChar(next)}`,
    );
    return undefined;
  }
  const codeSource = content.slice(0, 3);
  const code: CodePattern = { source: codeSource, range: lineRange(line, column, column + 3) };
  const first = codeSource[0] as string;
  if (!/[2-5xX]/.test(first)) {
    diagnostics.error(
      code.range,
      'bad-reply-class',
      `a reply code starts with 2, 3, 4 or 5, got \`${codeSource}\``,
    );
    return undefined;
  }
  if (next === undefined) return { kind: 'code', range: whole, code };
  const separator = next;
  const separatorRange = lineRange(line, column + 3, column + 4);
  const textSource = content.slice(4);
  const textColumn = column + 4;
  const text = parseTextPattern(textSource, line, textColumn, diagnostics);
  if (!text) return undefined;
  if (text.kind === 'glob') checkGlobText(text, codeSource, separator, line, textColumn, diagnostics);
  return { kind: 'line', range: whole, code, separator, separatorRange, text };
}

/** Parses TEXT: a regex when it has the `/body/flags` shape, else a glob. */
function parseTextPattern(
  source: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): TextPattern | undefined {
  const range = lineRange(line, column, column + source.length);
  const regex = REGEX_SHAPE.exec(source);
  if (regex && source.length >= 2)
    return parseRegex(source, regex[1] as string, regex[2] as string, line, column, diagnostics);
  if (source.startsWith('/')) {
    diagnostics.warning(
      lineRange(line, column, column + 1),
      'not-a-regex',
      'this text starts with `/` but is not a `/regex/flags`, so it is read as a glob (write `\\x2f` for a literal slash)',
    );
  }
  const before = diagnostics.items.length;
  const glob = parseGlob(source, line, column, diagnostics, range);
  if (diagnostics.items.slice(before).some((d) => d.severity === 'error')) return undefined;
  const { segments, escapes, variables } = glob;
  const enhanced = ENHANCED_AT_START.exec(source);
  if (!enhanced) return { kind: 'glob', source, range, segments, escapes, variables };
  const enhancedRange = lineRange(line, column, column + enhanced[0].length);
  return {
    kind: 'glob',
    source,
    range,
    segments,
    escapes,
    variables,
    enhanced: { code: enhanced[0], range: enhancedRange },
  };
}

function parseRegex(
  source: string,
  bodySource: string,
  flags: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): RegexPattern | undefined {
  const bodyColumn = column + 1;
  const flagsColumn = column + source.length - flags.length;
  const flagsRange = lineRange(line, flagsColumn, flagsColumn + flags.length);
  let valid = true;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    const at = lineRange(line, flagsColumn + i, flagsColumn + i + 1);
    if (flag === 'g' || flag === 'y') {
      diagnostics.error(
        at,
        'regex-flag',
        `regex flag \`${flag}\` has no meaning here: a pattern is tested once against the line (allowed: d i m s u v)`,
      );
      valid = false;
    } else if (!ALLOWED_FLAGS.includes(flag)) {
      diagnostics.error(at, 'regex-flag', `unknown regex flag \`${flag}\` (allowed: d i m s u v)`);
      valid = false;
    } else if (flags.indexOf(flag) !== i) {
      diagnostics.error(at, 'regex-flag', `regex flag \`${flag}\` is given twice`);
      valid = false;
    }
  }
  const before = diagnostics.items.length;
  const { body, variables } = parseRegexBody(bodySource, line, bodyColumn, diagnostics);
  if (diagnostics.items.length > before) valid = false;
  if (!valid) return undefined;
  // Variables match their value literally, so any stand-in text shows whether the regex compiles.
  const probe = body.map((part) => (part.kind === 'source' ? part.text : 'x')).join('');
  try {
    new RegExp(probe, flags);
  } catch (error) {
    diagnostics.error(
      lineRange(line, column, column + source.length),
      'regex-syntax',
      `invalid regular expression: ${regexErrorReason(error)}`,
    );
    return undefined;
  }
  return {
    kind: 'regex',
    source,
    range: lineRange(line, column, column + source.length),
    body,
    bodyRange: lineRange(line, bodyColumn, bodyColumn + bodySource.length),
    flags,
    flagsRange,
    variables,
  };
}

/** Warnings about a glob that parses but probably does not say what was meant. */
function checkGlobText(
  glob: GlobPattern,
  code: string,
  separator: ' ' | '-',
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): void {
  const { source } = glob;
  if (source.length === 0 && separator === ' ') {
    diagnostics.warning(
      lineRange(line, column - 1, column),
      'trailing-space',
      `\`S: ${code} \` with nothing after the space matches only an empty text; write \`S: ${code}\` to accept any text`,
    );
  } else if (/[ \t]$/.test(source)) {
    const trimmed = source.trimEnd();
    diagnostics.warning(
      lineRange(line, column + trimmed.length, column + source.length),
      'trailing-space',
      'trailing space is part of the pattern (remove it, or write `\\x20` if the reply really ends with a space)',
    );
  }
  const enhanced = glob.enhanced;
  const codeClass = code[0] as string;
  if (enhanced && /\d/.test(codeClass) && enhanced.code[0] !== codeClass) {
    diagnostics.warning(
      enhanced.range,
      'enhanced-class-mismatch',
      `enhanced code ${enhanced.code} has class ${enhanced.code[0]} but the reply code is ${code}`,
    );
  }
}

function regexErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8: "Invalid regular expression: /(/: Unterminated group" — keep the reason only.
  const reason = /: ([^:]+)$/.exec(message)?.[1];
  return (reason ?? message).trim();
}

function describeChar(char: string): string {
  if (char === '\t') return 'a tab';
  return `\`${char}\``;
}
