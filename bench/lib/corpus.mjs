/**
 * Deterministic inputs for the codec cells: mail bodies with a share of dot-led lines, and
 * pipelined command streams. A fixed seed keeps every run and every contender on the same bytes.
 */

/** A small linear congruential generator: fast, seedable, good enough to vary test text. */
export function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TEXT =
  'abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:-';

/**
 * A message of about `size` octets as the client means it (`body`: CRLF lines, about
 * `dotShare` of them starting with `.`) and as it travels after DATA (`wire`: dot-stuffed, with
 * the terminator).
 */
export function mailMessage({ size, dotShare = 0.05, seed = 1 }) {
  const next = random(seed);
  const pool = [];
  for (let i = 0; i < 4096; i++) {
    const length = 20 + Math.floor(next() * 110);
    let line = next() < dotShare ? '.' : 'X';
    for (let k = 1; k < length; k++) line += TEXT[Math.floor(next() * TEXT.length)];
    pool.push(Buffer.from(`${line}\r\n`, 'latin1'));
  }
  const body = Buffer.allocUnsafe(size + 256);
  const wire = Buffer.allocUnsafe(Math.ceil(size * 1.1) + 256);
  let bodyLength = 0;
  let wireLength = 0;
  let lines = 0;
  let dotLines = 0;
  while (bodyLength < size) {
    const line = pool[Math.floor(next() * pool.length)];
    if (line[0] === 0x2e) {
      wire[wireLength++] = 0x2e;
      dotLines++;
    }
    line.copy(body, bodyLength);
    line.copy(wire, wireLength);
    bodyLength += line.length;
    wireLength += line.length;
    lines++;
  }
  wireLength += wire.write('.\r\n', wireLength, 'latin1');
  return { body: body.subarray(0, bodyLength), wire: wire.subarray(0, wireLength), lines, dotLines };
}

/** A pipelined command stream of `count` CRLF lines shaped like a busy submission session. */
export function commandStream({ count, seed = 2 }) {
  const next = random(seed);
  const shapes = [
    (n) => `MAIL FROM:<sender${n}@example.org> SIZE=${n * 7} BODY=8BITMIME`,
    (n) => `RCPT TO:<user${n}@example.net>`,
    (n) => `RCPT TO:<list-${n}@lists.example.com> NOTIFY=SUCCESS,FAILURE`,
    () => 'DATA',
    () => 'RSET',
    () => 'NOOP',
    (n) => `EHLO client${n % 100}.example.org`,
  ];
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(shapes[Math.floor(next() * shapes.length)](i));
  return { lines, bytes: Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1') };
}

/** Views of `bytes` in chunks of `size` octets, as a socket would deliver them. */
export function chunksOf(bytes, size) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}
