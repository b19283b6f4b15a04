import { fromUtf8 } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  DirectiveLine,
  ExpectLine,
  Range,
  ReplyExpectation,
  SendGroup,
  SendLine,
  Step,
  TranscriptFile,
} from './ast.js';
import { describeReplySource } from './describe.js';
import { parseTranscript } from './parser.js';

const SPEC_EXAMPLE = `# A plain delivery, checked line by line
S: 220 *
C: EHLO client.example.test
S: 250-*
S: ...
S: 250 *
C: MAIL FROM:<alice@example.test>
C: RCPT TO:<bob@example.test>
C: DATA
S: 250 2.1.0 *
S: 250 2.1.5 *
S: 354 *
C: Subject: dots
C:
C: ..a line that starts with a dot
C: .
S: 250 2.0.0 *
C: QUIT
S: 221 *
`;

function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function steps(file: TranscriptFile, session = 0): readonly Step[] {
  return file.sessions[session]?.steps ?? [];
}

function expectations(file: TranscriptFile, session = 0): ReplyExpectation[] {
  return steps(file, session).filter((s): s is ReplyExpectation => s.kind === 'expect');
}

function sendGroups(file: TranscriptFile, session = 0): SendGroup[] {
  return steps(file, session).filter((s): s is SendGroup => s.kind === 'send');
}

/** What each expectation answers, as a report would say it. */
function pairing(file: TranscriptFile, session = 0): string[] {
  return expectations(file, session).map(
    (e) => `${e.range.start.line + 1}: ${describeReplySource(e.answers)}`,
  );
}

describe('the spec example', () => {
  const file = parseTranscript(SPEC_EXAMPLE, { uri: 'file:///example.smtp' });

  it('parses with no diagnostics', () => {
    expect(file.diagnostics).toEqual([]);
    expect(file.uri).toBe('file:///example.smtp');
  });

  it('has one node per line', () => {
    expect(file.lines.map((l) => l.kind)).toEqual([
      'comment',
      'expect',
      'send',
      'expect',
      'expect',
      'expect',
      'send',
      'send',
      'send',
      'expect',
      'expect',
      'expect',
      'send',
      'send',
      'send',
      'send',
      'expect',
      'send',
      'expect',
      'blank',
    ]);
  });

  it('is one implicit session of send groups and reply expectations', () => {
    expect(file.sessions).toHaveLength(1);
    const session = file.sessions[0];
    expect(session?.connect).toBeUndefined();
    expect(session?.target).toBe('default');
    expect(session?.greeting).toBe('expected');
    expect(session?.ending).toBe('end-of-file');
    expect(at(session?.range as Range)).toBe('1:0-18:8');
    expect(steps(file).map((s) => `${s.kind}@${s.range.start.line}`)).toEqual([
      'expect@1',
      'send@2',
      'expect@3',
      'send@6',
      'expect@9',
      'expect@10',
      'expect@11',
      'send@12',
      'expect@16',
      'send@17',
      'expect@18',
    ]);
  });

  it('groups the EHLO reply lines into one expectation', () => {
    const ehlo = expectations(file)[1];
    expect(ehlo?.shape).toBe('lines');
    expect(ehlo?.patterns.map((p) => p.kind)).toEqual(['line', 'ellipsis', 'line']);
    expect(expectations(file).map((e) => e.shape)).toEqual([
      'line',
      'lines',
      'line',
      'line',
      'line',
      'line',
      'line',
    ]);
  });

  it('pairs every reply with what it answers', () => {
    expect(pairing(file)).toEqual([
      '2: the greeting',
      '4: `EHLO client.example.test` (line 3)',
      '10: `MAIL FROM:<alice@example.test>` (line 7)',
      '11: `RCPT TO:<bob@example.test>` (line 8)',
      '12: `DATA` (line 9)',
      '17: the message after `DATA` (line 9)',
      '19: `QUIT` (line 18)',
    ]);
  });

  it('marks the role of each send line', () => {
    const roles = file.lines
      .filter((l): l is SendLine => l.kind === 'send')
      .map((l) => `${l.line}:${l.role}`);
    expect(roles).toEqual([
      '2:command',
      '6:command',
      '7:command',
      '8:command',
      '12:data',
      '13:data',
      '14:data',
      '15:data',
      '17:command',
    ]);
  });

  it('keeps the body bytes wire-exact (no dot-stuffing by the runner)', () => {
    const body = sendGroups(file)[2];
    expect(
      body?.lines.map((l) =>
        fromUtf8(l.text.segments[0]?.kind === 'literal' ? l.text.segments[0].bytes : new Uint8Array()),
      ),
    ).toEqual(['Subject: dots', '', '..a line that starts with a dot', '.']);
  });
});

