/**
 * A served session as a flat list of what happens in it, in file order: client lines to
 * check, replies to send, directives to obey. Plus what each session starts with: the
 * variables and the timeout the lines above it left behind (they belong to the file, not to a
 * connection, so a later session sees the `@set` lines of earlier ones).
 */
import type { Directive, ReplyExpectation, SendLine, Session, Step, TranscriptFile } from '../ast.js';
import { createScope, defineVariable, type ResolveError, type Scope } from '../variables.js';

/** One thing a served session does, in file order. */
export type ScriptItem =
  /** A `C:` line: the next line the client sends is checked against it. */
  | { readonly kind: 'line'; readonly line: SendLine }
  /** One reply (`S:` lines grouped as the spec says): sent as written. */
  | { readonly kind: 'reply'; readonly reply: ReplyExpectation }
  | { readonly kind: 'directive'; readonly directive: Directive };

/** Everything one served connection needs. */
export interface SessionPlan {
  readonly session: Session;
  readonly items: readonly ScriptItem[];
  /** The variables defined above this session. */
  readonly scope: Scope;
  /** The wait for the client, per line, in force where this session starts. */
  readonly timeoutMs: number;
}

/** How long the script waits for a client line unless `@timeout` says otherwise (as the runner). */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 10_000;

/** The plans of every session, or the first `@set` whose value cannot be resolved. */
export function planScript(
  file: TranscriptFile,
  env: Readonly<Record<string, string | undefined>>,
  defaultTimeoutMs: number = DEFAULT_SCRIPT_TIMEOUT_MS,
): { ok: true; plans: SessionPlan[] } | { ok: false; error: ResolveError } {
  let scope = createScope(env);
  let timeoutMs = defaultTimeoutMs;
  const follow = (directive: Directive): ResolveError | undefined => {
    if (directive.name === 'set') {
      const next = defineVariable(scope, directive);
      if (!next.ok) return next.error;
      scope = next.value;
    } else if (directive.name === 'timeout') {
      timeoutMs = directive.milliseconds;
    }
    return undefined;
  };
  for (const step of file.preamble) {
    const error = follow(step.directive);
    if (error) return { ok: false, error };
  }
  const plans: SessionPlan[] = [];
  for (const session of file.sessions) {
    plans.push({ session, items: sessionItems(session.steps), scope, timeoutMs });
    for (const step of session.steps) {
      if (step.kind !== 'directive') continue;
      const error = follow(step.directive);
      if (error) return { ok: false, error };
    }
  }
  return { ok: true, plans };
}

function sessionItems(steps: readonly Step[]): ScriptItem[] {
  const items: ScriptItem[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'send':
        for (const line of step.lines) items.push({ kind: 'line', line });
        break;
      case 'expect':
        items.push({ kind: 'reply', reply: step });
        break;
      case 'directive':
        items.push({ kind: 'directive', directive: step.directive });
        break;
    }
  }
  return items;
}
