/**
 * Postfix's own smtpd, the most deployed MTA, run as a private instance on a loopback port: a
 * config_directory of our own (main.cf + master.cf), queue and data directories in a scratch
 * folder, no chroot, delivery by virtual(8) into one Maildir, STARTTLS with an openssl
 * certificate and AUTH through Cyrus SASL's sasldb (saslpasswd2 from sasl2-bin). Started as
 * `master -c DIR -d` (foreground, its own process group) and stopped by its PID.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { TestCertificate } from './certificate.js';
import { readMaildir } from './maildir.js';
import { APT_TOOLS, requireTool, systemIds } from './peers.js';
import { groupDeliveries, type PostfixDelivery } from './postfix-delivery.js';
import { freePort, type ServerProcess, startServer } from './process.js';
import { scratchDir } from './scratch.js';

/** How docs/interop.md explains the Postfix instance. */
export const POSTFIX_SETUP_NOTE =
  '**How Postfix smtpd runs here.** Debian’s postfix package, unconfigured system-wide, runs as a private ' +
  'instance for each test file: `master -c DIR -d` with its own `main.cf` (`inet_interfaces = 127.0.0.1`, ' +
  '`mydestination =` empty, `virtual_mailbox_domains = example.test` delivered by virtual(8) into one ' +
  'Maildir, `local_header_rewrite_clients =` empty so no header is added or rewritten, ' +
  '`smtpd_tls_security_level = may` with an openssl certificate, Cyrus SASL from a sasldb made with ' +
  '`saslpasswd2`) and a `master.cf` whose `smtpd` listens on a free loopback port, every service with ' +
  'chroot off; queue and data directories live in a scratch folder. It is stopped with SIGTERM to the ' +
  'master’s PID. Debian’s Postfix reads the Cyrus `smtpd.conf` from `DIR/sasl/` (not from ' +
  '`cyrus_sasl_config_path`), and `postfix check` prints nothing and exits 1 when `maillog_file` is ' +
  'outside `maillog_file_prefixes` — both cost time to find.';

