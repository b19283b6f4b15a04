import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpError } from '@smtp/codec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testMessage } from '../test-support/messages.js';
import { envelopeLines, MaildirStore } from './maildir-store.js';

const message = testMessage;

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'smtp-maildir-')), 'Maildir');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const list = async (sub: string) => readdir(join(dir, sub));

describe('MaildirStore', () => {
  it('writes the envelope lines and the exact body, then moves the file into new/', async () => {
    const store = new MaildirStore(dir);
    const sink = await store.open(message());
    const body = Buffer.from('Subject: hi\r\n\r\n.leading dot kept\r\n\0\xff8-bit\r\n', 'latin1');
    await sink.write(body.subarray(0, 10));
    await sink.write(body.subarray(10));
    expect(await list('new')).toEqual([]);
    await sink.end();
    const [name, ...others] = await list('new');
    expect(others).toEqual([]);
    expect(await list('tmp')).toEqual([]);
    expect(await list('cur')).toEqual([]);
    const expected = Buffer.concat([
      Buffer.from(
        'Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\nDelivered-To: carol@example.test\r\n',
      ),
      body,
    ]);
    expect(await readFile(join(dir, 'new', name as string))).toEqual(expected);
    expect(name).toMatch(new RegExp(`^\\d+\\.M\\d+P${process.pid}Q\\d+\\.`));
  });

  it('writes the null sender as <> and UTF-8 addresses as UTF-8', () => {
    expect(envelopeLines({ from: '', to: ['postmaster'] }).toString()).toBe(
      'Return-Path: <>\r\nDelivered-To: postmaster\r\n',
    );
    expect(envelopeLines({ from: 'ålice@exämple.test', to: [] })).toEqual(
      Buffer.from('Return-Path: <ålice@exämple.test>\r\n', 'utf8'),
    );
  });

  it('streams a body larger than one write batch', async () => {
    const store = new MaildirStore(dir);
    const sink = await store.open(message({ to: ['b@x.test'] }));
    const piece = Buffer.alloc(50_000, 0x61);
    for (let i = 0; i < 10; i++) await sink.write(piece);
    await sink.end();
    const [name] = await list('new');
    const data = await readFile(join(dir, 'new', name as string));
    expect(data.length).toBe(
      'Return-Path: <alice@example.test>\r\nDelivered-To: b@x.test\r\n'.length + 500_000,
    );
  });

  it('leaves nothing anywhere when a message is aborted', async () => {
    const store = new MaildirStore(dir);
    const sink = await store.open(message());
    await sink.write(Buffer.alloc(100_000, 0x62));
    expect((await list('tmp')).length).toBe(1);
    await sink.abort('disconnect');
    expect(await list('tmp')).toEqual([]);
    expect(await list('new')).toEqual([]);
    await expect(Promise.resolve().then(() => sink.end())).rejects.toMatchObject({ code: 451 });
  });

  it('leaves nothing in tmp/ or new/ when the final rename fails, and answers 451 4.3.0', async () => {
    const store = new MaildirStore(dir);
    await store.prepare();
    await rm(join(dir, 'new'), { recursive: true });
    await writeFile(join(dir, 'new'), 'not a directory');
    const sink = await store.open(message());
    await sink.write(Buffer.from('body\r\n'));
    const failure = await Promise.resolve()
      .then(() => sink.end())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SmtpError);
    expect(failure).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect(await list('tmp')).toEqual([]);
  });

  it('refuses with 451 4.3.0 when the Maildir cannot be created', async () => {
    await mkdir(join(dir, '..'), { recursive: true });
    await writeFile(dir, 'a file where the Maildir should be');
    const store = new MaildirStore(dir);
    await expect(store.prepare()).rejects.toThrow();
  });

  it('removes stale files of dead or earlier processes from tmp/ on start, sparing live ones', async () => {
    await mkdir(join(dir, 'tmp'), { recursive: true });
    const dead = `1700000000.M1P999999999Q1.host`;
    const earlierSelf = `1700000000.M1P${process.pid}Q7.host`;
    const live = `1700000000.M1P1Q1.host`; // pid 1 always runs
    const foreignFresh = 'somebody-elses-file';
    for (const name of [dead, earlierSelf, live, foreignFresh]) await writeFile(join(dir, 'tmp', name), 'x');
    await new MaildirStore(dir).prepare();
    expect((await list('tmp')).sort()).toEqual([live, foreignFresh].sort());
  });

  it('gives every message its own file', async () => {
    const store = new MaildirStore(dir);
    const sinks = await Promise.all(Array.from({ length: 20 }, () => store.open(message())));
    await Promise.all(sinks.map((sink) => sink.end()));
    expect(new Set(await list('new')).size).toBe(20);
  });
});
