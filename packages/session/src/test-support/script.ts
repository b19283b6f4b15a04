/**
 * Scripts a session like a transcript, so tests read like the conversations they check:
 *
 * ```
 * S: 220 *
 * C: EHLO client.example
 * S: 250-*
 * S: ...
 * C: MAIL FROM:<a@example.test>
 * S: 250 2.1.0 *
 * ```
 *
 * `C: text` sends `text` CRLF; `C! text` sends `text` without a line end; consecutive `C` lines go
 * in one receive (a pipelined group). `S: pattern` expects the next reply line: `*` matches any
 * run of characters, and a line `S: ...` matches any number of lines. Escapes in both: `\r`,
 * `\n`, `\t`, `\0`, `\\`, `\xNN` (one octet). Directives: `@tls` (the handshake after STARTTLS
 * completed), `@timeout`, `@shutdown`, `@shutdown immediate`, `@disconnect`, `@closed` (expect
 * the session to have closed), `@open` (expect it not to have). `#` starts a comment line.
 */
import { utf8 } from '@smtp/codec';
import type { SessionPolicy } from '../policy.js';
import { Driver, type DriverOptions } from './driver.js';

/** How each group of client bytes is cut into `receive` calls. */
export type Split = 'whole' | 'bytewise' | ((length: number) => readonly number[]);

/** Options of {@link runScript}. */
export interface ScriptOptions extends DriverOptions {
  readonly split?: Split | undefined;
}

/** What {@link runScript} found. */
export interface ScriptResult {
  readonly driver: Driver;
  /** One message per expectation that failed (empty when the script passed). */
  readonly failures: string[];
}

/** Turns the escapes of a script line into octets (the rest as UTF-8). */
export function unescapeScript(text: string): Uint8Array {
  const parts: number[] = [];
  let literal = '';
  const flush = () => {
    for (const octet of utf8(literal)) parts.push(octet);
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char !== '\\') {
      literal += char;
      continue;
    }
    const next = text[i + 1];
    const simple: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '0': 0x00, '\\': 0x5c };
    if (next !== undefined && next in simple) {
      flush();
      parts.push(simple[next] as number);
      i++;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      flush();
      parts.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      throw new SyntaxError(`bad escape in script line: ${text}`);
    }
  }
  flush();
  return Uint8Array.from(parts);
}

function globToRegExp(pattern: string): RegExp {
  const decoded = new TextDecoder().decode(unescapeScript(pattern));
  const source = decoded
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

/** Matches reply lines against patterns, `...` standing for any number of lines. */
function matches(patterns: readonly string[], lines: readonly string[]): boolean {
  const [first, ...rest] = patterns;
  if (first === undefined) return lines.length === 0;
  if (first === '...') {
    for (let skip = 0; skip <= lines.length; skip++) if (matches(rest, lines.slice(skip))) return true;
    return false;
  }
  const [line, ...others] = lines;
  return line !== undefined && globToRegExp(first).test(line) && matches(rest, others);
}

function chunkSizes(split: Split, length: number): readonly number[] {
  if (split === 'whole') return [];
  if (split === 'bytewise') return Array.from({ length }, () => 1);
  return split(length);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Runs a script against a new session. */
export function runScript(policy: SessionPolicy, script: string, options: ScriptOptions = {}): ScriptResult {
  const driver = new Driver(policy, options);
  const split = options.split ?? 'whole';
  const failures: string[] = [];
  let group: Uint8Array[] = [];
  let expected: { pattern: string; line: number }[] = [];
  let seen = 0;

  const flushGroup = () => {
    if (group.length === 0) return;
    const bytes = concat(group);
    group = [];
    driver.send(bytes, chunkSizes(split, bytes.length));
  };
  const check = () => {
    const output = driver.output.slice(seen);
    seen = driver.output.length;
    const lines = output === '' ? [] : output.replace(/\r\n$/, '').split('\r\n');
    const patterns = expected.map((entry) => entry.pattern);
    if (!matches(patterns, lines)) {
      const where = expected[0]?.line ?? 0;
      failures.push(
        `replies before script line ${where} differ\n  expected:\n${patterns.map((p) => `    S: ${p}`).join('\n') || '    (none)'}\n  actual:\n${lines.map((l) => `    ${l}`).join('\n') || '    (none)'}`,
      );
    }
    expected = [];
  };

  const lines = script.split('\n');
  lines.forEach((raw, index) => {
    const text = raw.replace(/^\s+/, '').replace(/\r$/, '');
    const number = index + 1;
    if (text === '' || text.startsWith('#')) return;
    if (text.startsWith('C:') || text.startsWith('C!')) {
      if (expected.length > 0) check();
      const content = text.slice(3);
      group.push(
        text.startsWith('C:')
          ? concat([unescapeScript(content), Uint8Array.of(0x0d, 0x0a)])
          : unescapeScript(content),
      );
      return;
    }
    if (text.startsWith('S:')) {
      flushGroup();
      expected.push({ pattern: text.slice(3), line: number });
      return;
    }
    if (text.startsWith('@')) {
      flushGroup();
      check();
      const session = driver.session;
      switch (text) {
        case '@tls':
          session.tlsEstablished();
          break;
        case '@timeout':
          session.timedOut();
          break;
        case '@shutdown':
          session.shutdown();
          break;
        case '@shutdown immediate':
          session.shutdown('immediate');
          break;
        case '@disconnect':
          session.peerClosed();
          break;
        case '@closed':
          if (!driver.closed) failures.push(`line ${number}: expected the session to have closed`);
          return;
        case '@open':
          if (driver.closed) failures.push(`line ${number}: expected the session to be open`);
          return;
        default:
          throw new SyntaxError(`line ${number}: unknown directive ${text}`);
      }
      driver.pump();
      return;
    }
    throw new SyntaxError(`line ${number}: cannot read script line ${JSON.stringify(raw)}`);
  });
  flushGroup();
  check();
  return { driver, failures };
}

/** Runs a script and throws one error listing every failed expectation. */
export function expectScript(policy: SessionPolicy, script: string, options: ScriptOptions = {}): Driver {
  const { driver, failures } = runScript(policy, script, options);
  if (failures.length > 0) throw new Error(`script failed:\n${failures.join('\n')}`);
  return driver;
}