/** A running private Postfix. */
export interface Postfix {
  readonly port: number;
  readonly process: ServerProcess;
  readonly hostname: string;
  /**
   * The messages Postfix has finished with (its log says `removed`), one entry per queue id with
   * the Maildir copy of each recipient, oldest first.
   */
  deliveries(): PostfixDelivery[];
  /** Every Maildir file (also those without a Received field, such as Postfix's own DSNs). */
  files(): { name: string; text: string }[];
  /** Postfix's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Options of the private Postfix. */
export interface PostfixOptions {
  readonly certificate: TestCertificate;
  /** `USER:PASS` for AUTH (PLAIN, LOGIN, CRAM-MD5). */
  readonly auth: string;
  /** `message_size_limit`. */
  readonly sizeLimit: number;
  /** More `main.cf` lines (`name = value`), appended after the suite's own. */
  readonly settings?: readonly string[];
}

const HOSTNAME = 'postfix.example.test';

/** Starts the private Postfix on a free loopback port. */
export async function startPostfix(options: PostfixOptions): Promise<Postfix> {
  const master = requireTool(APT_TOOLS.postfixMaster);
  const postfix = requireTool(APT_TOOLS.postfix);
  const saslpasswd2 = requireTool(APT_TOOLS.saslpasswd2);
  const scratch = scratchDir('postfix');
  const { uid, gid } = systemIds('postfix', 'postfix');
  const conf = scratch.file('conf');
  const mail = scratch.file('mail');
  for (const dir of [conf, scratch.file('conf', 'sasl'), scratch.file('queue'), scratch.file('data'), mail]) {
    mkdirSync(dir, { recursive: true });
  }
  chownSync(scratch.file('data'), uid, gid);
  chownSync(mail, uid, gid);
  const port = await freePort();
  const [user, pass] = splitCredentials(options.auth);
  const sasldb = scratch.file('sasldb2');
  execFileSync(saslpasswd2, ['-p', '-c', '-f', sasldb, '-u', HOSTNAME, user], { input: pass, stdio: 'pipe' });
  chownSync(sasldb, uid, gid);
  writeFileSync(
    scratch.file('conf', 'sasl', 'smtpd.conf'),
    `pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN CRAM-MD5\nsasldb_path: ${sasldb}\n`,
  );
  writeFileSync(scratch.file('conf', 'refuse'), '/^no/ 550 5.1.1 no such user here\n');
  writeFileSync(
    scratch.file('conf', 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${scratch.file('queue')}`,
      `data_directory = ${scratch.file('data')}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      `myhostname = ${HOSTNAME}`,
      'mydomain = example.test',
      'myorigin = example.test',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'relay_domains =',
      'local_header_rewrite_clients =',
      'virtual_mailbox_domains = example.test',
      `virtual_mailbox_base = ${mail}`,
      'virtual_mailbox_maps = static:Maildir/',
      `virtual_uid_maps = static:${uid}`,
      `virtual_gid_maps = static:${gid}`,
      'alias_maps =',
      'alias_database =',
      'biff = no',
      `message_size_limit = ${options.sizeLimit}`,
      `maillog_file_prefixes = ${scratch.dir}`,
      `maillog_file = ${scratch.file('maillog')}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      `smtpd_recipient_restrictions = check_recipient_access regexp:${scratch.file('conf', 'refuse')}`,
      'smtpd_sasl_auth_enable = yes',
      'smtpd_sasl_type = cyrus',
      'smtpd_sasl_path = smtpd',
      `cyrus_sasl_config_path = ${scratch.file('conf', 'sasl')}`,
      `smtpd_tls_cert_file = ${options.certificate.certFile}`,
      `smtpd_tls_key_file = ${options.certificate.keyFile}`,
      'smtpd_tls_security_level = may',
      'smtpd_tls_auth_only = yes',
      'smtpd_sasl_authenticated_header = yes',
      ...(options.settings ?? []),
      '',
    ].join('\n'),
  );
  writeFileSync(scratch.file('conf', 'master.cf'), masterCf(port));
  // `postfix check` creates the queue directories with their owners and modes.
  execFileSync(postfix, ['-c', conf, 'check'], { stdio: 'pipe' });
  const server = await startServer(master, ['-c', conf, '-d'], { port });
  const log = () => {
    try {
      return readFileSync(scratch.file('maillog'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    port,
    process: server,
    hostname: HOSTNAME,
    deliveries: () => groupDeliveries(readMaildir(scratch.file('mail', 'Maildir')), log()),
    files: () => readMaildir(scratch.file('mail', 'Maildir')),
    log,
    async stop() {
      // SIGTERM to the master alone: it stops its own children; the group is killed afterwards.
      await server.stop();
      scratch.remove();
    },
  };
}

function splitCredentials(credentials: string): [string, string] {
  const colon = credentials.indexOf(':');
  return [credentials.slice(0, colon), credentials.slice(colon + 1)];
}

/** master.cf: smtpd on the loopback port, the services delivery needs, chroot off everywhere. */
function masterCf(port: number): string {
  const services: [string, string, string, string, string][] = [
    // name, type, private, unpriv, (chroot = n), wakeup, maxproc, command
    [`127.0.0.1:${port}`, 'inet', 'n', '-', '- - smtpd'],
    ['pickup', 'unix', 'n', '-', '60 1 pickup'],
    ['cleanup', 'unix', 'n', '-', '- 0 cleanup'],
    ['qmgr', 'unix', 'n', '-', '300 1 qmgr'],
    ['tlsmgr', 'unix', '-', '-', '1000? 1 tlsmgr'],
    ['rewrite', 'unix', '-', '-', '- - trivial-rewrite'],
    ['bounce', 'unix', '-', '-', '- 0 bounce'],
    ['defer', 'unix', '-', '-', '- 0 bounce'],
    ['trace', 'unix', '-', '-', '- 0 bounce'],
    ['verify', 'unix', '-', '-', '- 1 verify'],
    ['flush', 'unix', 'n', '-', '1000? 0 flush'],
    ['proxymap', 'unix', '-', '-', '- - proxymap'],
    ['smtp', 'unix', '-', '-', '- - smtp'],
    ['relay', 'unix', '-', '-', '- - smtp'],
    ['showq', 'unix', 'n', '-', '- - showq'],
    ['error', 'unix', '-', '-', '- - error'],
    ['retry', 'unix', '-', '-', '- - error'],
    ['discard', 'unix', '-', '-', '- - discard'],
    ['virtual', 'unix', '-', 'n', '- - virtual'],
    ['anvil', 'unix', '-', '-', '- 1 anvil'],
    ['scache', 'unix', '-', '-', '- 1 scache'],
    ['postlog', 'unix-dgram', 'n', '-', '- 1 postlogd'],
  ];
  return `${services.map(([name, type, priv, unpriv, rest]) => `${name} ${type} ${priv} ${unpriv} n ${rest}`).join('\n')}\n`;
}