describe('ranges for editor features', () => {
  const text = [
    'S: 220 2.0.0 {{host}} *',
    '@set host mx.example.test',
    '  C: MAIL FROM:<a@b.test> SIZE=100 BODY=8BITMIME',
    'S: 250 /ok\\d+/i',
    '@connect [::1]:2525',
    '@server size=10 auth=alice:se:cret',
    'C: AUTH PLAIN {{base64:\\0alice\\0{{env:PASS}}}}',
  ].join('\n');
  const file = parseTranscript(text);

  it('gives the code, the enhanced code and the pattern text their own ranges', () => {
    const line = file.lines[0] as ExpectLine;
    expect(at(line.prefixRange)).toBe('0:0-0:2');
    const pattern = line.pattern;
    if (pattern?.kind !== 'line' || pattern.text.kind !== 'glob') throw new Error('expected a glob line');
    expect(at(pattern.code.range)).toBe('0:3-0:6');
    expect(pattern.separator).toBe(' ');
    expect(at(pattern.separatorRange)).toBe('0:6-0:7');
    expect(at(pattern.text.range)).toBe('0:7-0:23');
    expect(pattern.text.enhanced?.code).toBe('2.0.0');
    expect(at(pattern.text.enhanced?.range as Range)).toBe('0:7-0:12');
    expect(pattern.text.variables.map((v) => `${v.name}@${at(v.range)}/${at(v.nameRange)}`)).toEqual([
      'host@0:13-0:21/0:15-0:19',
    ]);
    expect(pattern.text.segments.map((s) => s.kind)).toEqual(['literal', 'variable', 'literal', 'wildcard']);
  });

  it('gives the verb, the path and each ESMTP parameter of a command their ranges', () => {
    const line = file.lines[2] as SendLine;
    expect(at(line.range)).toBe('2:2-2:48');
    expect(at(line.prefixRange)).toBe('2:2-2:4');
    const command = line.command;
    expect(command?.verb).toBe('MAIL');
    expect(at(command?.verbRange as Range)).toBe('2:5-2:9');
    expect(command?.path?.address).toBe('a@b.test');
    expect(at(command?.path?.range as Range)).toBe('2:15-2:25');
    expect(at(command?.path?.addressRange as Range)).toBe('2:16-2:24');
    expect(
      command?.parameters.map(
        (p) => `${p.keyword}=${p.value}@${at(p.keywordRange)}/${at(p.valueRange as Range)}`,
      ),
    ).toEqual(['SIZE=100@2:26-2:30/2:31-2:34', 'BODY=8BITMIME@2:35-2:39/2:40-2:48']);
  });

  it('gives a regex its body and flags ranges', () => {
    const pattern = (file.lines[3] as ExpectLine).pattern;
    if (pattern?.kind !== 'line' || pattern.text.kind !== 'regex') throw new Error('expected a regex line');
    expect(pattern.text.flags).toBe('i');
    expect(at(pattern.text.bodyRange)).toBe('3:8-3:13');
    expect(at(pattern.text.flagsRange)).toBe('3:14-3:15');
    expect(pattern.text.body).toEqual([{ kind: 'source', text: 'ok\\d+' }]);
  });

  it('gives directive names and arguments their ranges and typed values', () => {
    const connect = file.lines[4] as DirectiveLine;
    expect(at(connect.nameRange)).toBe('4:0-4:8');
    expect(connect.args.map((a) => `${a.text}@${at(a.range)}`)).toEqual(['[::1]:2525@4:9-4:19']);
    if (connect.directive?.name !== 'connect') throw new Error('expected @connect');
    expect(connect.directive.target?.host).toBe('::1');
    expect(connect.directive.target?.port).toBe(2525);
    expect(at(connect.directive.target?.hostRange as Range)).toBe('4:10-4:13');
    expect(at(connect.directive.target?.portRange as Range)).toBe('4:15-4:19');

    const server = file.lines[5] as DirectiveLine;
    if (server.directive?.name !== 'server') throw new Error('expected @server');
    expect(
      server.directive.options.map((o) => `${o.key}@${at(o.keyRange)}=${o.value}@${at(o.valueRange)}`),
    ).toEqual(['size@5:8-5:12=10@5:13-5:15', 'auth@5:16-5:20=alice:se:cret@5:21-5:34']);
    expect(file.server).toEqual({ size: 10, auth: [{ user: 'alice', password: 'se:cret' }] });

    const set = file.lines[1] as DirectiveLine;
    if (set.directive?.name !== 'set') throw new Error('expected @set');
    expect(set.directive.variable).toBe('host');
    expect(at(set.directive.variableRange)).toBe('1:5-1:9');
    expect(at(set.directive.value.range)).toBe('1:10-1:25');
  });

  it('reads @server script=FILE, the server script the embedded server plays in reverse', () => {
    const parsed = parseTranscript('@server script=fallback.serve.smtp\nC: QUIT\nS: 221 *\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.server).toEqual({ script: 'fallback.serve.smtp' });
    expect(parseTranscript('@server script=\n').diagnostics.map((d) => d.code)).toEqual(['bad-server-value']);
  });

  it('gives escapes and nested variables their ranges', () => {
    const line = file.lines[6] as SendLine;
    expect(line.text.escapes.map((e) => `${e.source}=${e.byte}@${at(e.range)}`)).toEqual([
      '\\0=0@6:23-6:25',
      '\\0=0@6:30-6:32',
    ]);
    expect(line.text.variables.map((v) => `${v.kind}:${v.name}@${at(v.range)}`)).toEqual([
      'env:PASS@6:32-6:44',
    ]);
    const base64 = line.text.segments[1];
    expect(base64?.kind).toBe('base64');
    expect(at(base64?.range as Range)).toBe('6:14-6:46');
  });
});

describe('grouping S: lines into replies', () => {
  function shapes(text: string): string[] {
    return expectations(parseTranscript(text)).map(
      (e) => `${e.shape}:${e.lines.map((l) => l.line).join(',')}`,
    );
  }

  it('closes a reply at a line whose separator is a space', () => {
    expect(shapes('S: 220-a\nS: 220-b\nS: 220 c\nS: 421 bye')).toEqual(['lines:0,1,2', 'line:3']);
  });

  it('closes a reply at a code-only line', () => {
    expect(shapes('S: 220-a\nS: 220\nS: 220')).toEqual(['lines:0,1', 'code:2']);
  });

  it('lets comments and blank lines sit inside a reply', () => {
    expect(shapes('S: 220-a\n# the middle\n\nS: 220 c')).toEqual(['lines:0,3']);
  });

  it('lets ... start a reply', () => {
    expect(shapes('S: ...\nS: 220 c')).toEqual(['lines:0,1']);
  });
});

describe('sessions', () => {
  it('splits at @connect and @close, with directives in between kept in order', () => {
    const file = parseTranscript(
      [
        '@timeout 5s',
        '@tls implicit',
        '@connect 127.0.0.1:465',
        'S: 220 *',
        'C: QUIT',
        'S: 221 *',
        '@closed',
        '@set who bob',
        '@connect',
        'C: NOOP',
        'S: 250 *',
        '@connect [::1]:25',
        '@close',
      ].join('\n'),
    );
    expect(file.diagnostics).toEqual([]);
    expect(file.preamble.map((s) => s.directive.name)).toEqual(['timeout', 'tls']);
    expect(
      file.sessions.map(
        (s) =>
          `${s.index} ${at(s.range)} ${s.target === 'default' ? 'default' : `${s.target.host}:${s.target.port}`} tls=${s.implicitTls} greeting=${s.greeting} ${s.ending}`,
      ),
    ).toEqual([
      '0 2:0-7:12 127.0.0.1:465 tls=true greeting=expected closed',
      '1 8:0-10:8 default tls=false greeting=implicit reconnect',
      '2 11:0-12:6 ::1:25 tls=false greeting=implicit close',
    ]);
    expect(steps(file, 0).map((s) => (s.kind === 'directive' ? `@${s.directive.name}` : s.kind))).toEqual([
      'expect',
      'send',
      'expect',
      '@closed',
      '@set',
    ]);
  });

  it('starts the implicit first session at its first C: or S: line', () => {
    const file = parseTranscript('# hello\n@sleep 10ms\n\nC: NOOP\nS: 250 *\n');
    expect(file.preamble.map((s) => s.directive.name)).toEqual(['sleep']);
    expect(at(file.sessions[0]?.range as Range)).toBe('3:0-4:8');
    expect(file.sessions[0]?.greeting).toBe('implicit');
  });

  it('has no session for a file of comments', () => {
    expect(parseTranscript('# nothing yet\n').sessions).toEqual([]);
  });
});

describe('pairing replies with commands', () => {
  it.each([
    [
      'pairs a pipelined group in order and carries unchecked replies to later expectations',
      'C: MAIL FROM:<a>\nC: RCPT TO:<b>\nS: 250 *\nC: DATA\nS: 250 *\nS: 354 *\n',
      ['3: `MAIL FROM:<a>` (line 1)', '5: `RCPT TO:<b>` (line 2)', '6: `DATA` (line 4)'],
    ],
    [
      'counts a BDAT chunk that ends mid-line and a command after it',
      'S: 220 *\nC: BDAT 3\nC: abcNOOP\nS: 250 *\nS: 250 *\n',
      ['1: the greeting', '4: `BDAT 3` (line 2)', '5: `NOOP` (line 3)'],
    ],
    [
      'ends DATA only at <CRLF>.<CRLF>, not at a bare-LF dot',
      'S: 220 *\nC: DATA\nS: 354 *\nC! a\\n.\\n\nC: b\nC: .\nS: 250 *\n',
      ['1: the greeting', '3: `DATA` (line 2)', '7: the message after `DATA` (line 2)'],
    ],
    [
      'resolves @set variables statically to pair commands',
      '@set chunk 3\nS: 220 *\nC: BDAT {{chunk}}\nC! abc\nS: 250 *\n',
      ['2: the greeting', '5: `BDAT 3` (line 3)'],
    ],
    [
      'hides AUTH arguments when naming a command',
      'S: 220 *\nC: AUTH PLAIN {{base64:\\0u\\0p}}\nS: 235 *\n',
      ['1: the greeting', '3: `AUTH PLAIN …` (line 2)'],
    ],
  ])('%s', (_title, text, pairs) => {
    expect(pairing(parseTranscript(text))).toEqual(pairs);
  });

  it('gives a BDAT chunk no reply of its own, counting octets across lines', () => {
    // "BDAT 9" is followed by 9 octets over three lines: "abc\r\n" (5) + "d\r\n" (3) + "e" (1, `C!`).
    const file = parseTranscript(
      'S: 220 *\nC: BDAT 9\nC: abc\nC: d\nC! e\nS: 250 *\nC: BDAT 0 LAST\nS: 250 *\nC: BDAT 3 LAST\nC! x\\r\\n\nS: 250 *\n',
    );
    expect(file.diagnostics).toEqual([]);
    expect(pairing(file)).toEqual([
      '1: the greeting',
      '6: `BDAT 9` (line 2)',
      '8: `BDAT 0 LAST` (line 7)',
      '11: `BDAT 3 LAST` (line 9)',
    ]);
    const roles = file.lines.filter((l): l is SendLine => l.kind === 'send').map((l) => l.role);
    expect(roles).toEqual(['command', 'bdat', 'bdat', 'bdat', 'command', 'command', 'bdat']);
    const chunk = sendGroups(file)[0]?.causes[0];
    expect(chunk?.kind === 'command' && chunk.chunk).toEqual({ size: 9, last: false });
  });

  it('marks STARTTLS in the middle of a group so the runner upgrades after its 220', () => {
    const file = parseTranscript(
      'S: 220 *\nC: EHLO x\nC: STARTTLS\nC: EHLO y\nS: 250 *\nS: 220 *\nS: 250 *\n',
    );
    const causes = sendGroups(file)[0]?.causes ?? [];
    expect(causes.map((c) => (c.kind === 'command' ? `${c.verb}:${c.startTls}` : c.kind))).toEqual([
      'EHLO:false',
      'STARTTLS:true',
      'EHLO:false',
    ]);
    const answers = expectations(file).map((e) => e.answers);
    expect(answers[2]?.kind === 'command' && answers[2].startTls).toBe(true);
    expect(file.diagnostics.map((d) => d.code)).toEqual(['sent-after-starttls']);
  });

  it('joins a command split across C! lines and reports it at its first line', () => {
    const file = parseTranscript('S: 220 *\nC! MAIL FROM:\nC: <a@b>\nS: 250 *\n');
    expect(pairing(file)).toEqual(['1: the greeting', '4: `MAIL FROM:<a@b>` (line 2)']);
    expect((file.lines[2] as SendLine).role).toBe('command-continued');
    expect((file.lines[2] as SendLine).command).toBeUndefined();
  });
});

describe('robustness', () => {
  it('never throws and keeps one node per line, whatever the text', () => {
    const alphabet = fc.constantFrom(
      'C: ',
      'C! ',
      'S: ',
      '@',
      '#',
      'connect ',
      'set ',
      'x ',
      '250',
      '2xx',
      '-',
      ' ',
      '*',
      '...',
      '/',
      '\\',
      'x4',
      '{{',
      '}}',
      'env:',
      'base64:',
      'DATA',
      'BDAT 3',
      'STARTTLS',
      '.',
      '\n',
      '\r\n',
      '\r',
      'é',
      '\u{1F600}',
      '\ud800',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (text) => {
          const file = parseTranscript(text);
          const lineCount = text.split(/\r\n|\r|\n/).length;
          expect(file.lines).toHaveLength(lineCount);
          expect(file.diagnostics.some((d) => d.code === 'internal-error')).toBe(false);
          for (const d of file.diagnostics) {
            expect(d.range.start.line).toBeLessThan(lineCount);
            expect(d.message).not.toMatch(/[\r\n]/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
