/**
 * The bytes of a reply the script sends: each `S:` line as written (escapes and variables
 * resolved), CRLF after each. `checkServable` has already refused what cannot be sent literally.
 */
import { CRLF, concatBytes, utf8 } from '@smtp/codec';
import type { GlobSegment, ReplyExpectation, TextSegment } from '../ast.js';
import { type ResolveResult, resolveBytes, type Scope } from '../variables.js';

/** A reply ready to write, and its code (to know when it starts TLS or a DATA body). */
export interface ServedReply {
  readonly code: number;
  readonly bytes: Uint8Array;
}

/** Resolves a reply expectation of a servable script to the bytes to send. */
export function servedReply(reply: ReplyExpectation, scope: Scope): ResolveResult<ServedReply> {
  const parts: Uint8Array[] = [];
  let code = 0;
  for (const pattern of reply.patterns) {
    if (pattern.kind === 'ellipsis') throw new Error('servedReply: `...` in a servable script');
    code ||= Number(pattern.code.source);
    if (pattern.kind === 'code') {
      parts.push(utf8(pattern.code.source), CRLF);
      continue;
    }
    if (pattern.text.kind === 'regex') throw new Error('servedReply: a /regex/ in a servable script');
    const text = resolveBytes(literalSegments(pattern.text.segments), scope);
    if (!text.ok) return text;
    parts.push(utf8(`${pattern.code.source}${pattern.separator}`), text.value, CRLF);
  }
  return { ok: true, value: { code, bytes: concatBytes(parts) } };
}

function literalSegments(segments: readonly GlobSegment[]): TextSegment[] {
  return segments.filter((segment): segment is TextSegment => {
    if (segment.kind === 'wildcard') throw new Error('servedReply: `*` in a servable script');
    return true;
  });
}
