/**
 * The scaling cell's load generator, run as its own process (so its CPU is not the server's and
 * not the driver's): `node load-generator.mjs PORT SESSIONS SECONDS BYTES`.
 *
 * Opens SESSIONS connections (in steps of 100, so the listen backlog never overflows), each says
 * HELO; once all are open, each sends messages back to back like smtp-source (no pipelining: MAIL, RCPT, DATA,
 * the body with its dot, each waiting for its reply). Once every session is going and a short
 * warm-up has passed, it counts for SECONDS the messages completed and the latency of every
 * reply (from the write of its command to the reply's last line), then prints one JSON line:
 * `{ sessions, messages, seconds, p50, p99, max }` (latencies in ms).
 */
import net from 'node:net';

const [port, sessions, seconds, bytes] = process.argv.slice(2).map(Number);
const WARM_UP_MS = 200;
const MAX_SAMPLES = 4_000_000;

function body(size) {
  let text = 'Subject: scaling\r\n\r\n';
  while (text.length < size - 82) text += `${'x'.repeat(78)}\r\n`;
  text += `${'y'.repeat(Math.max(0, size - text.length - 2))}\r\n`;
  return Buffer.from(`${text}.\r\n`);
}

const BODY = body(bytes);
const COMMANDS = [
  Buffer.from('MAIL FROM:<a@example.test>\r\n'),
  Buffer.from('RCPT TO:<b@example.test>\r\n'),
  Buffer.from('DATA\r\n'),
  BODY,
];
const HELO = Buffer.from('HELO load.example.test\r\n');

const samples = new Float64Array(MAX_SAMPLES);
let sampleCount = 0;
let measuring = false;
let stopping = false;
let messages = 0;

/** One session: a small state machine over the reply stream. */
function session() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    socket.setNoDelay(true);
    let pending = '';
    let step = -2; // -2: greeting, -1: HELO, 0..3: MAIL, RCPT, DATA, body
    let sentAt = 0;
    let ready = false;
    const send = (data) => {
      sentAt = performance.now();
      socket.write(data);
    };
    const onReply = (code) => {
      const expected = step === 2 ? 354 : step === -2 ? 220 : 250;
      if (code !== expected) {
        socket.destroy();
        reject(new Error(`expected ${expected}, got ${code} (step ${step})`));
        return;
      }
      if (step >= 0 && measuring) {
        if (sampleCount < MAX_SAMPLES) samples[sampleCount++] = performance.now() - sentAt;
        if (step === 3) messages++;
      }
      if (step === -2) {
        step = -1;
        send(HELO);
        return;
      }
      if (step === -1 && !ready) {
        // Greeted: the session waits for the others, so opening them is not slowed by load.
        ready = true;
        resolve(() => {
          step = 0;
          send(COMMANDS[0]);
        });
        return;
      }
      if (step === 3) {
        if (stopping) {
          socket.end('QUIT\r\n');
          return;
        }
        step = 0;
      } else step++;
      send(COMMANDS[step]);
    };
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n');
        if (end === -1) break;
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line[3] !== '-') onReply(Number(line.slice(0, 3)));
      }
    });
    socket.on('error', (error) => {
      if (!ready) reject(error);
    });
  });
}

const sockets = [];
const starters = [];
for (let opened = 0; opened < sessions; opened += 100) {
  const step = Math.min(100, sessions - opened);
  starters.push(...(await Promise.all(Array.from({ length: step }, session))));
}
for (const start of starters) start();
await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
measuring = true;
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
measuring = false;
const elapsed = (performance.now() - started) / 1000;
stopping = true;

const sorted = samples.subarray(0, sampleCount).sort();
const at = (q) => (sampleCount === 0 ? 0 : sorted[Math.min(sampleCount - 1, Math.floor(q * sampleCount))]);
console.log(
  JSON.stringify({
    sessions,
    messages,
    seconds: elapsed,
    rate: messages / elapsed,
    replies: sampleCount,
    p50: at(0.5),
    p99: at(0.99),
    max: sampleCount === 0 ? 0 : sorted[sampleCount - 1],
  }),
);
// Sessions finish their message and QUIT; whatever is still open shortly after is cut.
setTimeout(() => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}, 200).unref();
