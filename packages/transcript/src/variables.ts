/**
 * Variables: the scope a run builds from `@set` lines and the environment, resolving text
 * segments to bytes, and the check that every `{{env:NAME}}` is set before anything is sent.
 */
import { concatBytes, fromUtf8, utf8 } from '@smtp/codec';
import type { Diagnostic, Range, SetDirective, TextSegment, TranscriptFile, VariableRef } from './ast.js';
import { DiagnosticList } from './diagnostics.js';

/** The values `{{…}}` resolve to at one point of a run. */
export interface Scope {
  /** Values of `@set` variables, already resolved to bytes. */
  readonly variables: ReadonlyMap<string, Uint8Array>;
  /** The environment (process environment merged with a `.env` file, as the runner decides). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Why a value could not be resolved. */
export interface ResolveError {
  readonly message: string;
  readonly range: Range;
}

/** A resolved value, or why there is none. */
export type ResolveResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ResolveError };

/** A scope with no `@set` variables yet. */
export function createScope(env: Readonly<Record<string, string | undefined>> = {}): Scope {
  return { variables: new Map(), env };
}

/** The scope after an `@set` line: its value resolved in `scope`, then bound to its name. */
export function defineVariable(scope: Scope, directive: SetDirective): ResolveResult<Scope> {
  const value = resolveBytes(directive.value.segments, scope);
  if (!value.ok) return value;
  const variables = new Map(scope.variables);
  variables.set(directive.variable, value.value);
  return { ok: true, value: { variables, env: scope.env } };
}

/** The bytes that text segments stand for in `scope`. */
export function resolveBytes(segments: readonly TextSegment[], scope: Scope): ResolveResult<Uint8Array> {
  let failure: ResolveError | undefined;
  const bytes = resolveWith(segments, (segment) => {
    const value = lookUp(segment, scope);
    if (value === undefined) failure ??= { message: missingMessage(segment), range: segment.range };
    return value;
  });
  return failure ? { ok: false, error: failure } : { ok: true, value: bytes };
}

/** The text (UTF-8 decoded) that text segments stand for in `scope`. */
export function resolveText(segments: readonly TextSegment[], scope: Scope): ResolveResult<string> {
  const bytes = resolveBytes(segments, scope);
  return bytes.ok ? { ok: true, value: fromUtf8(bytes.value) } : bytes;
}

/**
 * Resolves segments with a caller-supplied lookup. A reference the lookup cannot answer
 * contributes no bytes (the caller records why).
 */
export function resolveWith(
  segments: readonly TextSegment[],
  lookup: (segment: VariableRef) => Uint8Array | undefined,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const segment of segments) {
    switch (segment.kind) {
      case 'literal':
        parts.push(segment.bytes);
        break;
      case 'variable':
      case 'env': {
        const value = lookup(segment);
        if (value) parts.push(value);
        break;
      }
      case 'base64':
        parts.push(utf8(encodeBase64(resolveWith(segment.content, lookup))));
        break;
    }
  }
  return concatBytes(parts);
}

function lookUp(segment: VariableRef, scope: Scope): Uint8Array | undefined {
  if (segment.kind === 'variable') return scope.variables.get(segment.name);
  const value = scope.env[segment.name];
  return value === undefined ? undefined : utf8(value);
}

function missingMessage(segment: VariableRef): string {
  return segment.kind === 'variable'
    ? `\`{{${segment.name}}}\` is not defined (add \`@set ${segment.name} …\` above this line)`
    : envMissingMessage(segment.name);
}

function envMissingMessage(name: string): string {
  return `environment variable \`${name}\` is not set (set it, or add \`${name}=…\` to a .env file beside the transcript)`;
}

/**
 * Reports every `{{env:NAME}}` of the file whose NAME is not in `env`, so a run can refuse to
 * start before it sends anything.
 */
export function checkVariables(
  file: TranscriptFile,
  env: Readonly<Record<string, string | undefined>>,
): Diagnostic[] {
  const diagnostics = new DiagnosticList();
  for (const ref of variableRefs(file)) {
    if (ref.kind === 'env' && env[ref.name] === undefined) {
      diagnostics.error(ref.range, 'env-not-set', envMissingMessage(ref.name));
    }
  }
  return diagnostics.items;
}

/** Every variable reference of the file, in source order. */
export function variableRefs(file: TranscriptFile): VariableRef[] {
  const refs: VariableRef[] = [];
  for (const line of file.lines) {
    if (line.kind === 'send') refs.push(...line.text.variables);
    else if (line.kind === 'expect' && line.pattern?.kind === 'line')
      refs.push(...line.pattern.text.variables);
    else if (line.kind === 'directive' && line.directive?.name === 'set')
      refs.push(...line.directive.value.variables);
  }
  return refs;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648, with padding) of some bytes. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += sextet(n >> 18) + sextet(n >> 12) + sextet(n >> 6) + sextet(n);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${sextet(n >> 18)}${sextet(n >> 12)}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${sextet(n >> 18)}${sextet(n >> 12)}${sextet(n >> 6)}=`;
  }
  return out;
}

function sextet(n: number): string {
  return BASE64_ALPHABET[n & 63] as string;
}
