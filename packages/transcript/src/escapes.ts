/**
 * Reads the text of `C:`/`C!` lines, `@set` values and `S:` globs: escapes (`\r \n \t \0 \\
 * \xNN`), variables (`{{name}}`, `{{env:NAME}}`, `{{base64:text}}`) and, in globs, `*`.
 * Also reads regex bodies, where only variables are recognised and backslashes stay.
 */
import { utf8 } from '@smtp/codec';
import type {
  Base64Segment,
  EscapeNode,
  GlobSegment,
  Range,
  RegexPart,
  TextNode,
  TextSegment,
  VariableRef,
} from './ast.js';
import type { DiagnosticList } from './diagnostics.js';
import { lineRange } from './ranges.js';
import { closestMatch } from './suggest.js';

/** Letters, digits, `_`, `.`, `-`; starting with a letter or `_`. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** The shape of environment variable names. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['r', 0x0d],
  ['n', 0x0a],
  ['t', 0x09],
  ['0', 0x00],
  ['\\', 0x5c],
]);

const HEX_DIGITS = /^[0-9A-Fa-f]{2}$/;
const BASE64_PREFIX = 'base64:';
const ENV_PREFIX = 'env:';

/** Parses text (no wildcards) that starts at `column` of `line`. */
export function parseText(
  source: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): TextNode {
  const range = lineRange(line, column, column + source.length);
  if (isPlain(source, false)) {
    const segments: TextSegment[] =
      source.length === 0 ? [] : [{ kind: 'literal', range, bytes: encodeText(source) }];
    return { source, range, segments, escapes: EMPTY, variables: EMPTY };
  }
  const scanner = new TextScanner(source, line, column, diagnostics, range);
  const segments = scanner.segments(false, false) as TextSegment[];
  return {
    source,
    range,
    segments,
    escapes: orShared(scanner.escapes),
    variables: orShared(scanner.variables),
  };
}

/** The parts of a glob: text segments and wildcards. */
export interface ParsedGlob {
  readonly segments: GlobSegment[];
  readonly escapes: EscapeNode[];
  readonly variables: VariableRef[];
}

/** Parses a glob: like {@link parseText}, and an unescaped `*` is a wildcard. */
export function parseGlob(
  source: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
  range?: Range,
): ParsedGlob {
  if (range && isPlain(source, true)) {
    const segments: GlobSegment[] =
      source.length === 0 ? [] : [{ kind: 'literal', range, bytes: encodeText(source) }];
    return { segments, escapes: EMPTY, variables: EMPTY };
  }
  const scanner = new TextScanner(source, line, column, diagnostics, range);
  const segments = scanner.segments(true, false);
  return { segments, escapes: orShared(scanner.escapes), variables: orShared(scanner.variables) };
}

/** Parses a regex body: raw source with `{{…}}` variables. */
export function parseRegexBody(
  source: string,
  line: number,
  column: number,
  diagnostics: DiagnosticList,
): { body: RegexPart[]; variables: VariableRef[] } {
  const scanner = new TextScanner(source, line, column, diagnostics);
  const body = scanner.regexParts();
  return { body, variables: orShared(scanner.variables) };
}

const EMPTY: never[] = [];

/** Whether text has nothing to interpret: no escape, no variable, and (in a glob) no wildcard. */
function isPlain(source: string, wildcards: boolean): boolean {
  return !source.includes('\\') && !source.includes('{{') && !(wildcards && source.includes('*'));
}

/**
 * The list, or one shared empty list when it is empty: most lines have no escapes and no
 * variables, and a parse keeps its tree, so empty lists would add up.
 */
function orShared<T>(items: T[]): T[] {
  return items.length === 0 ? EMPTY : items;
}

