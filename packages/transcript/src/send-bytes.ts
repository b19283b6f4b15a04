/**
 * The bytes a send line or a send group writes, variables resolved: what the runner puts on
 * the wire (and feeds to its own `ClientStream` to pair replies on the real bytes).
 */
import { CRLF, concatBytes } from '@smtp/codec';
import type { SendGroup, SendLine } from './ast.js';
import { type ResolveResult, resolveBytes, type Scope } from './variables.js';

/** A `C:` line's text and its CRLF, or a `C!` line's text alone. */
export function sendLineBytes(line: SendLine, scope: Scope): ResolveResult<Uint8Array> {
  const text = resolveBytes(line.text.segments, scope);
  if (!text.ok || line.raw) return text;
  return { ok: true, value: concatBytes([text.value, CRLF]) };
}

/** Every line of a group, in order, as the one write the runner makes. */
export function sendGroupBytes(group: SendGroup, scope: Scope): ResolveResult<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const line of group.lines) {
    const bytes = sendLineBytes(line, scope);
    if (!bytes.ok) return bytes;
    parts.push(bytes.value);
  }
  return { ok: true, value: concatBytes(parts) };
}
