import { describe, expect, it } from 'vitest';
import { testMessage } from '../test-support/messages.js';
import { hookStore, MessageAbortedError, type MessageWithBody } from './hook-store.js';

async function readAll(message: MessageWithBody): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of message.body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('hookStore', () => {
  it('gives the hook the envelope and the body as a stream, and resolves when the hook does', async () => {
    let seen: { from: string; to: readonly string[]; body: string } | undefined;
    const store = hookStore(async (message) => {
      seen = { from: message.from, to: message.to, body: (await readAll(message)).toString() };
    });
    const sink = await store.open(testMessage());
    await sink.write(Buffer.from('Subject: a\r\n'));
    await sink.write(Buffer.from('\r\nbody\r\n'));
    await sink.end();
    expect(seen).toEqual({
      from: 'alice@example.test',
      to: ['bob@example.test', 'carol@example.test'],
      body: 'Subject: a\r\n\r\nbody\r\n',
    });
  });

  it('makes the hook’s refusal the outcome of end()', async () => {
    const refusal = { code: 550, enhanced: '5.7.1', message: 'Spam' };
    const store = hookStore(async (message) => {
      await readAll(message);
      throw refusal;
    });
    const sink = await store.open(testMessage());
    await sink.write(Buffer.from('x\r\n'));
    await expect(sink.end()).rejects.toBe(refusal);
  });

  it('pushes back while the hook does not read, and continues when it does', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let total = 0;
    const store = hookStore(async (message) => {
      await gate;
      total = (await readAll(message)).length;
    });
    const sink = await store.open(testMessage());
    const piece = Buffer.alloc(16 * 1024);
    let pushedBack: Promise<void> | undefined;
    let written = 0;
    for (let i = 0; i < 100 && pushedBack === undefined; i++) {
      pushedBack = sink.write(piece) ?? undefined;
      written += piece.length;
    }
    expect(pushedBack).toBeInstanceOf(Promise);
    expect(written).toBeLessThanOrEqual(128 * 1024);
    release();
    await pushedBack;
    await sink.end();
    expect(total).toBe(written);
  });

  it('fails the body stream when the message is abandoned', async () => {
    let failure: unknown;
    const store = hookStore(async (message) => {
      try {
        await readAll(message);
      } catch (error) {
        failure = error;
        throw error;
      }
    });
    const sink = await store.open(testMessage());
    await sink.write(Buffer.from('partial'));
    await sink.abort('disconnect');
    await expect(sink.end()).rejects.toBeInstanceOf(MessageAbortedError);
    expect(failure).toBeInstanceOf(MessageAbortedError);
    expect((failure as MessageAbortedError).reason).toBe('disconnect');
  });

  it('drops the rest of the body once the hook has answered without reading it', async () => {
    const store = hookStore(() => undefined);
    const sink = await store.open(testMessage());
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 1000; i++) expect(sink.write(Buffer.alloc(64 * 1024))).toBeUndefined();
    await sink.end();
  });
});
