/**
 * The servers the conformance pack runs against. Each is started once per profile: with the
 * settings most of the pack needs (STARTTLS with an openssl certificate, the account bob:s3cret,
 * a 10 MiB SIZE), with the 1000-octet SIZE that size-limit.smtp needs, and — ours only — in the
 * lenient line-ending mode. Where a peer has no setting for what a file checks (a limit, a mode),
 * the file is "n/a" for it, with the reason; the file still runs when the peer can serve it, so
 * the report can say what the peer did instead.
 */
import { startAiosmtpd } from './aiosmtpd.js';
import type { TestCertificate } from './certificate.js';
import { startHaraka } from './haraka.js';
import { startOurServer } from './our-server.js';
import { startPostfix } from './postfix.js';
import { startSmtpServer } from './smtp-server.js';

/** A started server: its port and how to stop it. */
export interface Running {
  readonly port: number;
  stop(): Promise<unknown>;
}

/** The settings the pack's files need. */
export type Profile = 'default' | 'size-1000' | 'lenient';

/** Every profile, in the order they run. */
export const PROFILES: readonly Profile[] = ['default', 'size-1000', 'lenient'];

/** Which pack files run under which profile. */
export function profileOf(fileName: string): Profile {
  if (fileName === 'size-limit.smtp') return 'size-1000';
  if (fileName === 'lenient-line-endings.smtp') return 'lenient';
  return 'default';
}

/** One server of the report. */
export interface ConformanceTarget {
  /** The column title. */
  readonly name: string;
  /** How it was set up, for the document. */
  readonly setup: string;
  /** Pack files this server cannot be set up for, with the reason. */
  readonly notApplicable: Readonly<Record<string, string>>;
  /** Starts it for a profile; undefined when it has no such mode. */
  start(profile: Profile, certificate: TestCertificate): Promise<Running> | undefined;
}

const ACCOUNT = 'bob:s3cret';
const SIZE = { default: 10 * 1024 * 1024, 'size-1000': 1000 } as const;
const NO_LENIENT_MODE =
  'no lenient line-ending mode to switch on (the file checks that mode of `smtp serve`)';

/** Every server, ours first. */
export const TARGETS: readonly ConformanceTarget[] = [
  {
    name: 'smtp serve (this project)',
    setup:
      '`smtp serve --tls-self-signed --auth bob:s3cret` from the built CLI (otherwise its defaults: SIZE 10 MiB, 100 recipients, 10 errors); `--size 1000` for size-limit.smtp; `--lenient-line-endings` for lenient-line-endings.smtp',
    notApplicable: {},
    start(profile) {
      const extra =
        profile === 'size-1000'
          ? ['--size', '1000']
          : profile === 'lenient'
            ? ['--lenient-line-endings']
            : [];
      return startOurServer(['--tls-self-signed', '--auth', ACCOUNT, ...extra]);
    },
  },
  {
    name: 'aiosmtpd',
    setup:
      'the stock `aiosmtpd.smtp.SMTP` through its Controller (tests/interop/peers/aiosmtpd_store.py): STARTTLS with the certificate, AUTH PLAIN/LOGIN for bob:s3cret (only over TLS, its default), `enable_SMTPUTF8`, `data_size_limit` 10 MiB (1000 for size-limit.smtp), a handler that stores every message',
    notApplicable: {
      'lenient-line-endings.smtp': NO_LENIENT_MODE,
      'max-recipients.smtp': 'aiosmtpd has no recipient limit setting',
      'max-errors.smtp':
        'aiosmtpd has no limit on error replies (it closes after too many unrecognised commands, a separate budget)',
    },
    start(profile, certificate) {
      if (profile === 'lenient') return undefined;
      return startAiosmtpd({ certificate, auth: ACCOUNT, smtputf8: true, size: SIZE[profile] });
    },
  },
  {
    name: 'smtp-server',
    setup:
      'tests/interop/peers/smtp-server-peer.mjs: STARTTLS with the certificate, AUTH PLAIN/LOGIN/CRAM-MD5 for bob:s3cret, `size` 10 MiB (1000 for size-limit.smtp), `hideENHANCEDSTATUSCODES: false` and `hideDSN: false` (both hidden by default), the library’s 100 ms greeting delay kept',
    notApplicable: {
      'lenient-line-endings.smtp': NO_LENIENT_MODE,
      'max-recipients.smtp':
        'smtp-server has no recipient limit setting (only the application’s onRcptTo could refuse)',
      'max-errors.smtp':
        'smtp-server has no limit on error replies (it closes after 10 unrecognised or unauthenticated commands, fixed budgets)',
    },
    start(profile, certificate) {
      if (profile === 'lenient') return undefined;
      return startSmtpServer({ certificate, auth: ACCOUNT, size: SIZE[profile] });
    },
  },
  {
    name: 'Haraka',
    setup:
      'one process; plugins `tls` (the certificate), `auth/flat_file` (PLAIN, LOGIN, CRAM-MD5 for bob:s3cret) and a queue plugin that stores (tests/interop/peers/haraka-store.js); Haraka’s own connection.ini with `[max] bytes` 10 MiB (1000 for size-limit.smtp)',
    notApplicable: {
      'lenient-line-endings.smtp': NO_LENIENT_MODE,
      'max-recipients.smtp':
        'Haraka’s core has no recipient limit (the separate haraka-plugin-limit package, not installed here, adds one)',
      'max-errors.smtp':
        'Haraka’s core has no error-count limit (the separate haraka-plugin-limit package, not installed here, adds one)',
    },
    start(profile, certificate) {
      if (profile === 'lenient') return undefined;
      return startHaraka({ certificate, auth: ACCOUNT, size: SIZE[profile] });
    },
  },
  {
    name: 'Postfix smtpd',
    setup:
      'a private Postfix instance (see docs/interop.md): compatibility_level 3.6, `smtpd_tls_security_level = may` with the certificate, Cyrus SASL sasldb with bob, `smtpd_tls_auth_only = yes`, `message_size_limit` 10 MiB (1000 for size-limit.smtp), loopback in `mynetworks`; set to the project’s limits: `smtpd_recipient_limit = 100`, `smtpd_hard_error_limit = 10`; every other smtpd setting at its default (so `smtpd_forbid_bare_newline = no`)',
    notApplicable: {
      'lenient-line-endings.smtp': NO_LENIENT_MODE,
    },
    start(profile, certificate) {
      if (profile === 'lenient') return undefined;
      return startPostfix({
        certificate,
        auth: ACCOUNT,
        sizeLimit: SIZE[profile],
        settings: ['smtpd_recipient_limit = 100', 'smtpd_hard_error_limit = 10'],
      });
    },
  },
];
