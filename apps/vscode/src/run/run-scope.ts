/**
 * Which part of a file a run covers, and the runner options that say so. Pure: the commands,
 * CodeLenses and the Test Explorer pick a scope; the runner gets options.
 */
import type { Endpoint, RunOptions } from '@smtp/transcript';
import type { ExtensionSettings } from '../settings.js';

/** The part of a file to run. */
export type RunScope =
  | { readonly kind: 'file' }
  /** one session, by its 0-based index */
  | { readonly kind: 'session'; readonly index: number }
  /** from the start through the step at this 0-based line ("Run to here") */
  | { readonly kind: 'to-line'; readonly line: number };

/** The runner options for a scope, the settings, and an explicit server ("Run Against Server…"). */
export function runOptionsFor(
  scope: RunScope,
  settings: ExtensionSettings,
  server?: Endpoint,
): Omit<RunOptions, 'signal' | 'onEvent'> {
  return {
    timeoutMs: settings.timeoutMs,
    allowSelfSigned: settings.allowSelfSigned,
    ...(server === undefined ? {} : { server }),
    ...(server === undefined && settings.server !== undefined ? { defaultServer: settings.server } : {}),
    ...(scope.kind === 'session' ? { session: { index: scope.index } } : {}),
    ...(scope.kind === 'to-line' ? { stopAfterLine: scope.line } : {}),
  };
}

/** How a scope reads in titles: `delivery.smtp`, `delivery.smtp, session 2`, `delivery.smtp to line 9`. */
export function describeScope(name: string, scope: RunScope): string {
  switch (scope.kind) {
    case 'file':
      return name;
    case 'session':
      return `${name}, session ${scope.index + 1}`;
    case 'to-line':
      return `${name} to line ${scope.line + 1}`;
  }
}
