import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStore } from './stores/message-store.js';
import { eventually, type RunningServer, startServer } from './test-support/start-server.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const BODY_BYTES = 48 * 1024 * 1024;

/** A store that takes pieces only while its gate is open. */
function gatedStore() {
  let open = false;
  let release: (() => void) | undefined;
  let received = 0;
  let stored = 0;
  const store: MessageStore = {
    open: () => ({
      write(chunk) {
        received += chunk.length;
        if (open) return;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      end() {
        stored = received;
      },
      abort() {},
    }),
  };
  return {
    store,
    get received() {
      return received;
    },
    get stored() {
      return stored;
    },
    openGate() {
      open = true;
      release?.();
    },
  };
}

describe('backpressure', () => {
  it('stops reading from a client while the store is slow, then takes the whole message', async () => {
    const gate = gatedStore();
    running = await startServer({ store: gate.store, maxMessageSize: 0 });
    const client = await running.connectReady();
    client.write('MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n');
    await client.replies(3);
    const line = Buffer.from(`${'b'.repeat(1022)}\r\n`);
    const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
    for (let sent = 0; sent < BODY_BYTES; sent += block.length) client.write(block);
    client.write('.\r\n');
    await eventually(() => gate.received > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The store holds one piece; the server keeps at most about a high-water mark more, and the
    // rest of the message waits in the client's own buffers (kernel buffers take a few MB).
    expect(gate.received).toBeLessThanOrEqual(1024 * 1024);
    expect(client.socket.writableLength).toBeGreaterThan(BODY_BYTES / 2);
    gate.openGate();
    expect((await client.reply(30_000)).code).toBe(250);
    expect(gate.stored).toBe(BODY_BYTES);
    await client.quit();
  }, 60_000);

  it('stops reading while a hook decides, however much the client pipelines', async () => {
    let release: (() => void) | undefined;
    running = await startServer({
      onMail: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      maxErrors: 0,
    });
    const client = await running.connectReady();
    client.write('MAIL FROM:<a@example.test>\r\n');
    await eventually(() => release !== undefined);
    const noops = Buffer.from('NOOP\r\n'.repeat(1024 * 1024));
    client.write(noops);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.socket.writableLength).toBeGreaterThan(noops.length / 2);
    release?.();
    expect((await client.reply()).code).toBe(250);
    for (let i = 0; i < 100; i++) expect((await client.reply()).code).toBe(250);
    client.destroy();
  }, 30_000);
});
