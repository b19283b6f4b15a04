/**
 * What the session offers right now: the EHLO extensions depend on the policy and on the
 * connection (TLS, the greeting verb), and the same answer decides which verbs and parameters
 * are accepted.
 */
import { type CapabilitiesInit, formatCapabilities } from '@smtp/codec';
import type { ResolvedPolicy } from './policy.js';
import type { ConnectionFacts } from './state.js';

/** The extension keywords on offer (as EHLO writes them, e.g. `SIZE`, `8BITMIME`, `AUTH`). */
export type Offer = ReadonlySet<string>;

const NOTHING: Offer = new Set();

/**
 * The extensions the last greeting opened. After HELO there are none: no extension verbs and
 * no MAIL/RCPT parameters (RFC 5321 §4.1.1.1).
 */
export function currentOffer(policy: ResolvedPolicy, facts: ConnectionFacts): Offer {
  if (facts.greeting === undefined || facts.greeting.verb === 'HELO') return NOTHING;
  return extensionsFor(policy, facts.tls);
}

/** Offers depend only on the policy and TLS: computed once per policy. */
const offers = new WeakMap<ResolvedPolicy, { plain?: Offer; tls?: Offer }>();

/** The extensions an EHLO/LHLO on a connection with or without TLS would list. */
export function extensionsFor(policy: ResolvedPolicy, tls: boolean): Offer {
  let known = offers.get(policy);
  if (known === undefined) {
    known = {};
    offers.set(policy, known);
  }
  const cached = tls ? known.tls : known.plain;
  if (cached !== undefined) return cached;
  const offer = computeOffer(policy, tls);
  if (tls) known.tls = offer;
  else known.plain = offer;
  return offer;
}

function computeOffer(policy: ResolvedPolicy, tls: boolean): Offer {
  const on = policy.extensions;
  const offer = new Set<string>();
  if (on.pipelining) offer.add('PIPELINING');
  if (on.size) offer.add('SIZE');
  if (on['8bitmime']) offer.add('8BITMIME');
  if (on.enhancedstatuscodes) offer.add('ENHANCEDSTATUSCODES');
  if (on.chunking) offer.add('CHUNKING');
  // RFC 3030: BINARYMIME bodies only travel in BDAT chunks.
  if (on.binarymime && on.chunking) offer.add('BINARYMIME');
  if (on.smtputf8) offer.add('SMTPUTF8');
  if (on.dsn) offer.add('DSN');
  // RFC 8689 §4: REQUIRETLS is offered only over TLS.
  if (on.requiretls && tls) offer.add('REQUIRETLS');
  if (policy.tls.available && !tls) offer.add('STARTTLS');
  if (policy.auth.mechanisms.length > 0 && (tls || policy.auth.allowInsecure)) offer.add('AUTH');
  if (on.help) offer.add('HELP');
  return Object.freeze(offer);
}

const lines = new WeakMap<Offer, readonly string[]>();

/** The EHLO reply's lines after the first for an offer (computed once per offer). */
export function extensionLines(policy: ResolvedPolicy, offer: Offer): readonly string[] {
  const cached = lines.get(offer);
  if (cached !== undefined) return cached;
  const computed = Object.freeze(
    formatCapabilities(capabilitiesFor(policy, offer, policy.hostname)).lines.slice(1),
  );
  lines.set(offer, computed);
  return computed;
}

/** The EHLO reply's content for an offer. */
export function capabilitiesFor(policy: ResolvedPolicy, offer: Offer, greeting: string): CapabilitiesInit {
  return {
    greeting,
    pipelining: offer.has('PIPELINING'),
    ...(offer.has('SIZE') ? { size: policy.maxMessageSize } : {}),
    eightBitMime: offer.has('8BITMIME'),
    enhancedStatusCodes: offer.has('ENHANCEDSTATUSCODES'),
    chunking: offer.has('CHUNKING'),
    binaryMime: offer.has('BINARYMIME'),
    smtputf8: offer.has('SMTPUTF8'),
    dsn: offer.has('DSN'),
    requireTls: offer.has('REQUIRETLS'),
    startTls: offer.has('STARTTLS'),
    ...(offer.has('AUTH') ? { auth: policy.auth.mechanisms } : {}),
    help: offer.has('HELP'),
  };
}
