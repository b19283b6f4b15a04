/**
 * Checks a server's reply against a reply expectation, per the spec's three shapes, and says
 * in plain words where the first difference is when it does not match.
 */
import { fromUtf8, type Reply } from '@smtp/codec';
import type { LinePattern, RegexPart, RegexPattern, ReplyExpectation, TextPattern } from './ast.js';
import { compileGlob, globMismatch } from './glob.js';
import { formatReplyLines, printable } from './reply-lines.js';
import { createScope, type ResolveResult, resolveBytes, type Scope } from './variables.js';

/** The outcome of a check. On failure, what was expected, what came, and why they differ. */
export type MatchResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The `S:` lines as written. */
      readonly expected: string;
      /** The reply as `S:` lines. */
      readonly actual: string;
      /** The first difference, in plain words. */
      readonly explanation: string;
    };

/** The parts of a {@link ReplyExpectation} the matcher reads. */
export type Expectation = Pick<ReplyExpectation, 'patterns' | 'shape'>;

/** Why a line's text does not match, and how far into the text it did match. */
interface TextMismatch {
  readonly reason: string;
  readonly column: number;
}

/** Tests one line's text; undefined when it matches. */
type TextTest = (text: string) => TextMismatch | undefined;

/** A line that did not match, ranked by how close it came (see `matchLines`). */
interface LineMismatch {
  readonly reason: string;
  /** 0: wrong code, 1: wrong separator, 2: wrong text. */
  readonly stage: number;
  /** For a text mismatch: how many characters matched. */
  readonly column: number;
}

type CompiledLine =
  | { readonly kind: 'ellipsis' }
  | {
      readonly kind: 'line';
      readonly code: string;
      /** Undefined for a code-only line. */
      readonly separator: ' ' | '-' | undefined;
      readonly text: TextTest | undefined;
      /** The pattern as written after `S: `. */
      readonly shown: string;
    };

/**
 * Matches a reply against an expectation, variables resolved in `scope`.
 *
 * @example
 * ```ts
 * const file = parseTranscript('S: 250 2.1.0 *\n');
 * const step = file.sessions[0]?.steps[0];
 * if (step?.kind === 'expect') matchReply(step, { code: 250, lines: ['2.1.0 Ok'] }); // { ok: true }
 * ```
 */
export function matchReply(
  expectation: Expectation,
  reply: Reply,
  scope: Scope = createScope(),
): MatchResult {
  const expected = expectation.patterns.map((p) => `S: ${patternSource(p)}`).join('\n');
  const fail = (explanation: string): MatchResult => ({
    ok: false,
    expected,
    actual: formatReplyLines(reply).join('\n'),
    explanation,
  });
  const compiled: CompiledLine[] = [];
  for (const pattern of expectation.patterns) {
    const line = compileLine(pattern, scope);
    if (!line.ok) return fail(`cannot check: ${line.error.message}`);
    compiled.push(line.value);
  }
  const lines = reply.lines.length > 0 ? reply.lines : [''];
  const explanation =
    expectation.shape === 'lines'
      ? matchLines(compiled, reply.code, lines)
      : matchSingle(compiled[0], reply.code, lines);
  return explanation === undefined ? { ok: true } : fail(explanation);
}

/** `code` and `line` shapes: the code of the reply, then (with text) its last line. */
function matchSingle(
  pattern: CompiledLine | undefined,
  code: number,
  lines: readonly string[],
): string | undefined {
  if (pattern?.kind !== 'line') return 'the expectation has no pattern';
  if (!codeMatches(pattern.code, code)) return `code ${code} does not match ${pattern.code}`;
  if (!pattern.text) return undefined;
  const last = lines.length - 1;
  const mismatch = pattern.text(lines[last] as string);
  if (mismatch === undefined) return undefined;
  return lines.length === 1 ? mismatch.reason : `line ${last + 1} (the last): ${mismatch.reason}`;
}

/**
 * `lines` shape: pattern lines against reply lines one to one, `...` taking zero or more.
 * Explores every alignment (patterns × lines, no backtracking). Without `...` there is one
 * alignment and its first difference is explained; with `...` the explained failure is the one
 * that came closest: furthest into the pattern, then furthest into the line (code, separator,
 * text, and how much of the text), then earliest in the reply.
 */
function matchLines(
  patterns: readonly CompiledLine[],
  code: number,
  lines: readonly string[],
): string | undefined {
  const m = patterns.length;
  const n = lines.length;
  const width = n + 1;
  const reached = new Uint8Array((m + 1) * width);
  reached[0] = 1;
  let closest: (LineMismatch & { i: number; j: number }) | undefined;
  let ended: string | undefined;
  let overflow: string | undefined;
  for (let i = 0; i <= m; i++) {
    for (let j = 0; j <= n; j++) {
      if (!reached[i * width + j]) continue;
      if (i === m) {
        if (j === n) return undefined;
        overflow ??= `line ${j + 1}: the reply continues with \`${showReplyLine(code, lines, j)}\` but the expectation has no more lines`;
        continue;
      }
      const pattern = patterns[i] as CompiledLine;
      if (pattern.kind === 'ellipsis') {
        reached[(i + 1) * width + j] = 1;
        if (j < n) reached[i * width + j + 1] = 1;
        continue;
      }
      if (j === n) {
        ended ??= `line ${j + 1}: expected \`${pattern.shown}\` but the reply ended`;
        continue;
      }
      const mismatch = compareLine(pattern, code, lines, j);
      if (mismatch === undefined) reached[(i + 1) * width + j + 1] = 1;
      else if (!closest || closer(i, mismatch, closest)) closest = { ...mismatch, i, j };
    }
  }
  if (closest) return `line ${closest.j + 1}: ${closest.reason}`;
  return ended ?? overflow ?? 'the reply does not match';
}

