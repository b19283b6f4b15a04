import { failureChallenge, type SaslOutcome, startExchange } from '../auth/exchange.js';
import type { SessionContext } from '../context.js';
import { acceptanceReply, refusalReply } from '../decisions.js';
import type { AuthMechanismName } from '../policy.js';
import { REPLIES } from '../replies.js';
import type { Phase } from '../state.js';
import { commandOf, type Handler } from './support.js';

/** The auth phase, narrowed. */
export type AuthPhase = Extract<Phase, { readonly name: 'auth' }>;

function settle(context: SessionContext, mechanism: AuthMechanismName, outcome: SaslOutcome): void {
  switch (outcome.kind) {
    case 'challenge':
      context.enter({ name: 'auth', mechanism, step: { kind: 'response', next: outcome.next } });
      context.challenge(outcome.challenge);
      return;
    case 'refuse':
      context.enter({ name: 'ready' });
      context.refuse(outcome.reply);
      return;
    case 'credentials': {
      const credentials = outcome.credentials;
      context.enter({ name: 'ready' });
      context.ask({ type: 'auth', ...credentials }, (decision) => {
        if ('perRecipient' in decision) return;
        const { facts, policy } = context;
        if (decision.accept) {
          facts.authenticated = { username: credentials.username, mechanism };
          context.emit({ type: 'authenticated', username: credentials.username, mechanism });
          context.reply(acceptanceReply(decision, REPLIES.authenticated));
          return;
        }
        // Each refusal is slowed down, a little more every time, to make guessing expensive.
        facts.authFailures++;
        const delayMs = Math.max(0, policy.authFailureDelayMs(facts.authFailures));
        const refusal = refusalReply(decision);
        const challenge = failureChallenge(mechanism);
        if (challenge === undefined) {
          context.reply(refusal, delayMs);
          return;
        }
        context.enter({ name: 'auth', mechanism, step: { kind: 'error-ack', refusal, delayMs } });
        context.challenge(challenge);
      });
      return;
    }
  }
}

/** AUTH (RFC 4954): checks the session may authenticate, then starts the mechanism's exchange. */
export const auth: Handler = (context, parsed) => {
  const command = commandOf(context, parsed, 'AUTH');
  if (command === undefined) return;
  const { facts, policy } = context;
  if (policy.auth.mechanisms.length === 0) {
    context.refuse(REPLIES.authNotAvailable);
    return;
  }
  if (facts.greeting?.verb === 'HELO') {
    context.refuse(REPLIES.sendEhloFirst);
    return;
  }
  if (facts.authenticated !== undefined) {
    context.refuse(REPLIES.alreadyAuthenticated);
    return;
  }
  if (policy.maxAuthFailures > 0 && facts.authFailures >= policy.maxAuthFailures) {
    context.refuse(REPLIES.tooManyAuthFailures);
    return;
  }
  if (!facts.tls && !policy.auth.allowInsecure) {
    context.refuse(REPLIES.encryptionRequired);
    return;
  }
  const mechanism = policy.auth.mechanisms.find((offered) => offered === command.mechanism);
  if (mechanism === undefined) {
    context.refuse(REPLIES.unknownMechanism);
    return;
  }
  facts.authAttempts++;
  const nonce = context.nonce === undefined ? undefined : `${context.nonce}.${facts.authAttempts}`;
  settle(
    context,
    mechanism,
    startExchange(mechanism, command.initialResponse, { hostname: policy.hostname, nonce }),
  );
};

/** A line the client sent during an exchange: `*` cancels, anything else is the next response. */
export function authResponse(context: SessionContext, phase: AuthPhase, response: string): void {
  const step = phase.step;
  if (step.kind === 'error-ack') {
    context.enter({ name: 'ready' });
    context.reply(step.refusal, step.delayMs);
    return;
  }
  if (response === '*') {
    context.enter({ name: 'ready' });
    context.refuse(REPLIES.authCancelled);
    return;
  }
  settle(context, phase.mechanism, step.next(response));
}
