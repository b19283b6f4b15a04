/**
 * Drivers for the incumbents' own codecs, used the way their servers and clients use them.
 * Their internals are not exported, so they are loaded from their files inside the packages.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

async function load(packageName, file) {
  const root = dirname(require.resolve(`${packageName}/package.json`));
  return import(pathToFileURL(join(root, file)).href);
}

const { SMTPStream } = await load('smtp-server', 'dist/esm/smtp-stream.js');
const { default: DataStream } = await load('nodemailer', 'dist/esm/smtp-connection/data-stream.js');

/**
 * smtp-server's DATA decoder: its SMTPStream switched to data mode, as SMTPConnection does after
 * `354`; `continue()` once the data stream ends, as SMTPConnection does after onData.
 * Calls `onData` with each unstuffed piece; resolves when the terminator was read.
 */
export async function smtpServerUnstuff(chunks, onData) {
  const parser = new SMTPStream();
  parser.oncommand = (_line, next) => next?.();
  const data = parser.startDataMode();
  data.on('data', onData);
  const ended = once(data, 'end');
  for (const chunk of chunks) {
    if (!parser.write(chunk)) await once(parser, 'drain');
  }
  await ended;
  parser.continue();
}

/** smtp-server's command-line splitter (SMTPStream in command mode); calls `onLine` per line. */
export async function smtpServerLines(chunks, onLine) {
  const parser = new SMTPStream();
  parser.oncommand = (line, next) => {
    onLine(line);
    next();
  };
  for (const chunk of chunks) {
    if (!parser.write(chunk)) await once(parser, 'drain');
  }
  parser.end();
  await once(parser, 'finish');
}

/** nodemailer's dot-stuffing Transform (smtp-connection's DataStream); `onData` gets each piece. */
export async function nodemailerStuff(chunks, onData) {
  const stream = new DataStream();
  stream.on('data', onData);
  const ended = once(stream, 'end');
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await ended;
}
