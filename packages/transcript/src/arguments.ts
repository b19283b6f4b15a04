/**
 * Typed directive arguments: durations, `host:port`, and the values of `@server` options.
 * Each parser returns the value, or a one-line reason the caller puts in a diagnostic.
 */

/** A parsed value, or why the text is not one. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** The longest `@timeout` or `@sleep`: a transcript that waits longer is almost surely a typo. */
export const MAX_DURATION_MS = 10 * 60 * 1000;

const DURATION = /^(\d{1,9})(ms|s|m)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** Reads `200ms`, `5s` or `2m` as milliseconds. */
export function parseDuration(text: string): Parsed<number> {
  const match = DURATION.exec(text);
  if (!match) {
    if (/^\d+$/.test(text))
      return { ok: false, reason: `\`${text}\` has no unit (add ms, s or m, like ${text}s)` };
    return { ok: false, reason: `\`${text}\` is not a duration like 5s, 200ms or 2m` };
  }
  return { ok: true, value: Number(match[1]) * (UNIT_MS[match[2] as string] as number) };
}

/** Formats milliseconds the way a transcript writes them. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/;

/** The parts of a `host:port` text, with offsets into it (for ranges). */
export interface HostPortText {
  readonly host: string;
  readonly hostStart: number;
  readonly hostEnd: number;
  readonly port: number;
  readonly portStart: number;
}

/** Reads `host:port`, `1.2.3.4:port` or `[v6]:port`. */
export function parseHostPort(text: string): Parsed<HostPortText> {
  const example = 'like 127.0.0.1:2525 or [::1]:2525';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { ok: false, reason: `\`${text}\` has no closing \`]\` (${example})` };
    const host = text.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':'))
      return { ok: false, reason: `\`${host}\` is not an IPv6 address` };
    if (text[close + 1] !== ':')
      return { ok: false, reason: `\`${text}\` needs a port after the brackets (${example})` };
    const port = parsePort(text.slice(close + 2));
    if (!port.ok) return port;
    return {
      ok: true,
      value: { host, hostStart: 1, hostEnd: close, port: port.value, portStart: close + 2 },
    };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { ok: false, reason: `\`${text}\` needs a port, like ${text}:25` };
  const host = text.slice(0, colon);
  if (host.includes(':')) {
    return { ok: false, reason: `write an IPv6 address in brackets, like [::1]:2525 (got \`${text}\`)` };
  }
  if (!HOSTNAME.test(host))
    return { ok: false, reason: `\`${host}\` is not a host name or IPv4 address (${example})` };
  const port = parsePort(text.slice(colon + 1));
  if (!port.ok) return port;
  return { ok: true, value: { host, hostStart: 0, hostEnd: colon, port: port.value, portStart: colon + 1 } };
}

function parsePort(text: string): Parsed<number> {
  if (!/^\d{1,5}$/.test(text)) return { ok: false, reason: `\`${text}\` is not a port number (1-65535)` };
  const port = Number(text);
  if (port < 1 || port > 65535) return { ok: false, reason: `port ${port} is out of range (1-65535)` };
  return { ok: true, value: port };
}

/** Reads a whole number within bounds. */
export function parseCount(text: string, min: number, what: string): Parsed<number> {
  if (!/^\d{1,15}$/.test(text))
    return { ok: false, reason: `${what} must be a whole number, got \`${text}\`` };
  const value = Number(text);
  if (value < min) return { ok: false, reason: `${what} must be at least ${min}, got ${value}` };
  return { ok: true, value };
}

/** Reads `on`/`off` (also `true`/`false`, `yes`/`no`). */
export function parseSwitch(text: string, what: string): Parsed<boolean> {
  const lowered = text.toLowerCase();
  if (lowered === 'on' || lowered === 'true' || lowered === 'yes') return { ok: true, value: true };
  if (lowered === 'off' || lowered === 'false' || lowered === 'no') return { ok: true, value: false };
  return { ok: false, reason: `${what} must be on or off, got \`${text}\`` };
}

/** Reads a host name for the embedded server's replies. */
export function parseHostname(text: string): Parsed<string> {
  return HOSTNAME.test(text)
    ? { ok: true, value: text }
    : { ok: false, reason: `\`${text}\` is not a host name` };
}

/** Reads `USER:PASS` (the password may contain `:`). */
export function parseCredentials(text: string): Parsed<{ user: string; password: string }> {
  const colon = text.indexOf(':');
  if (colon <= 0) return { ok: false, reason: `auth must be USER:PASS, got \`${text}\`` };
  return { ok: true, value: { user: text.slice(0, colon), password: text.slice(colon + 1) } };
}

/** Reads the path of a server script for `@server script=FILE` (relative to the transcript). */
export function parseScriptPath(text: string): Parsed<string> {
  if (text === '') return { ok: false, reason: 'script needs a file, like script=greeting.serve.smtp' };
  if (text.includes('{{'))
    return { ok: false, reason: 'script takes a literal file name (variables are not resolved here)' };
  return { ok: true, value: text };
}
