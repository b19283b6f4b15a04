import { hostname } from 'node:os';

let deliveries = 0;

/**
 * A unique Maildir file name in the classic form `SECONDS.MMICROSECONDSPPIDQDELIVERIES.HOST`:
 * unique per host because the pid and a per-process delivery counter are in it, and time-ordered.
 * `/` and `:` in the host name are written `\057` and `\072` as Maildir readers expect.
 */
export function maildirName(nowMs: number = performance.timeOrigin + performance.now()): string {
  const micros = Math.floor(nowMs * 1000);
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = micros % 1_000_000;
  deliveries++;
  return `${seconds}.M${fraction}P${process.pid}Q${deliveries}.${maildirHost()}`;
}

let cachedHost: string | undefined;

function maildirHost(): string {
  cachedHost ??= hostname().replaceAll('/', '\\057').replaceAll(':', '\\072') || 'localhost';
  return cachedHost;
}

/** The process id written in a name made by {@link maildirName}, or undefined for other names. */
export function maildirNamePid(name: string): number | undefined {
  const match = /^\d+\.M\d+P(\d+)Q\d+\./.exec(name);
  return match ? Number(match[1]) : undefined;
}
