/**
 * The policy checks of MAIL and RCPT beyond syntax: parameters of extensions not on offer,
 * the size limit, SMTPUTF8 addresses and the recipient limit.
 */
import {
  type ForwardPath,
  type MailParameters,
  parameterExtensions,
  type RcptParameters,
  type ReversePath,
} from '@smtp/codec';
import type { Offer } from './offer.js';
import type { ResolvedPolicy } from './policy.js';
import { REPLIES, type ReplySpec, unsupportedParameter } from './replies.js';
import type { Transaction } from './state.js';

function unsupported(params: MailParameters | RcptParameters, offer: Offer): ReplySpec | undefined {
  const unknown = params.other?.[0];
  if (unknown !== undefined) return unsupportedParameter(unknown[0]);
  for (const extension of parameterExtensions(params)) {
    if (!offer.has(extension)) return unsupportedParameter(`of ${extension} (not offered)`);
  }
  return undefined;
}

/** Why `MAIL FROM` must be refused before the application sees it, if it must. */
export function mailProblem(
  from: ReversePath,
  params: MailParameters,
  offer: Offer,
  policy: ResolvedPolicy,
): ReplySpec | undefined {
  const parameterProblem = unsupported(params, offer);
  if (parameterProblem !== undefined) return parameterProblem;
  if (from.utf8 && params.smtputf8 !== true) return REPLIES.utf8NeedsSmtputf8;
  if (params.size !== undefined && policy.maxMessageSize > 0 && params.size > policy.maxMessageSize) {
    return REPLIES.messageTooBig;
  }
  return undefined;
}

/** Why `RCPT TO` must be refused before the application sees it, if it must. */
export function rcptProblem(
  to: ForwardPath,
  params: RcptParameters,
  tx: Transaction,
  offer: Offer,
  policy: ResolvedPolicy,
): ReplySpec | undefined {
  const parameterProblem = unsupported(params, offer);
  if (parameterProblem !== undefined) return parameterProblem;
  if (to.utf8 && tx.params.smtputf8 !== true) return REPLIES.utf8NeedsSmtputf8;
  if (tx.recipients.length >= policy.maxRecipients) return REPLIES.tooManyRecipients;
  return undefined;
}