/** A cursor over one line's text; every position it reports is `column + index`. */
class TextScanner {
  readonly escapes: EscapeNode[] = [];
  readonly variables: VariableRef[] = [];
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly line: number,
    private readonly column: number,
    private readonly diagnostics: DiagnosticList,
    /** The range of the whole text, shared by a literal that covers all of it. */
    private readonly wholeRange?: Range,
  ) {}

  /**
   * Reads segments up to the end of the text, or up to a `}}` when `insideBraces` (the caller
   * consumes the `}}`).
   */
  segments(wildcards: boolean, insideBraces: boolean): GlobSegment[] {
    const { source } = this;
    const out: GlobSegment[] = [];
    const literal = new LiteralBuilder();
    let plainStart = this.pos;
    const flushPlain = () => {
      if (this.pos > plainStart) literal.addText(source.slice(plainStart, this.pos), plainStart);
    };
    const flushLiteral = () => {
      flushPlain();
      const whole = this.pos === source.length ? this.wholeRange : undefined;
      const segment = literal.take(this.line, this.column, this.pos, whole);
      if (segment) out.push(segment);
    };
    while (this.pos < source.length) {
      const c = source.charCodeAt(this.pos);
      if (c === 0x7d /* } */ && insideBraces && source.charCodeAt(this.pos + 1) === 0x7d) break;
      if (c === 0x5c /* \ */) {
        flushPlain();
        const start = this.pos;
        const byte = this.escape();
        if (byte !== undefined) literal.addByte(byte, start);
        plainStart = this.pos;
      } else if (c === 0x7b /* { */ && source.charCodeAt(this.pos + 1) === 0x7b) {
        flushLiteral();
        const variable = this.variable();
        if (variable) out.push(variable);
        plainStart = this.pos;
      } else if (c === 0x2a /* * */ && wildcards) {
        flushLiteral();
        out.push({ kind: 'wildcard', range: this.range(this.pos, this.pos + 1) });
        this.pos++;
        plainStart = this.pos;
      } else {
        this.pos++;
      }
    }
    flushLiteral();
    return out;
  }

  /** Reads a regex body: everything is raw source except `{{…}}`. */
  regexParts(): RegexPart[] {
    const { source } = this;
    const out: RegexPart[] = [];
    let rawStart = 0;
    while (this.pos < source.length) {
      const open = source.indexOf('{{', this.pos);
      if (open < 0) break;
      this.pos = open;
      const variable = this.variable();
      if (variable) {
        if (open > rawStart) out.push({ kind: 'source', text: source.slice(rawStart, open) });
        out.push(variable);
        rawStart = this.pos;
      }
    }
    if (rawStart < source.length) out.push({ kind: 'source', text: source.slice(rawStart) });
    this.pos = source.length;
    return out;
  }

  /** Reads the escape at `pos` (a backslash); returns its byte, or undefined after reporting. */
  private escape(): number | undefined {
    const { source } = this;
    const start = this.pos;
    const next = source[start + 1];
    if (next === undefined) {
      this.pos = start + 1;
      this.diagnostics.error(
        this.range(start, start + 1),
        'trailing-backslash',
        'a lone backslash ends the line (use `\\\\` for a backslash)',
      );
      return undefined;
    }
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) {
      this.pos = start + 2;
      this.escapes.push({
        range: this.range(start, start + 2),
        source: source.slice(start, start + 2),
        byte: simple,
      });
      return simple;
    }
    if (next === 'x') {
      const digits = source.slice(start + 2, start + 4);
      if (HEX_DIGITS.test(digits)) {
        this.pos = start + 4;
        const byte = Number.parseInt(digits, 16);
        this.escapes.push({
          range: this.range(start, start + 4),
          source: source.slice(start, start + 4),
          byte,
        });
        return byte;
      }
      const shown = source.slice(start, start + 2 + hexPrefixLength(digits));
      this.pos = start + shown.length;
      this.diagnostics.error(
        this.range(start, Math.max(start + 2, this.pos)),
        'bad-hex-escape',
        `\`${shown}\` needs two hex digits, like \`\\x2a\``,
      );
      return undefined;
    }
    const width = next.length === 1 ? charWidth(source, start + 1) : 1;
    this.pos = start + 1 + width;
    this.diagnostics.error(
      this.range(start, this.pos),
      'unknown-escape',
      `unknown escape \`\\${source.slice(start + 1, this.pos)}\` (use \`\\\\\` for a backslash; escapes are \\r \\n \\t \\0 \\\\ \\xNN)`,
    );
    return undefined;
  }

  /**
   * Reads the `{{…}}` at `pos`. Returns the segment, or undefined after reporting (then `pos`
   * is just after the `{{`, so the rest of the line is still checked).
   */
  private variable(): VariableRef | Base64Segment | undefined {
    const { source } = this;
    const start = this.pos;
    const inner = start + 2;
    if (source.startsWith(BASE64_PREFIX, inner)) return this.base64(start);
    const close = source.indexOf('}}', inner);
    if (close < 0) {
      this.pos = inner;
      this.diagnostics.error(
        this.range(start, source.length),
        'unterminated-variable',
        '`{{` is not closed by `}}` (write `\\x7b\\x7b` for literal braces)',
      );
      return undefined;
    }
    this.pos = close + 2;
    const range = this.range(start, close + 2);
    const content = source.slice(inner, close);
    const colon = content.indexOf(':');
    if (colon >= 0) {
      const prefix = content.slice(0, colon);
      if (prefix !== 'env') {
        const guess = closestMatch(prefix, ['env', 'base64']);
        this.diagnostics.error(
          range,
          'unknown-variable-kind',
          `unknown \`{{${prefix}:…}}\`${guess ? ` (did you mean \`{{${guess}:…}}\`?)` : ''}; use \`{{name}}\`, \`{{env:NAME}}\` or \`{{base64:text}}\``,
        );
        return undefined;
      }
      const name = content.slice(ENV_PREFIX.length);
      const nameStart = inner + ENV_PREFIX.length;
      if (!this.checkName(name, ENV_NAME, range, 'environment variable')) return undefined;
      const segment = { kind: 'env', range, name, nameRange: this.range(nameStart, close) } as const;
      this.variables.push(segment);
      return segment;
    }
    if (!this.checkName(content, VARIABLE_NAME, range, 'variable')) return undefined;
    const segment = { kind: 'variable', range, name: content, nameRange: this.range(inner, close) } as const;
    this.variables.push(segment);
    return segment;
  }

  private base64(start: number): Base64Segment | undefined {
    const contentStart = start + 2 + BASE64_PREFIX.length;
    this.pos = contentStart;
    const content = this.segments(false, true) as TextSegment[];
    if (this.pos >= this.source.length) {
      this.diagnostics.error(
        this.range(start, this.source.length),
        'unterminated-variable',
        '`{{base64:` is not closed by `}}` (write `\\x7d\\x7d` for literal braces inside it)',
      );
      return undefined;
    }
    const contentEnd = this.pos;
    this.pos += 2;
    return {
      kind: 'base64',
      range: this.range(start, this.pos),
      content,
      contentRange: this.range(contentStart, contentEnd),
    };
  }

  private checkName(name: string, shape: RegExp, range: Range, what: string): boolean {
    if (shape.test(name)) return true;
    let message: string;
    if (name.length === 0) message = `\`{{}}\` needs a ${what} name, like \`{{user}}\``;
    else if (name.trim() !== name) message = `no spaces inside \`{{…}}\` (write \`{{${name.trim()}}}\`)`;
    else if (shape === ENV_NAME)
      message = `\`${name}\` is not an environment variable name (letters, digits and \`_\`, not starting with a digit)`;
    else
      message = `\`${name}\` is not a variable name (letters, digits, \`_\`, \`.\` and \`-\`, starting with a letter or \`_\`)`;
    this.diagnostics.error(range, 'bad-variable-name', message);
    return false;
  }

  private range(start: number, end: number) {
    return lineRange(this.line, this.column + start, this.column + end);
  }
}

