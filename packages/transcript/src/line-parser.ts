/**
 * Classifies one source line and parses its parts. Lines are independent here; what depends
 * on the lines around (grouping, sessions, pairing, variables) is the structure pass's job.
 */
import type { DirectiveLine, ExpectLine, LineEnding, LineNode, Range, SendLine } from './ast.js';
import type { DiagnosticList } from './diagnostics.js';
import { parseDirective, splitArguments } from './directives.js';
import { parseText } from './escapes.js';
import { parseLinePattern } from './pattern.js';
import { lineRange } from './ranges.js';

type Prefix = 'C:' | 'C!' | 'S:';

/** What every line node has. */
interface LineBase {
  readonly line: number;
  readonly range: Range;
  readonly eol: LineEnding;
}

const PREFIXES: ReadonlyMap<string, Prefix> = new Map([
  ['C:', 'C:'],
  ['C!', 'C!'],
  ['S:', 'S:'],
  ['c:', 'C:'],
  ['c!', 'C!'],
  ['s:', 'S:'],
]);

/** Parses one line (without its terminator). */
export function parseLine(
  text: string,
  eol: LineEnding,
  line: number,
  diagnostics: DiagnosticList,
): LineNode {
  let indent = 0;
  while (indent < text.length && (text[indent] === ' ' || text[indent] === '\t')) indent++;
  const range = lineRange(line, indent, text.length);
  // Plain object literals, not spreads: this runs for every line on every keystroke.
  const base: LineBase = { line, range, eol };
  if (indent === text.length) return { kind: 'blank', line, range, eol };
  const first = text[indent];
  if (first === '#') return { kind: 'comment', line, range, eol, text: text.slice(indent + 1) };
  if (first === '@') return parseDirectiveLine(text, indent, base, diagnostics);
  const written = text.slice(indent, indent + 2);
  const prefix = PREFIXES.get(written);
  if (prefix) {
    if (written !== prefix) {
      diagnostics.error(
        lineRange(line, indent, indent + 2),
        'lowercase-prefix',
        `write \`${prefix}\` in upper case`,
      );
    }
    return parsePrefixedLine(prefix, text, indent, base, diagnostics);
  }
  diagnostics.error(range, 'unknown-line', unknownLineMessage(text.slice(indent)));
  return { kind: 'invalid', line, range, eol };
}

function unknownLineMessage(content: string): string {
  if (/^[2-5]\d\d(?:[ -]|$)/.test(content)) {
    return `a reply line needs \`S: \` in front (write \`S: ${truncate(content)}\`)`;
  }
  if (/^[A-Za-z]{4}\b/.test(content)) {
    return `a command line needs \`C: \` in front (write \`C: ${truncate(content)}\`)`;
  }
  return 'a line starts with `C:`, `C!`, `S:`, `@directive` or `#` (a comment)';
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function parsePrefixedLine(
  prefix: Prefix,
  text: string,
  indent: number,
  base: LineBase,
  diagnostics: DiagnosticList,
): SendLine | ExpectLine {
  const { line, range, eol } = base;
  const prefixRange = lineRange(line, indent, indent + 2);
  const after = indent + 2;
  let contentStart = after + 1;
  if (after < text.length && text[after] !== ' ') {
    diagnostics.error(
      lineRange(line, after, after + 1),
      'missing-space',
      `\`${prefix}\` must be followed by one space (write \`${prefix} ${truncate(text.slice(after).trimStart())}\`)`,
    );
    contentStart = after;
  }
  const content = text.slice(Math.min(contentStart, text.length));
  const column = Math.min(contentStart, text.length);
  if (prefix === 'S:') {
    if (content.length === 0) {
      diagnostics.error(
        prefixRange,
        'empty-expectation',
        '`S:` needs a reply code, like `S: 250` or `S: 250 *`',
      );
      return { kind: 'expect', line, range, eol, prefixRange };
    }
    const pattern = parseLinePattern(content, line, column, diagnostics);
    return pattern
      ? { kind: 'expect', line, range, eol, prefixRange, pattern }
      : { kind: 'expect', line, range, eol, prefixRange };
  }
  if (prefix === 'C!' && content.length === 0) {
    diagnostics.warning(
      prefixRange,
      'empty-raw-send',
      '`C!` with no text sends nothing (use `C:` to send an empty line)',
    );
  }
  return {
    kind: 'send',
    line,
    range,
    eol,
    raw: prefix === 'C!',
    prefixRange,
    text: parseText(content, line, column, diagnostics),
    // Filled in by the structure pass, which knows what the client stream is doing here.
    role: 'command',
    command: undefined,
  };
}

function parseDirectiveLine(
  text: string,
  indent: number,
  base: LineBase,
  diagnostics: DiagnosticList,
): DirectiveLine {
  const { line, range, eol } = base;
  const nameMatch = /^[A-Za-z0-9_-]*/.exec(text.slice(indent + 1));
  const name = nameMatch?.[0] ?? '';
  const afterName = indent + 1 + name.length;
  const nameRange = lineRange(line, indent, afterName);
  const args = splitArguments(text, afterName, line);
  const node: DirectiveLine = { kind: 'directive', line, range, eol, name, nameRange, args };
  if (name.length === 0) {
    diagnostics.error(
      lineRange(line, indent, indent + 1),
      'missing-directive-name',
      '`@` must be followed by a directive name, like @connect or @set',
    );
    return node;
  }
  if (afterName < text.length && text[afterName] !== ' ' && text[afterName] !== '\t') {
    diagnostics.error(
      lineRange(line, afterName, afterName + 1),
      'bad-argument',
      `@${name} must be followed by a space before its arguments`,
    );
    return node;
  }
  const directive = parseDirective(name, {
    line,
    source: text,
    range,
    nameRange,
    afterName,
    args,
    diagnostics,
  });
  return directive ? { kind: 'directive', line, range, eol, name, nameRange, args, directive } : node;
}
