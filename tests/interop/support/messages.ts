/**
 * The messages the suite sends: each has a dot-led line, so dot-stuffing is checked on every path,
 * and its own From, Date and Message-ID, so clients that add missing ones (msmtp) leave it as is.
 */

const DATE = 'Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n';
const id = (subject: string) => `Message-ID: <${subject.replace(/\W+/g, '.')}@example.test>\r\n`;

/** A plain ASCII message with CRLF line ends. */
export function asciiMessage(subject: string): string {
  return (
    `From: a@example.test\r\nTo: b@example.test\r\nSubject: ${subject}\r\n${DATE}${id(subject)}` +
    '\r\n.a line that starts with a dot\r\n..and one with two\r\nthe end\r\n'
  );
}

/** A message with 8-bit (UTF-8) octets in its body, as latin1 text (one char per octet). */
export function eightBitMessage(subject: string): string {
  const body = Buffer.from('caf\u00e9 \u00fcber na\u00efve \u2014 \u65e5\u672c\r\n.dot\r\n', 'utf8').toString(
    'latin1',
  );
  return (
    `From: a@example.test\r\nTo: b@example.test\r\nSubject: ${subject}\r\n${DATE}${id(subject)}MIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`
  );
}

/** Octets of a latin1 string (one octet per char). */
export const octets = (text: string): Buffer => Buffer.from(text, 'latin1');
