/** Writing `.smtp` scripts for `smtp serve --script`: the server's lines and the client's expected ones. */

/** Escapes text for a `C:` line (a glob): backslash, star and `{{` would mean something else. */
export function literal(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\*/g, '\\x2a').replace(/\{\{/g, '\\x7b\\x7b');
}

/**
 * The `C:` lines of a message body as it goes on the wire after DATA: CRLF lines, a leading dot
 * doubled, then the lone dot. `message` is latin1 text of the octets (UTF-8 bodies are decoded
 * so that the script file, which is UTF-8, holds the same characters).
 */
export function bodyLines(message: string): string {
  const text = Buffer.from(message, 'latin1').toString('utf8');
  if (!text.endsWith('\r\n')) throw new Error('a test message must end with CRLF');
  const lines = text.slice(0, -2).split('\r\n');
  return [
    ...lines.map((line) => (line === '' ? 'C:' : `C: ${literal(line.startsWith('.') ? `.${line}` : line)}`)),
    'C: .',
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** The server's greeting and EHLO reply offering `extensions`, for a client saying `EHLO <helo>`. */
export function greeting(helo: string, extensions: readonly string[]): string {
  const lines = ['mx.example.test', ...extensions];
  return (
    'S: 220 mx.example.test ESMTP script\n' +
    `C: EHLO ${helo}\n` +
    lines.map((line, i) => `S: 250${i === lines.length - 1 ? ' ' : '-'}${line}\n`).join('')
  );
}

/** Options of {@link transaction}. */
export interface TransactionScript {
  readonly from?: string;
  readonly to?: readonly string[];
  /** Replies for refused recipients, by address (e.g. `550 5.1.1 no such user`). */
  readonly refuse?: Readonly<Record<string, string>>;
  /** MAIL, RCPT… and DATA expected as one group, answered together. */
  readonly pipelined?: boolean;
  /** Text after the address on the MAIL line (a glob, e.g. ` BODY=8BITMIME`). */
  readonly mailParams?: string;
}

/** One mail transaction: MAIL, RCPT…, DATA, the message, its `250`. */
export function transaction(message: string, options: TransactionScript = {}): string {
  const from = options.from ?? 'a@example.test';
  const to = options.to ?? ['b@example.test'];
  const commands = [
    [`MAIL FROM:<${from}>${options.mailParams ?? ''}`, '250 2.1.0 ok'],
    ...to.map((rcpt) => [`RCPT TO:<${rcpt}>`, options.refuse?.[rcpt] ?? '250 2.1.5 ok']),
    ['DATA', '354 go ahead'],
  ] as const;
  const exchange = options.pipelined
    ? commands.map(([command]) => `C: ${command}\n`).join('') +
      commands.map(([, reply]) => `S: ${reply}\n`).join('')
    : commands.map(([command, reply]) => `C: ${command}\nS: ${reply}\n`).join('');
  return `${exchange}${bodyLines(message)}S: 250 2.0.0 queued as 1\n`;
}

/** The end of a session. */
export const QUIT = 'C: QUIT\nS: 221 2.0.0 bye\n';

/**
 * One session per message, in order: the greeting with 8BITMIME, one transaction, then `ending`
 * (QUIT, or `@closed` for a client that hangs up without it).
 */
export function sessionPerMessage(helo: string, messages: readonly string[], ending = QUIT): string {
  return messages
    .map((message) => greeting(helo, ['8BITMIME']) + transaction(message) + ending)
    .join('\n@connect\n');
}
