/**
 * Globs: `*` is any run of characters, everything else literal, anchored at both ends.
 * Compiled to the literal pieces between the wildcards and matched by placing each middle piece
 * at its leftmost possible position: linear work, no backtracking, whatever the input.
 */
import { fromUtf8 } from '@smtp/codec';
import type { GlobSegment, TextSegment } from './ast.js';
import { type ResolveResult, resolveBytes, type Scope } from './variables.js';

/** A glob ready to match: `pieces[0] * pieces[1] * … * pieces[n]`. */
export interface CompiledGlob {
  /** Literal text between wildcards; one more than the number of wildcards. */
  readonly pieces: readonly string[];
}

/** Resolves a glob's variables in `scope` and splits it at its wildcards. */
export function compileGlob(segments: readonly GlobSegment[], scope: Scope): ResolveResult<CompiledGlob> {
  const pieces: string[] = [];
  let current: TextSegment[] = [];
  const flush = (): ResolveResult<undefined> => {
    const bytes = resolveBytes(current, scope);
    if (!bytes.ok) return bytes;
    // Decode per piece, not per segment: `\xc3\xa9` is one character across two escapes.
    pieces.push(fromUtf8(bytes.value));
    current = [];
    return { ok: true, value: undefined };
  };
  for (const segment of segments) {
    if (segment.kind !== 'wildcard') {
      current.push(segment);
      continue;
    }
    const flushed = flush();
    if (!flushed.ok) return flushed;
  }
  const flushed = flush();
  if (!flushed.ok) return flushed;
  return { ok: true, value: { pieces } };
}

/**
 * Where `text` stops matching the glob: undefined when it matches, else the 0-based index in
 * `text` at which the first difference was found.
 */
export function globMismatch(glob: CompiledGlob, text: string): number | undefined {
  const { pieces } = glob;
  const first = pieces[0] as string;
  if (pieces.length === 1) return text === first ? undefined : firstDifference(text, 0, first);
  if (!text.startsWith(first)) return firstDifference(text, 0, first);
  const last = pieces[pieces.length - 1] as string;
  const lastStart = text.length - last.length;
  let position = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    const found = text.indexOf(piece, position);
    if (found < 0) return position;
    position = found + piece.length;
  }
  if (lastStart < position) return Math.min(position, text.length);
  if (!text.endsWith(last)) return firstDifference(text, lastStart, last);
  return undefined;
}

/** The index of the first character where `text` from `start` differs from `expected`. */
function firstDifference(text: string, start: number, expected: string): number {
  let i = 0;
  while (i < expected.length && start + i < text.length && text[start + i] === expected[i]) i++;
  return start + i;
}
