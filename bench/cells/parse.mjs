import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommand, ReplyParser } from '@smtp/codec';
import { chunksOf, commandStream, random } from '../lib/corpus.mjs';

const COMMANDS = 300_000;
const REPLIES = 200_000;
const CHUNK = 16 * 1024;

const require = createRequire(import.meta.url);
async function load(packageName, file) {
  const root = dirname(require.resolve(`${packageName}/package.json`));
  return import(pathToFileURL(join(root, file)).href);
}
const { SMTPConnection: ServerConnection } = await load('smtp-server', 'dist/esm/smtp-connection.js');
const { default: ClientConnection } = await load('nodemailer', 'dist/esm/smtp-connection/index.js');

// ---------------------------------------------------------------------------------------------
// Commands: what a server does with each line the framer hands it.

/** The lines of the corpus as the framer hands them over: views into the received chunk. */
function lineViews(bytes) {
  const views = [];
  let start = 0;
  for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, start)) {
    views.push(bytes.subarray(start, lf - 1));
    start = lf + 1;
  }
  return views;
}

/**
 * smtp-server's own steps for a command line, called on its own code: the verb as `_onCommand`
 * finds it, and for MAIL/RCPT `_parseAddressCommand` (address checks, xtext, parameters).
 * `this` carries only the options that method reads.
 */
const serverThis = { _server: { options: {}, logger: { error() {}, debug() {} } }, session: {}, id: 'bench' };
const parseAddress = ServerConnection.prototype._parseAddressCommand;
function smtpServerParse(line) {
  const text = line.toString();
  const verb = (text.split(' ').shift() || '').toUpperCase();
  if (verb === 'MAIL') return { verb, parsed: parseAddress.call(serverThis, 'mail from', text) };
  if (verb === 'RCPT') return { verb, parsed: parseAddress.call(serverThis, 'rcpt to', text) };
  return { verb, parsed: undefined };
}

