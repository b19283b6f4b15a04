/**
 * Which peers this machine has, and their versions: Postfix's smtp-sink and smtp-source, Debian's
 * Python with aiosmtpd and uvloop (from scripts/install-peers.sh, run here when something is
 * missing and we are root), and the Node peers (smtp-server and nodemailer are the bench
 * package's dependencies; Haraka comes from the tests workspace package). A missing peer is
 * named with the reason, and the cells leave its contenders out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const ROOT = dirname(BENCH_DIR);
const requireFromBench = createRequire(join(BENCH_DIR, 'package.json'));
const requireFromTests = createRequire(join(ROOT, 'tests', 'package.json'));

/** Debian's own Python: aiosmtpd and uvloop import only there (not in a pyenv python3 on PATH). */
export const PYTHON = '/usr/bin/python3';
export const SMTP_SINK = '/usr/sbin/smtp-sink';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';

function output(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function debianVersion(pkg) {
  // dpkg-query's own placeholder syntax, not a template string.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format
  return output('dpkg-query', ['-W', '-f=${Version}', pkg]);
}

function pythonModuleVersion(module) {
  if (!existsSync(PYTHON)) return undefined;
  return output(PYTHON, ['-c', `import ${module}; print(${module}.__version__)`]);
}

function nodePackage(require, name) {
  try {
    const file = require.resolve(`${name}/package.json`);
    return { dir: dirname(file), version: JSON.parse(readFileSync(file, 'utf8')).version };
  } catch {
    return undefined;
  }
}

/** Runs scripts/install-peers.sh when Debian peers are missing and we may install them. */
function installDebianPeers(log) {
  const missing =
    [SMTP_SINK, SMTP_SOURCE].some((file) => !existsSync(file)) ||
    pythonModuleVersion('aiosmtpd') === undefined ||
    pythonModuleVersion('uvloop') === undefined;
  if (!missing) return 'present';
  if (process.getuid?.() !== 0) return 'missing (not root: run `sudo bash scripts/install-peers.sh` first)';
  log('installing peers with scripts/install-peers.sh (apt)...');
  try {
    execFileSync('bash', [join(ROOT, 'scripts', 'install-peers.sh')], { stdio: 'inherit', timeout: 300_000 });
    return 'installed now';
  } catch (error) {
    return `install failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Finds (and if need be installs) the peers. `peers.<name>` is `{ ok: true, version, ... }` or
 * `{ ok: false, reason }`.
 */
export function discoverPeers(log = console.log) {
  const install = installDebianPeers(log);
  const postfix = debianVersion('postfix');
  const peers = {};
  const haveSink = existsSync(SMTP_SINK) && existsSync(SMTP_SOURCE);
  peers.postfix = haveSink
    ? { ok: true, version: postfix ?? 'unknown' }
    : { ok: false, reason: `smtp-sink/smtp-source missing (${install})` };
  const aiosmtpd = pythonModuleVersion('aiosmtpd');
  peers.aiosmtpd = aiosmtpd
    ? { ok: true, version: aiosmtpd }
    : { ok: false, reason: `aiosmtpd does not import in ${PYTHON} (${install})` };
  const uvloop = pythonModuleVersion('uvloop');
  peers.uvloop = uvloop
    ? { ok: true, version: uvloop }
    : { ok: false, reason: `uvloop does not import in ${PYTHON} (${install})` };
  peers.python = existsSync(PYTHON)
    ? { ok: true, version: (output(PYTHON, ['--version']) ?? 'Python ?').replace('Python ', '') }
    : { ok: false, reason: `${PYTHON} missing` };
  for (const name of ['smtp-server', 'nodemailer']) {
    const found = nodePackage(requireFromBench, name);
    peers[name] = found
      ? { ok: true, version: found.version, dir: found.dir }
      : { ok: false, reason: `${name} is not installed in bench/node_modules (pnpm install)` };
  }
  const haraka = nodePackage(requireFromTests, 'Haraka');
  peers.haraka = haraka
    ? { ok: true, version: haraka.version, dir: haraka.dir }
    : { ok: false, reason: 'Haraka is not installed in tests/node_modules (pnpm install)' };
  return peers;
}

/** The machine and versions for the report. */
export function describeMachine(peers) {
  const versions = [`node ${process.version}`];
  const named = [
    ['postfix', 'postfix (smtp-sink, smtp-source)'],
    ['python', 'python'],
    ['aiosmtpd', 'aiosmtpd'],
    ['uvloop', 'uvloop'],
    ['smtp-server', 'smtp-server'],
    ['nodemailer', 'nodemailer'],
    ['haraka', 'Haraka'],
  ];
  for (const [key, label] of named) {
    const peer = peers[key];
    versions.push(
      peer?.ok ? `${label} ${peer.version}` : `${label}: not available (${peer?.reason ?? 'unknown'})`,
    );
  }
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown cpu',
    cores: cpus().length,
    kernel: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    versions,
  };
}

/** Paths the cells need. */
export const PATHS = { BENCH_DIR, ROOT };
