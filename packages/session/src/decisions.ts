/**
 * Turning the application's answers into replies, and refusing answers that could not be
 * written as a valid reply (a CR in a message would let a hook inject replies).
 */
import type { Acceptance, Decision, DecisionEvent, PerRecipientDecision, Refusal } from './events.js';
import type { ReplySpec } from './replies.js';

const ENHANCED = /^([245])\.\d{1,3}\.\d{1,3}$/;
const LINE_BREAK = /[\r\n\0]/;
const QUEUE_ID = /^[\x21-\x7e]{1,100}$/;

function checkText(text: string, what: string): void {
  if (LINE_BREAK.test(text)) throw new TypeError(`${what} must not contain CR, LF or NUL`);
}

function checkRefusal(refusal: Refusal): void {
  const { code, enhanced, message } = refusal.error;
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new RangeError(`a refusal needs a 4xx or 5xx code, got ${code}`);
  }
  if (enhanced !== undefined) {
    const match = ENHANCED.exec(enhanced);
    if (match === null || Number(match[1]) !== Math.floor(code / 100)) {
      throw new RangeError(
        `enhanced status code ${JSON.stringify(enhanced)} does not fit reply code ${code}`,
      );
    }
  }
  checkText(message, 'refusal message');
  for (const line of refusalLines(refusal) ?? []) checkText(line, 'refusal line');
}

function checkAcceptance(acceptance: Acceptance, event: DecisionEvent): void {
  if (acceptance.code !== undefined) {
    if (event.type !== 'rcpt' && event.type !== 'vrfy') {
      throw new RangeError('an acceptance code fits only rcpt and vrfy decisions');
    }
    if (acceptance.code !== 250 && acceptance.code !== 251) {
      throw new RangeError(`an acceptance code must be 250 or 251, got ${acceptance.code}`);
    }
  }
  if (acceptance.message !== undefined) checkText(acceptance.message, 'acceptance message');
  for (const line of acceptance.lines ?? []) checkText(line, 'acceptance line');
  if (acceptance.queueId !== undefined && !QUEUE_ID.test(acceptance.queueId)) {
    throw new TypeError(
      `queueId must be 1-100 printable ASCII characters, got ${JSON.stringify(acceptance.queueId)}`,
    );
  }
}

function checkSingle(decision: Acceptance | Refusal, event: DecisionEvent): void {
  if (typeof decision !== 'object' || decision === null || typeof decision.accept !== 'boolean') {
    throw new TypeError('a decision is { accept: true, ... } or { accept: false, error }');
  }
  if (decision.accept) checkAcceptance(decision, event);
  else checkRefusal(decision);
}

/**
 * Checks that a decision answers `event` and can be written.
 *
 * @param recipients for an LMTP `message-end`, how many per-recipient decisions are due;
 * undefined when per-recipient decisions are not allowed.
 * @throws TypeError or RangeError describing what is wrong; the session is left unchanged.
 */
export function checkDecision(
  decision: Decision,
  event: DecisionEvent,
  recipients: number | undefined,
): void {
  if (typeof decision === 'object' && decision !== null && 'perRecipient' in decision) {
    if (recipients === undefined)
      throw new TypeError('perRecipient decisions answer only LMTP message-end events');
    const list = (decision as PerRecipientDecision).perRecipient;
    if (!Array.isArray(list) || list.length !== recipients) {
      throw new RangeError(
        `expected ${recipients} per-recipient decisions, got ${Array.isArray(list) ? list.length : 'none'}`,
      );
    }
    for (const single of list) checkSingle(single, event);
    return;
  }
  checkSingle(decision as Acceptance | Refusal, event);
}

function refusalLines(refusal: Refusal): readonly string[] | undefined {
  const lines = refusal.error.lines;
  return Array.isArray(lines) && lines.length > 0 ? lines : undefined;
}

/**
 * The reply for a refusal. Without an enhanced code one is supplied from the class (`5.0.0`),
 * as RFC 2034 wants every reply to carry one once ENHANCEDSTATUSCODES is offered.
 */
export function refusalReply(refusal: Refusal): ReplySpec {
  const { code, enhanced, message } = refusal.error;
  return {
    code,
    enhanced: enhanced ?? `${Math.floor(code / 100)}.0.0`,
    text: refusalLines(refusal) ?? message,
  };
}

/** The reply for an acceptance: `fallback` with the application's code and text where given. */
export function acceptanceReply(acceptance: Acceptance, fallback: ReplySpec): ReplySpec {
  // The plain `{ accept: true }` keeps the fixed reply itself, whose octets are encoded once.
  if (acceptance.code === undefined && acceptance.lines === undefined && acceptance.message === undefined)
    return fallback;
  const text = acceptance.lines ?? acceptance.message ?? fallback.text;
  return { code: acceptance.code ?? fallback.code, enhanced: fallback.enhanced, text };
}

/** The reply that ends a stored message: `250 2.0.0 Ok: queued as <id>`. */
export function queuedReply(acceptance: Acceptance, prefix = ''): ReplySpec {
  const base =
    acceptance.message ?? (acceptance.queueId === undefined ? 'Ok' : `Ok: queued as ${acceptance.queueId}`);
  return { code: 250, enhanced: '2.0.0', text: `${prefix}${base}` };
}
