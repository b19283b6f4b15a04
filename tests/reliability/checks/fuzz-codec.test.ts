/**
 * Random and mutated bytes into every parser of @smtp/codec. Each returns a result or an error
 * value, never throws; the streaming parsers (line framer, dot decoder, BDAT reader, reply parser)
 * give the same result however the input is split and keep their buffers bounded; the dot decoder
 * agrees with the suite's independent model of the contract.
 */
import {
  BdatChunkReader,
  base64Decode,
  DotDecoder,
  describeEnhancedCode,
  type LineEvent,
  LineFramer,
  parseCapabilities,
  parseCommand,
  parseCramMd5Response,
  parseLoginResponse,
  parseMailbox,
  parseMailParameters,
  parseOauthBearerResponse,
  parseOauthErrorChallenge,
  parsePath,
  parseRcptParameters,
  parseSaslPlain,
  parseXoauth2Response,
  ReplyParser,
  xtextDecode,
} from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it, type TestContext } from 'vitest';
import { record } from '../report/figures.js';
import { modelData } from '../support/data-model.js';
import {
  clientStream,
  concat,
  heapAfterCollection,
  mutated,
  splitAt,
  splitPoints,
} from '../support/fuzz-inputs.js';
import { settings } from '../support/settings.js';

const latin1 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

/** Replies, good and bad, as a server might send them. */
const replyStream = mutated(
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '220 mx.test ESMTP\r\n',
          '250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 CHUNKING\r\n',
          '354 go on\r\n',
          '550 5.1.1 no\r\n',
          '250-a\r\n250 b\r\n',
          '250-a\r\n251 b\r\n',
          '2500 x\r\n',
          '25\r\n',
          '250\r\n',
          '250 \xff\r\n',
          '250 bare\n',
          '\r\n',
        ),
        fc.string({ maxLength: 30 }).map((text) => `${text}\r\n`),
      ),
      { maxLength: 12 },
    )
    .map((parts) => Uint8Array.from(parts.join(''), (char) => char.charCodeAt(0) & 0xff)),
);

/** Text an argument parser might get: printable ASCII, base64-ish, xtext-ish, or anything. */
const argumentText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='),
    maxLength: 80,
  }),
  fc.string({
    unit: fc.constantFrom('<', '>', '@', '"', '\\', '.', ':', '[', ']', ',', ' ', '=', '+', 'a', '2', 'B'),
    maxLength: 60,
  }),
  fc.uint8Array({ maxLength: 80 }).map(latin1),
);

/** Every argument parser: none may throw, each answers with a value, `undefined` or an error value. */
const ARGUMENT_PARSERS: readonly (readonly [string, (text: string) => unknown])[] = [
  ['parsePath (reverse)', (text) => parsePath(text, 'reverse')],
  ['parsePath (forward, no SMTPUTF8)', (text) => parsePath(text, 'forward', { smtputf8: false })],
  ['parseMailbox', (text) => parseMailbox(text)],
  ['parseMailParameters', (text) => parseMailParameters(text)],
  ['parseRcptParameters', (text) => parseRcptParameters(text)],
  ['xtextDecode', (text) => xtextDecode(text)],
  ['base64Decode', (text) => base64Decode(text)],
  ['parseSaslPlain', (text) => parseSaslPlain(text)],
  ['parseLoginResponse', (text) => parseLoginResponse(text)],
  ['parseCramMd5Response', (text) => parseCramMd5Response(text)],
  ['parseXoauth2Response', (text) => parseXoauth2Response(text)],
  ['parseOauthBearerResponse', (text) => parseOauthBearerResponse(text)],
  ['parseOauthErrorChallenge', (text) => parseOauthErrorChallenge(text)],
  ['describeEnhancedCode', (text) => describeEnhancedCode(text)],
  ['parseCommand (text)', (text) => parseCommand(text)],
];

/** The line framer's events for `pieces`, lines as text. */
function frame(
  pieces: readonly Uint8Array[],
  lineEndings: 'strict' | 'lenient',
): { events: string[]; maxBuffered: number } {
  const framer = new LineFramer({ maxLineLength: 128, lineEndings });
  const events: string[] = [];
  let maxBuffered = 0;
  for (const piece of pieces) {
    framer.push(piece);
    for (let event: LineEvent | undefined = framer.next(); event !== undefined; event = framer.next()) {
      events.push(
        event.kind === 'line'
          ? `line ${latin1(event.line)}`
          : event.kind === 'too-long'
            ? `too-long ${event.length}`
            : event.kind,
      );
    }
    maxBuffered = Math.max(maxBuffered, framer.buffered);
  }
  return { events, maxBuffered };
}

/** The dot decoder's body, whether it ended, and what came after, for `pieces`. */
function decode(pieces: readonly Uint8Array[]): { body: string; done: boolean; rest: string } {
  const decoder = new DotDecoder({ lineEndings: 'lenient' });
  const body: Uint8Array[] = [];
  const rest: Uint8Array[] = [];
  let done = false;
  for (const piece of pieces) {
    if (done) {
      rest.push(piece);
      continue;
    }
    const result = decoder.push(piece);
    body.push(...result.body);
    done = result.done;
    if (result.rest !== undefined) rest.push(result.rest);
  }
  return { body: latin1(concat(body)), done, rest: latin1(concat(rest)) };
}

