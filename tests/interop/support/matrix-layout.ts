/**
 * The interop matrix: its tables, their rows (peers) and columns (features), and which cells a
 * test fills. A cell no test fills is printed as "—" (the combination does not apply, e.g. a
 * load generator without TLS). The suite writes docs/interop.md only when every declared cell
 * has a result, so a filtered run never replaces the full matrix with a partial one.
 */

/** One table of the matrix. */
export interface MatrixTable<Peer extends string = string, Feature extends string = string> {
  readonly id: string;
  readonly title: string;
  /** What a pass in this table means (printed under the title). */
  readonly intro: string;
  readonly peers: readonly Peer[];
  readonly features: readonly Feature[];
  /** The cells a test fills, per peer. */
  readonly cells: { readonly [P in Peer]: readonly Feature[] };
}

function table<const Peer extends string, const Feature extends string>(
  definition: MatrixTable<Peer, Feature>,
): MatrixTable<Peer, Feature> {
  return definition;
}

/** Independent clients deliver to `smtp serve --maildir`; the stored bytes are compared exactly. */
export const INTO_SERVER = table({
  id: 'into-server',
  title: 'Independent clients deliver to `smtp serve --maildir`',
  intro:
    'Each client sends to the project’s server (`smtp serve --maildir`, its own process); a pass means the ' +
    'client finished without error and every file in the Maildir is byte for byte the message the client ' +
    'meant (Return-Path and Delivered-To lines, then the message with CRLF line ends, dots unstuffed), with ' +
    'nothing left in `tmp/`.',
  peers: ['swaks', 'Python smtplib', 'curl', 'msmtp', 'smtp-source', 'nodemailer'],
  features: [
    'plain text',
    'PIPELINING',
    'STARTTLS',
    'AUTH PLAIN',
    'AUTH LOGIN',
    'AUTH CRAM-MD5',
    '8-bit body',
    'SMTPUTF8',
    'DSN',
    'many messages, one connection',
    'many sessions',
  ],
  cells: {
    swaks: [
      'plain text',
      'PIPELINING',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      'AUTH CRAM-MD5',
      '8-bit body',
    ],
    'Python smtplib': [
      'plain text',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      'AUTH CRAM-MD5',
      '8-bit body',
      'SMTPUTF8',
      'DSN',
      'many messages, one connection',
    ],
    curl: [
      'plain text',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      '8-bit body',
      'many messages, one connection',
    ],
    msmtp: [
      'plain text',
      'PIPELINING',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      '8-bit body',
      'SMTPUTF8',
      'DSN',
    ],
    'smtp-source': ['plain text', 'many messages, one connection', 'many sessions'],
    nodemailer: [
      'plain text',
      'PIPELINING',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      'AUTH CRAM-MD5',
      '8-bit body',
      'SMTPUTF8',
      'DSN',
      'many messages, one connection',
      'many sessions',
    ],
  },
});

/** Every server peer gets every feature: from-client-cells.ts declares one set for all of them. */
const FROM_CLIENT_FEATURES = [
  'plain text',
  'PIPELINING',
  'STARTTLS',
  'AUTH PLAIN',
  'AUTH LOGIN',
  'AUTH CRAM-MD5',
  '8BITMIME',
  'SMTPUTF8',
  'SIZE',
  'DSN',
  'CHUNKING (BDAT)',
  'refused recipient',
  'pool',
  '`smtp send`',
] as const;

/** The project's client (`@smtp/client` and `smtp send`) delivers to independent servers. */
export const FROM_CLIENT = table({
  id: 'from-client',
  title: 'The project’s client (`@smtp/client`, `smtp send`) delivers to independent servers',
  intro:
    'A pass means the server accepted the message and what it stored is exactly what the client was given ' +
    '(after the server’s own trace headers, with the line ends the server stores), with the envelope, ' +
    'parameters, TLS and AUTH state the feature needs. "not supported" means the server does not offer the ' +
    'extension (checked on its EHLO reply) and the client did the right thing without it: it fell back ' +
    '(DATA instead of BDAT, one command per reply instead of pipelining, no SIZE= parameter) or refused ' +
    'before sending anything with a `CapabilityError` (STARTTLS, a mechanism, SMTPUTF8, DSN).',
  peers: ['smtp-sink', 'aiosmtpd', 'smtp-server', 'Haraka', 'Postfix smtpd'],
  features: FROM_CLIENT_FEATURES,
  cells: {
    'smtp-sink': FROM_CLIENT_FEATURES,
    aiosmtpd: FROM_CLIENT_FEATURES,
    'smtp-server': FROM_CLIENT_FEATURES,
    Haraka: FROM_CLIENT_FEATURES,
    'Postfix smtpd': FROM_CLIENT_FEATURES,
  },
});

/** Every feature of the reverse table; Python smtplib lacks only PIPELINING (it never pipelines). */
const REVERSE_FEATURES = [
  'plain text',
  'PIPELINING',
  'STARTTLS',
  'AUTH PLAIN',
  'AUTH LOGIN',
  '8-bit body',
  'refused recipient',
  'two sessions',
  'a difference caught',
] as const;

/** `smtp serve --script` plays a transcript as the server and checks independent clients. */
export const REVERSE = table({
  id: 'reverse',
  title: 'Served in reverse: `smtp serve --script` checks independent clients',
  intro:
    'Each cell is a `.smtp` transcript played by `smtp serve --script` (its own process) against the ' +
    'client: the `S:` lines are sent as written, every command and message line the client sends is ' +
    'checked against the `C:` lines, and a pass means the client finished without error, the script ' +
    'server ended by itself with exit status 0 and its summary says every session passed. "a difference ' +
    'caught" passes when a script that expects something else makes the client see ' +
    '`500 5.5.2 transcript expected: …` and the script server exits 1 naming the line.',
  peers: ['swaks', 'Python smtplib', 'nodemailer'],
  features: REVERSE_FEATURES,
  cells: {
    swaks: REVERSE_FEATURES,
    'Python smtplib': [
      'plain text',
      'STARTTLS',
      'AUTH PLAIN',
      'AUTH LOGIN',
      '8-bit body',
      'refused recipient',
      'two sessions',
      'a difference caught',
    ],
    nodemailer: REVERSE_FEATURES,
  },
});

/** Every table, in the order docs/interop.md prints them. */
export const TABLES: readonly MatrixTable[] = [INTO_SERVER, FROM_CLIENT, REVERSE];

/** The peers of a table. */
export type PeerOf<T> = T extends MatrixTable<infer P, string> ? P : never;
/** The features of a table. */
export type FeatureOf<T> = T extends MatrixTable<string, infer F> ? F : never;
