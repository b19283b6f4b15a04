/** A nodemailer logger that keeps the protocol lines (`C: …` sent, `S: …` received) for checks. */

/** The logger object nodemailer accepts, and the lines it collected. */
export interface NodemailerLog {
  readonly logger: Record<
    'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    (...args: unknown[]) => void
  >;
  /** Protocol lines in order: `C: MAIL FROM:<…>`, `S: 250 …` (one per line of a multi-line reply). */
  readonly lines: string[];
}

/** Makes a logger for `createTransport({ logger, debug: true })`. */
export function nodemailerLog(): NodemailerLog {
  const lines: string[] = [];
  const record = (entry: unknown, message: unknown) => {
    const tnx = (entry as { tnx?: string } | undefined)?.tnx;
    if ((tnx === 'client' || tnx === 'server') && typeof message === 'string') {
      for (const line of message.split(/\r?\n/)) lines.push(`${tnx === 'client' ? 'C' : 'S'}: ${line}`);
    }
  };
  const ignore = () => {};
  return {
    lines,
    logger: { trace: ignore, debug: record, info: ignore, warn: ignore, error: ignore, fatal: ignore },
  };
}
