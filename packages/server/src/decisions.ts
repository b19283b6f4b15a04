import { SmtpError, type SmtpErrorLike } from '@smtp/codec';
import type { Decision, DecisionEvent } from '@smtp/session';
import { type PasswordLookup, TOKEN_MECHANISMS, type TokenVerifier, verifyPassword } from './auth.js';
import type { HookResult, MaybePromise, ServerHooks, VrfyResult } from './hooks.js';
import type { SessionInfo } from './session-info.js';

/** How the server checks credentials when there is no `onAuth` hook. */
export interface CredentialCheck {
  readonly lookup?: PasswordLookup | undefined;
  readonly verifyToken?: TokenVerifier | undefined;
}

/** What deciding needs besides the event. */
export interface DecisionContext {
  readonly hooks: ServerHooks;
  readonly credentials: CredentialCheck;
  readonly session: SessionInfo;
  /** Reports a hook's unexpected failure (the client gets `451 4.3.0`). */
  readonly report: (error: unknown) => void;
}

/** Decision events the application answers through hooks (`message-end` goes to the store). */
export type HookDecisionEvent = Exclude<DecisionEvent, { type: 'message-end' }>;

const ACCEPT: Decision = Object.freeze({ accept: true });
const BAD_CREDENTIALS = new SmtpError(535, 'Authentication credentials invalid', { enhanced: '5.7.8' });
/** The reply when the application failed in an unexpected way. */
export const LOCAL_ERROR = new SmtpError(451, 'Requested action aborted: local error in processing', {
  enhanced: '4.3.0',
});

/** True for a value a hook may refuse with: an SMTP error shape with a 4xx or 5xx code. */
export function isRefusal(value: unknown): value is SmtpErrorLike {
  return SmtpError.isLike(value) && value.code >= 400 && value.code <= 599;
}

/** A refusal decision carrying `error`'s reply. */
export function refuse(error: SmtpErrorLike): Decision {
  return { accept: false, error };
}

type Decider<E extends HookDecisionEvent> = (event: E, context: DecisionContext) => MaybePromise<Decision>;

const deciders: {
  readonly [T in HookDecisionEvent['type']]: Decider<Extract<HookDecisionEvent, { type: T }>>;
} = {
  mail(event, context) {
    const { onMail } = context.hooks;
    if (onMail === undefined) return ACCEPT;
    const request = { address: event.from.address, path: event.from, params: event.params };
    return settle(() => onMail(request, context.session), fromHookResult, context);
  },

  rcpt(event, context) {
    const { onRcpt } = context.hooks;
    if (onRcpt === undefined) return ACCEPT;
    const request = {
      address: event.to.address,
      path: event.to,
      params: event.params,
      from: event.envelope.from.address,
      accepted: event.envelope.recipients.map((recipient) => recipient.to.address),
    };
    return settle(() => onRcpt(request, context.session), fromHookResult, context);
  },

  auth(event, context) {
    const attempt = { ...event };
    delete (attempt as { type?: string }).type;
    const { onAuth } = context.hooks;
    if (onAuth !== undefined) {
      return settle(() => onAuth(attempt, context.session), fromAuthResult, context);
    }
    const { lookup, verifyToken } = context.credentials;
    if (TOKEN_MECHANISMS.includes(event.mechanism)) {
      const token = event.token;
      if (verifyToken === undefined || token === undefined) return refuse(BAD_CREDENTIALS);
      return settle(() => verifyToken({ ...attempt, token }), fromAuthResult, context);
    }
    if (lookup === undefined) return refuse(BAD_CREDENTIALS);
    return settle(() => verifyPassword(attempt, lookup), fromAuthResult, context);
  },

  vrfy(event, context) {
    const { onVrfy } = context.hooks;
    // The session only asks when a hook is configured; without one, answer as it would.
    if (onVrfy === undefined) return ACCEPT;
    return settle(() => onVrfy(event.argument, context.session), fromVrfyResult, context);
  },

  expn(event, context) {
    const { onExpn } = context.hooks;
    if (onExpn === undefined) return refuse(new SmtpError(502, 'EXPN not available', { enhanced: '5.5.1' }));
    return settle(() => onExpn(event.argument, context.session), fromExpnResult, context);
  },
};

/**
 * Asks the application (hooks, or the configured credential check) about a decision event.
 * Returns the decision at once when no hook is involved or a hook answered synchronously, so a
 * server without hooks never waits a tick per command.
 */
export function decideWithHooks(event: HookDecisionEvent, context: DecisionContext): MaybePromise<Decision> {
  const decider = deciders[event.type] as Decider<HookDecisionEvent>;
  return decider(event, context);
}

function settle<T>(
  run: () => MaybePromise<T>,
  convert: (value: T) => Decision,
  context: DecisionContext,
): MaybePromise<Decision> {
  let result: MaybePromise<T>;
  try {
    result = run();
  } catch (error) {
    return fromThrown(error, context);
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => convertChecked(value, convert, context),
      (error: unknown) => fromThrown(error, context),
    );
  }
  return convertChecked(result, convert, context);
}

function convertChecked<T>(value: T, convert: (value: T) => Decision, context: DecisionContext): Decision {
  try {
    return convert(value);
  } catch (error) {
    return fromThrown(error, context);
  }
}

/** A thrown SMTP error is the hook's reply; anything else is a bug in the hook, reported. */
export function fromThrown(error: unknown, context: Pick<DecisionContext, 'report'>): Decision {
  if (isRefusal(error)) return refuse(error);
  context.report(error);
  return refuse(LOCAL_ERROR);
}

function fromHookResult(result: HookResult): Decision {
  if (result === undefined || result === null) return ACCEPT;
  if (isRefusal(result)) return refuse(result);
  throw new TypeError(
    `a hook returned ${describe(result)}; return nothing to accept or an SmtpError to refuse`,
  );
}

function fromAuthResult(result: boolean | HookResult): Decision {
  if (result === true || result === undefined || result === null) return ACCEPT;
  if (result === false) return refuse(BAD_CREDENTIALS);
  return fromHookResult(result);
}

function fromVrfyResult(result: VrfyResult): Decision {
  if (typeof result === 'string') return { accept: true, message: result };
  if (isRefusal(result)) return refuse(result);
  if (typeof result === 'object' && result !== null && (result.code === 250 || result.code === 251)) {
    return { accept: true, code: result.code, message: result.message };
  }
  throw new TypeError(
    `onVrfy returned ${describe(result)}; return a string, { code: 251, message } or an SmtpError`,
  );
}

function fromExpnResult(result: readonly string[] | SmtpErrorLike): Decision {
  if (Array.isArray(result) && result.length > 0 && result.every((line) => typeof line === 'string')) {
    return { accept: true, lines: result };
  }
  if (isRefusal(result)) return refuse(result);
  throw new TypeError(
    `onExpn returned ${describe(result)}; return a non-empty list of mailboxes or an SmtpError`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${JSON.stringify(value)?.slice(0, 80) ?? '…'})`;
  return `${typeof value} ${String(value).slice(0, 80)}`;
}
