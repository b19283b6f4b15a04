/**
 * The versions of the peers a run used, read from the system (dpkg) and from the installed npm
 * packages, for the generated documents.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { npmPeerDir, PYTHON, repoRoot } from './peers.js';

/** One peer and its version. */
export interface PeerVersion {
  readonly peer: string;
  readonly version: string;
  /** Where it comes from (Debian package, npm package). */
  readonly source: string;
}

function dpkgVersion(debianPackage: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', `-f=\${Version}`, debianPackage], { encoding: 'utf8' }).trim();
  } catch {
    return 'not installed';
  }
}

function npmVersion(name: string): string {
  try {
    const file = path.join(npmPeerDir(name), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function pythonVersion(): string {
  try {
    return execFileSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'not installed';
  }
}

/** The project's own version: the CLI package version and the commit. */
export function ourVersion(): string {
  const cli = JSON.parse(readFileSync(path.join(repoRoot, 'apps', 'cli', 'package.json'), 'utf8')) as {
    version: string;
  };
  let commit = 'unknown commit';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    // not a checkout
  }
  return `${cli.version} (${commit})`;
}

/** Every peer the suite drives, with its version as installed now. */
export function peerVersions(): PeerVersion[] {
  const postfix = dpkgVersion('postfix');
  return [
    { peer: 'swaks', version: dpkgVersion('swaks'), source: 'Debian package swaks' },
    { peer: 'Python smtplib', version: pythonVersion(), source: `Debian ${PYTHON}` },
    { peer: 'curl', version: dpkgVersion('curl'), source: 'Debian package curl' },
    { peer: 'msmtp', version: dpkgVersion('msmtp'), source: 'Debian package msmtp' },
    { peer: 'smtp-source, smtp-sink', version: postfix, source: 'Debian package postfix' },
    { peer: 'Postfix smtpd', version: postfix, source: 'Debian package postfix (+ sasl2-bin for AUTH)' },
    { peer: 'aiosmtpd', version: dpkgVersion('python3-aiosmtpd'), source: 'Debian package python3-aiosmtpd' },
    { peer: 'nodemailer', version: npmVersion('nodemailer'), source: 'npm' },
    { peer: 'smtp-server', version: npmVersion('smtp-server'), source: 'npm' },
    { peer: 'Haraka', version: npmVersion('Haraka'), source: 'npm' },
    { peer: 'OpenSSL (certificates, TLS of the C peers)', version: dpkgVersion('openssl'), source: 'Debian' },
    { peer: 'Node.js (nodemailer, smtp-server, Haraka, ours)', version: process.version, source: 'runtime' },
  ];
}

/** One line about the machine a run happened on: the OS, the CPUs, Node. */
export function machineSummary(): string {
  let system = `${os.type()} ${os.release()}`;
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    system = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1] ?? system;
  } catch {
    // not Linux
  }
  return `${system}, ${os.availableParallelism()} CPUs, Node ${process.version}`;
}