/** Accumulates the bytes of one literal segment from plain text runs and escapes. */
class LiteralBuilder {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private start = -1;

  addText(text: string, at: number): void {
    if (this.start < 0) this.start = at;
    const bytes = encodeText(text);
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  addByte(byte: number, at: number): void {
    if (this.start < 0) this.start = at;
    this.chunks.push(Uint8Array.of(byte));
    this.length += 1;
  }

  /** The segment built so far (ending at `end`), and a fresh start; undefined when empty. */
  take(line: number, column: number, end: number, whole: Range | undefined): TextSegment | undefined {
    if (this.start < 0) return undefined;
    const bytes = this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : join(this.chunks, this.length);
    const range = whole && this.start === 0 ? whole : lineRange(line, column + this.start, column + end);
    const segment: TextSegment = { kind: 'literal', range, bytes };
    this.chunks = [];
    this.length = 0;
    this.start = -1;
    return segment;
  }
}

/**
 * UTF-8 of a literal run. Most runs are short ASCII (commands, addresses), for which a plain
 * loop beats a call into the encoder.
 */
function encodeText(text: string): Uint8Array {
  if (text.length > 64) return utf8(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return utf8(text);
    out[i] = code;
  }
  return out;
}

function join(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** How many leading characters of `text` are hex digits (0-2), to show a bad `\x` escape. */
function hexPrefixLength(text: string): number {
  let n = 0;
  while (n < text.length && /[0-9A-Fa-f]/.test(text[n] as string)) n++;
  return n;
}

/** 2 when a surrogate pair starts at `index`, so an error never splits a character. */
function charWidth(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
}
