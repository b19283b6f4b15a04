/**
 * Where the independent peers live, and the check that fails (never skips) a test whose peer
 * is missing, with the command that installs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** How to install the Debian peers (CI runs it as root before the suites). */
export const INSTALL_APT_PEERS = 'run `bash scripts/install-peers.sh` as root';

/** Debian's Python: the one aiosmtpd and uvloop are installed for (a pyenv python3 may come first on PATH). */
export const PYTHON = '/usr/bin/python3';

/** An executable from a Debian package. */
export interface AptTool {
  readonly file: string;
  readonly debianPackage: string;
}

/** The Debian tools the suite drives. */
export const APT_TOOLS = {
  swaks: { file: '/usr/bin/swaks', debianPackage: 'swaks' },
  curl: { file: '/usr/bin/curl', debianPackage: 'curl' },
  msmtp: { file: '/usr/bin/msmtp', debianPackage: 'msmtp' },
  smtpSource: { file: '/usr/sbin/smtp-source', debianPackage: 'postfix' },
  smtpSink: { file: '/usr/sbin/smtp-sink', debianPackage: 'postfix' },
  postfixMaster: { file: '/usr/lib/postfix/sbin/master', debianPackage: 'postfix' },
  postfix: { file: '/usr/sbin/postfix', debianPackage: 'postfix' },
  saslpasswd2: { file: '/usr/sbin/saslpasswd2', debianPackage: 'sasl2-bin' },
  openssl: { file: '/usr/bin/openssl', debianPackage: 'openssl' },
  python: { file: PYTHON, debianPackage: 'python3' },
} as const satisfies Record<string, AptTool>;

/** Returns the tool's path, or throws saying how to install it. */
export function requireTool(tool: AptTool): string {
  if (!existsSync(tool.file)) {
    throw new Error(`${tool.file} is missing (Debian package ${tool.debianPackage}): ${INSTALL_APT_PEERS}`);
  }
  return tool.file;
}

/** Checks that Debian's Python can import `module` (from `debianPackage`), or throws how to install it. */
export function requirePythonModule(module: string, debianPackage: string): void {
  requireTool(APT_TOOLS.python);
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'pipe' });
  } catch {
    throw new Error(
      `${module} does not import in ${PYTHON} (Debian package ${debianPackage}): ${INSTALL_APT_PEERS}`,
    );
  }
}

const testsRequire = createRequire(path.join(repoRoot, 'tests', 'package.json'));

/** The directory of an npm peer installed for the tests package, or throws how to install it. */
export function npmPeerDir(name: string): string {
  try {
    return path.dirname(testsRequire.resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `npm package ${name} is missing from tests/: run \`pnpm install\` at the repository root`,
    );
  }
}

/** The uid and gid of a system user (e.g. `postfix`, `nobody`), or throws naming the package that makes it. */
export function systemIds(user: string, debianPackage: string): { uid: number; gid: number } {
  const fields = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`))
    ?.split(':');
  if (fields === undefined)
    throw new Error(`no ${user} user (Debian package ${debianPackage}): ${INSTALL_APT_PEERS}`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