function checkCommands(lines, views, buffers) {
  for (let i = 0; i < lines.length; i++) {
    const ours = parseCommand(views[i]);
    const theirs = smtpServerParse(buffers[i]);
    if (!ours.ok) throw new Error(`@smtp/codec refused ${lines[i]}: ${ours.error.message}`);
    if (ours.command.verb !== theirs.verb) throw new Error(`verbs differ on ${lines[i]}`);
    const path = ours.command.verb === 'MAIL' ? ours.command.from : ours.command.to;
    if (theirs.parsed !== undefined && (!theirs.parsed || theirs.parsed.address !== path.address)) {
      throw new Error(`addresses differ on ${lines[i]}`);
    }
    if (ours.command.verb === 'MAIL' && String(ours.command.params.size) !== theirs.parsed.args.SIZE) {
      throw new Error(`SIZE differs on ${lines[i]}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Replies: what a client does with the bytes a server sends back.

const REPLY_SHAPES = [
  () => ['250 2.1.0 Ok'],
  () => ['250 2.1.5 Ok'],
  () => ['354 End data with <CR><LF>.<CR><LF>'],
  (n) => [`250 2.0.0 Ok: queued as 4Xq${n.toString(36).toUpperCase()}`],
  (n) => [
    `550 5.1.1 <user${n}@example.net>: Recipient address rejected: User unknown in local recipient table`,
  ],
  () => ['221 2.0.0 Bye'],
  () => [
    '250-mx.example.net',
    '250-PIPELINING',
    '250-SIZE 10240000',
    '250-ETRN',
    '250-STARTTLS',
    '250-AUTH PLAIN LOGIN',
    '250-ENHANCEDSTATUSCODES',
    '250-8BITMIME',
    '250-DSN',
    '250-SMTPUTF8',
    '250 CHUNKING',
  ],
];

function replyStream(count) {
  const next = random(3);
  const replies = [];
  let lines = 0;
  for (let i = 0; i < count; i++) {
    const reply = REPLY_SHAPES[Math.floor(next() * REPLY_SHAPES.length)](i);
    replies.push(reply);
    lines += reply.length;
  }
  const text = `${replies.map((reply) => reply.join('\r\n')).join('\r\n')}\r\n`;
  return { replies, lines, bytes: Buffer.from(text, 'latin1') };
}

function codecReplies(chunks, onReply) {
  const parser = new ReplyParser();
  for (const chunk of chunks) {
    for (const event of parser.push(chunk)) {
      if (event.kind !== 'reply') throw new Error(event.error.message);
      onReply(event.reply.code, event.reply.lines);
    }
  }
}

/**
 * nodemailer's reply reader, called on its own code: SMTPConnection#_onData splits and groups
 * the lines; where its `_processResponse` hands each finished reply to the command's handler
 * (one `setImmediate` per reply), this one takes them synchronously, decodes them as
 * `decodeServerResponse` does, and reads the code the way its handlers do (leading digits).
 */
function nodemailerReplies(chunks, onReply) {
  const client = {
    _destroyed: false,
    options: {},
    _remainder: '',
    _responseQueue: [],
    _responsePartial: false,
    _onResponseTooLarge() {
      throw new Error('reply too large');
    },
    _processResponse() {
      while (this._responseQueue.length > 0) {
        const raw = this._responseQueue.shift();
        const utf8 = Buffer.from(raw, 'binary').toString('utf8');
        const text = utf8.includes('\uFFFD') ? raw : utf8;
        onReply(Number(/^\d+/.exec(text)[0]), text);
      }
    },
  };
  for (const chunk of chunks) ClientConnection.prototype._onData.call(client, chunk);
}

/** A plain regular-expression reader with a carry between chunks, as many small clients write. */
function naiveReplies(chunks, onReply) {
  let carry = '';
  let lines = [];
  for (const chunk of chunks) {
    const parts = (carry + chunk.toString('utf8')).split('\r\n');
    carry = parts.pop();
    for (const part of parts) {
      const match = /^(\d{3})([ -])(.*)$/.exec(part);
      if (match === null) throw new Error(`bad reply line ${part}`);
      lines.push(match[3]);
      if (match[2] === ' ') {
        onReply(Number(match[1]), lines);
        lines = [];
      }
    }
  }
}

function checkReplies(replies, run) {
  let index = 0;
  run((code) => {
    const expected = Number(replies[index]?.[0]?.slice(0, 3));
    if (code !== expected) throw new Error(`reply ${index}: got ${code}, expected ${expected}`);
    index++;
  });
  if (index !== replies.length) throw new Error(`read ${index} replies of ${replies.length}`);
}

/** Parsing rates: @smtp/codec's command parser against smtp-server's, its reply parser against nodemailer's. */
export default {
  name: 'parse',
  unit: 'lines/s',
  async prepare() {
    const { lines, bytes } = commandStream({ count: COMMANDS });
    const views = lineViews(bytes);
    const buffers = views.map((view) => Buffer.from(view.buffer, view.byteOffset, view.byteLength));
    checkCommands(lines, views, buffers);

    const replies = replyStream(REPLIES);
    const replyChunks = chunksOf(replies.bytes, CHUNK);
    checkReplies(replies.replies, (onReply) => codecReplies(replyChunks, onReply));
    checkReplies(replies.replies, (onReply) => nodemailerReplies(replyChunks, onReply));
    checkReplies(replies.replies, (onReply) => naiveReplies(replyChunks, onReply));

    /** Where the contenders' results go, so that producing them is real work for every one. */
    const sink = { count: 0 };
    return {
      title: `${COMMANDS} command lines (parsed one by one) and ${REPLIES} replies in ${replies.lines} lines (${CHUNK / 1024} KB chunks)`,
      contenders: [
        {
          key: 'codec-command',
          label: 'commands: @smtp/codec parseCommand (octets)',
          run: () => {
            for (const view of views) if (parseCommand(view).ok) sink.count++;
            return views.length;
          },
        },
        {
          key: 'smtp-server-command',
          label: 'commands: smtp-server 3.21 verb + _parseAddressCommand',
          run: () => {
            for (const buffer of buffers) if (smtpServerParse(buffer).verb) sink.count++;
            return buffers.length;
          },
        },
        {
          key: 'codec-reply',
          label: 'replies: @smtp/codec ReplyParser',
          run: () => {
            codecReplies(replyChunks, () => sink.count++);
            return replies.lines;
          },
        },
        {
          key: 'nodemailer-reply',
          label: 'replies: nodemailer 10 SMTPConnection#_onData',
          run: () => {
            nodemailerReplies(replyChunks, () => sink.count++);
            return replies.lines;
          },
        },
        {
          key: 'naive-reply',
          label: 'replies: naive split + regular expression',
          run: () => {
            naiveReplies(replyChunks, () => sink.count++);
            return replies.lines;
          },
        },
      ],
      ratios: [
        { name: 'parse-command/smtp-server', numerator: 'codec-command', denominator: 'smtp-server-command' },
        { name: 'parse-reply/nodemailer', numerator: 'codec-reply', denominator: 'nodemailer-reply' },
        { name: 'parse-reply/naive', numerator: 'codec-reply', denominator: 'naive-reply' },
      ],
      notes: [
        'Verbs, addresses and SIZE of both command parsers, and the codes of every reply of all three reply readers, checked before timing.',
        '@smtp/codec parseCommand does more than smtp-server here: it types and checks every parameter (SIZE, BODY, NOTIFY) and enforces the RFC 5321 length limits; smtp-server checks parameter values later, in its handlers.',
        '@smtp/codec ReplyParser checks every line (code range, separator, same code across a reply, enhanced code); nodemailer checks none of that, and the naive reader only the line shape.',
        'nodemailer and smtp-server internals are called on their own code with a stand-in `this`; nodemailer normally hands each reply on after a setImmediate, left out here.',
      ],
    };
  },
};