/** Whether a mismatch of pattern line `i` came closer than the best so far (ties keep the earlier). */
function closer(i: number, mismatch: LineMismatch, best: LineMismatch & { i: number }): boolean {
  if (i !== best.i) return i > best.i;
  if (mismatch.stage !== best.stage) return mismatch.stage > best.stage;
  return mismatch.column > best.column;
}

function compareLine(
  pattern: Extract<CompiledLine, { kind: 'line' }>,
  code: number,
  lines: readonly string[],
  j: number,
): LineMismatch | undefined {
  if (!codeMatches(pattern.code, code))
    return { reason: `code ${code} does not match ${pattern.code}`, stage: 0, column: 0 };
  const isLast = j === lines.length - 1;
  const actual = showReplyLine(code, lines, j);
  const wantsLast = pattern.separator !== '-';
  if (wantsLast && !isLast) {
    const reason = `expected the last line \`${pattern.shown}\` but the reply continues with \`${actual}\``;
    return { reason, stage: 1, column: 0 };
  }
  if (!wantsLast && isLast) {
    const reason = `expected a continuation line \`${pattern.shown}\` but the reply ends with \`${actual}\``;
    return { reason, stage: 1, column: 0 };
  }
  const text = pattern.text?.(lines[j] as string);
  return text && { ...text, stage: 2 };
}

function showReplyLine(code: number, lines: readonly string[], j: number): string {
  return `${code}${j === lines.length - 1 ? ' ' : '-'}${printable(lines[j] as string)}`;
}

/** Whether a reply code matches a pattern like `250`, `25x`, `2xx`. */
export function codeMatches(pattern: string, code: number): boolean {
  const digits = String(code);
  if (digits.length !== 3 || pattern.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const p = pattern[i] as string;
    if (p !== 'x' && p !== 'X' && p !== digits[i]) return false;
  }
  return true;
}

function compileLine(pattern: LinePattern, scope: Scope): ResolveResult<CompiledLine> {
  switch (pattern.kind) {
    case 'ellipsis':
      return { ok: true, value: { kind: 'ellipsis' } };
    case 'code':
      return {
        ok: true,
        value: {
          kind: 'line',
          code: pattern.code.source,
          separator: undefined,
          text: undefined,
          shown: pattern.code.source,
        },
      };
    case 'line': {
      const text = compileText(pattern.text, scope);
      if (!text.ok) return text;
      return {
        ok: true,
        value: {
          kind: 'line',
          code: pattern.code.source,
          separator: pattern.separator,
          text: text.value,
          shown: patternSource(pattern),
        },
      };
    }
  }
}

/** Compiles the text part of a pattern (a glob or a regex) in `scope`. */
export function compileText(text: TextPattern, scope: Scope): ResolveResult<TextTest> {
  if (text.kind === 'glob') {
    const glob = compileGlob(text.segments, scope);
    if (!glob.ok) return glob;
    const source = text.source;
    return {
      ok: true,
      value: (actual) => {
        const at = globMismatch(glob.value, actual);
        if (at === undefined) return undefined;
        return {
          reason: `text \`${printable(actual)}\` does not match glob \`${source}\` at column ${at + 1}`,
          column: at,
        };
      },
    };
  }
  const regex = compileRegex(text, scope);
  if (!regex.ok) return regex;
  return {
    ok: true,
    value: (actual) =>
      regex.value.test(actual)
        ? undefined
        : { reason: `text \`${printable(actual)}\` does not match ${text.source}`, column: 0 },
  };
}

function compileRegex(pattern: RegexPattern, scope: Scope): ResolveResult<RegExp> {
  let source = '';
  for (const part of pattern.body) {
    const piece = regexPiece(part, scope);
    if (!piece.ok) return piece;
    source += piece.value;
  }
  try {
    return { ok: true, value: new RegExp(source, pattern.flags) };
  } catch (error) {
    return {
      ok: false,
      error: {
        message: `invalid regular expression ${pattern.source}: ${(error as Error).message}`,
        range: pattern.range,
      },
    };
  }
}

/** Raw source as written; a variable's value matched literally. */
function regexPiece(part: RegexPart, scope: Scope): ResolveResult<string> {
  if (part.kind === 'source') return { ok: true, value: part.text };
  const bytes = resolveBytes([part], scope);
  if (!bytes.ok) return bytes;
  return { ok: true, value: escapeRegex(fromUtf8(bytes.value)) };
}

function escapeRegex(text: string): string {
  // Only syntax characters: escaping anything else is an error under the `u` and `v` flags.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** A pattern as written after `S: `. */
export function patternSource(pattern: LinePattern): string {
  switch (pattern.kind) {
    case 'ellipsis':
      return '...';
    case 'code':
      return pattern.code.source;
    case 'line':
      return `${pattern.code.source}${pattern.separator}${pattern.text.source}`;
  }
}
