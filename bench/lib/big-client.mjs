/**
 * The memory cell's client side, run as its own process so its RSS is the client's alone:
 * `node big-client.mjs PORT OCTETS`. Connects with @smtp/client, prints `ready`, waits for a
 * line on stdin (the driver reads its baseline RSS meanwhile), then sends one message of OCTETS
 * octets (80-column lines, no dot-led line) from a Readable that makes it on demand, and prints
 * one JSON line `{ octets, seconds, accepted }`.
 */
import { Readable } from 'node:stream';
import { SmtpConnection } from '@smtp/client';

const [port, octets] = process.argv.slice(2).map(Number);
const LINE = Buffer.from(`${'x'.repeat(78)}\r\n`);
const BLOCK = Buffer.concat(Array.from({ length: 819 }, () => LINE)); // 65,520 octets

/** A stream of `total` octets (a multiple of 80) made block by block as it is read. */
function generated(total) {
  let left = total;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const piece = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
      left -= piece.length;
      this.push(piece);
    },
  });
}

const connection = await SmtpConnection.connect({ host: '127.0.0.1', port, tls: 'none', name: 'bench.test' });
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
const started = performance.now();
const result = await connection.send({ from: 'a@example.test', to: ['b@example.test'] }, generated(octets), {
  size: octets,
  bodyType: '7BIT',
});
const seconds = (performance.now() - started) / 1000;
await connection.quit();
console.log(JSON.stringify({ octets, seconds, accepted: result.accepted.length }));
process.exit(0);