/** The reply parser's events for `pieces`, as text. */
function parseReplies(pieces: readonly Uint8Array[]): string[] {
  const parser = new ReplyParser({ lineEndings: 'lenient', maxLineLength: 512 });
  const out: string[] = [];
  for (const piece of pieces) {
    for (const event of parser.push(piece)) {
      if (event.kind === 'error') {
        out.push(`error ${event.error.reason}`);
        continue;
      }
      out.push(`reply ${event.reply.code} ${JSON.stringify(event.reply.lines)}`);
      // What a client makes of an EHLO reply, whatever the reply.
      parseCapabilities(event.reply);
    }
  }
  return out;
}

describe('fuzzing the codec parsers', () => {
  const cases = settings.codecFuzzCases;

  function finish(context: TestContext, runs: number, extra: Record<string, number | string> = {}) {
    record(context, { cases: runs, ...extra, 'exceptions escaped': 0 });
  }

  it('argument parsers (paths, parameters, xtext, base64, SASL, enhanced codes, command lines): never throw', (context) => {
    let runs = 0;
    const before = heapAfterCollection();
    for (const [name, parse] of ARGUMENT_PARSERS) {
      fc.assert(
        fc.property(
          fc.oneof(
            argumentText,
            mutated(argumentText.map((text) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff))).map(
              latin1,
            ),
          ),
          (text) => {
            runs++;
            try {
              parse(text);
            } catch (error) {
              throw new Error(`${name} threw on ${JSON.stringify(text)}: ${String(error)}`);
            }
          },
        ),
        { numRuns: cases },
      );
    }
    const growth = heapAfterCollection() - before;
    finish(context, runs, {
      parsers: ARGUMENT_PARSERS.length,
      'heap growth, MB': Number((growth / 1e6).toFixed(1)),
    });
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  });

  it('parseCommand on raw command lines: a command or an SMTP error value (4xx/5xx), never an exception', (context) => {
    let runs = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutated(clientStream), (stream) => {
        for (const line of latin1(stream).split('\r\n')) {
          runs++;
          const result = parseCommand(Uint8Array.from(line, (c) => c.charCodeAt(0) & 0xff));
          if (!result.ok) {
            refused++;
            expect(result.error.code).toBeGreaterThanOrEqual(400);
            expect(result.error.code).toBeLessThan(600);
          }
        }
      }),
      { numRuns: cases },
    );
    finish(context, runs, { 'refused with an error value': refused });
  });

  it('LineFramer, strict and lenient: the same events however the input is split, buffer bounded', (context) => {
    let runs = 0;
    let maxBuffered = 0;
    for (const mode of ['strict', 'lenient'] as const) {
      fc.assert(
        fc.property(mutated(clientStream), splitPoints, (stream, points) => {
          runs++;
          const whole = frame([stream], mode);
          const split = frame(splitAt(stream, points), mode);
          expect(split.events).toEqual(whole.events);
          maxBuffered = Math.max(maxBuffered, split.maxBuffered);
        }),
        { numRuns: Math.ceil(cases / 2) },
      );
    }
    finish(context, runs, { 'largest buffer, octets (limit 128)': maxBuffered });
    expect(maxBuffered).toBeLessThanOrEqual(128);
  });

  it('DotDecoder: the contract model’s body and rest, however the input is split', (context) => {
    let runs = 0;
    let ended = 0;
    fc.assert(
      fc.property(mutated(clientStream, 10), splitPoints, (stream, points) => {
        runs++;
        const result = decode(splitAt(stream, points));
        const model = modelData(latin1(stream), 'lenient');
        if (model.kind === 'message') {
          ended++;
          expect(result).toEqual({ body: model.body, done: true, rest: model.rest });
        } else {
          expect(result.done).toBe(false);
        }
      }),
      { numRuns: cases },
    );
    finish(context, runs, { 'inputs that held a terminator': ended });
  });

  it('BdatChunkReader: exactly the announced octets, the rest left over, however split', (context) => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat({ max: 500 }),
        splitPoints,
        (input, size, points) => {
          runs++;
          const reader = new BdatChunkReader(size);
          const data: Uint8Array[] = [];
          const rest: Uint8Array[] = [];
          for (const piece of splitAt(input, points)) {
            if (reader.done) {
              rest.push(piece);
              continue;
            }
            const result = reader.push(piece);
            if (result.data !== undefined) data.push(result.data);
            if (result.rest !== undefined) rest.push(result.rest);
          }
          const taken = Math.min(size, input.length);
          expect(latin1(concat(data))).toBe(latin1(input.subarray(0, taken)));
          expect(latin1(concat(rest))).toBe(latin1(input.subarray(taken)));
          expect(reader.remaining).toBe(size - taken);
        },
      ),
      { numRuns: cases },
    );
    finish(context, runs);
  });

  it('ReplyParser (and capabilities of every reply): the same replies and errors however split', (context) => {
    let runs = 0;
    fc.assert(
      fc.property(replyStream, splitPoints, (stream, points) => {
        runs++;
        expect(parseReplies(splitAt(stream, points))).toEqual(parseReplies([stream]));
      }),
      { numRuns: cases },
    );
    finish(context, runs);
  });
});
