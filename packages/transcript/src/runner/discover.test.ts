import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscoveryError, displayName, findTranscripts, isRunnableTranscript } from './discover.js';
import { type Scratch, scratch } from './test-support/files.js';

let files: Scratch;
beforeEach(() => {
  files = scratch('discover');
});
afterEach(() => files.remove());

describe('findTranscripts', () => {
  it('searches folders for *.smtp, skipping node_modules, .git and server scripts, sorted by path', async () => {
    for (const name of [
      'b.smtp',
      'a/z.smtp',
      'a/b/y.smtp',
      'A.smtp',
      'notes.txt',
      'script.serve.smtp',
      'node_modules/pkg/x.smtp',
      '.git/hooks/x.smtp',
      'deep/.hidden/ok.smtp',
    ]) {
      files.write(name, 'S: 220 *\n');
    }
    const found = await findTranscripts([], files.dir);
    expect(found.map((f) => f.name)).toEqual([
      'A.smtp',
      'a/b/y.smtp',
      'a/z.smtp',
      'b.smtp',
      'deep/.hidden/ok.smtp',
    ]);
    expect(found[0]?.path).toBe(join(files.dir, 'A.smtp'));
  });

  it('takes files as named, each once, and folders and files together', async () => {
    files.write('one.smtp', '');
    files.write('dir/two.smtp', '');
    files.write('other.txt', '');
    const found = await findTranscripts(['dir', 'one.smtp', './one.smtp', 'other.txt'], files.dir);
    expect(found.map((f) => f.name)).toEqual(['dir/two.smtp', 'one.smtp', 'other.txt']);
  });

  it('follows links to files, not to folders', async () => {
    files.write('real/a.smtp', '');
    symlinkSync(join(files.dir, 'real'), join(files.dir, 'loop'));
    symlinkSync(join(files.dir, 'real', 'a.smtp'), join(files.dir, 'link.smtp'));
    const found = await findTranscripts(['.'], files.dir);
    expect(found.map((f) => f.name)).toEqual(['link.smtp', 'real/a.smtp']);
  });

  it('refuses a missing path, a server script named explicitly, and a folder without transcripts', async () => {
    files.write('x.serve.smtp', '');
    files.write('empty/readme.md', '');
    await expect(findTranscripts(['nope.smtp'], files.dir)).rejects.toThrow(
      new DiscoveryError('no such file or folder: nope.smtp'),
    );
    await expect(findTranscripts(['x.serve.smtp'], files.dir)).rejects.toThrow(
      'x.serve.smtp is a server script (run it with smtp serve --script), not a transcript to run',
    );
    await expect(findTranscripts(['empty'], files.dir)).rejects.toThrow(
      'no .smtp transcripts in empty (server scripts *.serve.smtp are not run)',
    );
  });

  it('names files relative to the working directory, or absolute outside it', () => {
    expect(displayName('/work/x/a.smtp', '/work')).toBe('x/a.smtp');
    expect(displayName('/elsewhere/a.smtp', '/work')).toBe('/elsewhere/a.smtp');
    expect(isRunnableTranscript('a.smtp')).toBe(true);
    expect(isRunnableTranscript('a.serve.smtp')).toBe(false);
    expect(isRunnableTranscript('a.smtp.txt')).toBe(false);
  });
});
