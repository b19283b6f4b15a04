import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './ast.js';
import { parseTranscript } from './parser.js';

/** `line:col-line:col severity code message`, 0-based as the parser reports. */
function show(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${d.severity} ${d.code} ${d.message}`;
}

const GREETING = 'S: 220 *\n';

/** [what, transcript, every diagnostic expected, in order]. */
const TABLE: readonly (readonly [string, string, readonly string[]])[] = [
  // lines
  [
    'unknown line',
    'hello there',
    ['0:0-0:11 error unknown-line a line starts with `C:`, `C!`, `S:`, `@directive` or `#` (a comment)'],
  ],
  [
    'reply without S:',
    '250 ok',
    ['0:0-0:6 error unknown-line a reply line needs `S: ` in front (write `S: 250 ok`)'],
  ],
  [
    'command without C:',
    'EHLO x',
    ['0:0-0:6 error unknown-line a command line needs `C: ` in front (write `C: EHLO x`)'],
  ],
  ['lower-case prefix', 's: 220 *', ['0:0-0:2 error lowercase-prefix write `S:` in upper case']],
  [
    'no space after S:',
    'S:220 *',
    ['0:2-0:3 error missing-space `S:` must be followed by one space (write `S: 220 *`)'],
  ],
  [
    'no space after C:',
    `${GREETING}C:QUIT\nS: 221 *`,
    ['1:2-1:3 error missing-space `C:` must be followed by one space (write `C: QUIT`)'],
  ],
  [
    'empty S:',
    'S:',
    ['0:0-0:2 error empty-expectation `S:` needs a reply code, like `S: 250` or `S: 250 *`'],
  ],
  [
    'empty C!',
    `${GREETING}C!`,
    ['1:0-1:2 warning empty-raw-send `C!` with no text sends nothing (use `C:` to send an empty line)'],
  ],
  // S: patterns
  [
    'two-digit code',
    'S: 25',
    ['0:3-0:5 error bad-reply-code expected a reply code like 250 or 2xx, got `25`'],
  ],
  [
    'four-digit code',
    'S: 2500 x',
    ['0:3-0:7 error bad-reply-code expected a reply code like 250 or 2xx, got `2500`'],
  ],
  [
    'letters after the code',
    'S: 250ok',
    ['0:6-0:7 error bad-separator expected a space or `-` after the reply code `250`, got `o`'],
  ],
  [
    'tab after the code',
    'S: 250\tok',
    ['0:6-0:7 error bad-separator expected a space or `-` after the reply code `250`, got a tab'],
  ],
  [
    '1xx code',
    'S: 199 x',
    ['0:3-0:6 error bad-reply-class a reply code starts with 2, 3, 4 or 5, got `199`'],
  ],
  [
    'text after ...',
    'S: ... x',
    [
      '0:3-0:8 error bad-ellipsis `...` stands alone on its line (it matches zero or more reply lines); put text on an `S:` line of its own',
    ],
  ],
  [
    'unknown escape',
    'S: 250 a\\qb',
    [
      '0:8-0:10 error unknown-escape unknown escape `\\q` (use `\\\\` for a backslash; escapes are \\r \\n \\t \\0 \\\\ \\xNN)',
    ],
  ],
  [
    'short hex escape',
    `${GREETING}C: a\\x4\nS: 250 *`,
    ['1:4-1:7 error bad-hex-escape `\\x4` needs two hex digits, like `\\x2a`'],
  ],
  [
    'trailing backslash',
    `${GREETING}C: a\\\nS: 250 *`,
    ['1:4-1:5 error trailing-backslash a lone backslash ends the line (use `\\\\` for a backslash)'],
  ],
  [
    'regex flag g',
    'S: 250 /abc/g',
    [
      '0:12-0:13 error regex-flag regex flag `g` has no meaning here: a pattern is tested once against the line (allowed: d i m s u v)',
    ],
  ],
  [
    'unknown regex flag',
    'S: 250 /abc/q',
    ['0:12-0:13 error regex-flag unknown regex flag `q` (allowed: d i m s u v)'],
  ],
  ['repeated regex flag', 'S: 250 /abc/ii', ['0:13-0:14 error regex-flag regex flag `i` is given twice']],
  [
    'invalid regex',
    'S: 250 /(/',
    ['0:7-0:10 error regex-syntax invalid regular expression: Unterminated group'],
  ],
  [
    'slash that is not a regex',
    'S: 250 /tmp',
    [
      '0:7-0:8 warning not-a-regex this text starts with `/` but is not a `/regex/flags`, so it is read as a glob (write `\\x2f` for a literal slash)',
    ],
  ],
  [
    'trailing space in a pattern',
    'S: 250 ok  ',
    [
      '0:9-0:11 warning trailing-space trailing space is part of the pattern (remove it, or write `\\x20` if the reply really ends with a space)',
    ],
  ],
  [
    'code followed by a lone space',
    'S: 250 ',
    [
      '0:6-0:7 warning trailing-space `S: 250 ` with nothing after the space matches only an empty text; write `S: 250` to accept any text',
    ],
  ],
  [
    'enhanced code of another class',
    'S: 250 5.1.1 x',
    ['0:7-0:12 warning enhanced-class-mismatch enhanced code 5.1.1 has class 5 but the reply code is 250'],
  ],
  [
    'different codes in one reply',
    'S: 250-a\nS: 251 b',
    [
      "1:3-1:6 warning mixed-codes this reply's lines have different codes (250 then 251); a server gives every line of a reply the same code",
    ],
  ],
  [
    'two ... in a row',
    'S: 250-a\nS: ...\nS: ...\nS: 250 b',
    ['2:3-2:6 warning redundant-ellipsis one `...` already matches any number of lines; remove this one'],
  ],
  [
    'multi-line reply cut by a command',
    'S: 220-a\nC: QUIT',
    [
      '0:0-0:8 error unterminated-reply this reply has no last line: end it with a line that has a space after the code (like `S: 250 *`) before the next `C:` line',
      '1:0-1:7 info reply-not-checked the reply to `QUIT` (line 2) is not checked: no `S:` line follows in this session',
    ],
  ],
  [
    'multi-line reply cut by the end of the file',
    `${GREETING}C: EHLO x\nS: 250-a\nS: ...`,
    [
      '2:0-3:6 error unterminated-reply this reply has no last line: end it with a line that has a space after the code (like `S: 250 *`) before the end of the file',
    ],
  ],
  [
    'multi-line reply cut by a directive',
    `${GREETING}C: NOOP\nS: 250-a\n@sleep 1s\nS: 250 b`,
    [
      '2:0-2:8 error unterminated-reply this reply has no last line: end it with a line that has a space after the code (like `S: 250 *`) before @sleep',
      '4:0-4:8 info unprompted-reply no command is waiting for this reply; the runner still reads one (as for an unprompted 421)',
    ],
  ],
  // text and variables
  [
    'unclosed variable',
    `${GREETING}C: {{user\nS: 250 *`,
    [
      '1:3-1:9 error unterminated-variable `{{` is not closed by `}}` (write `\\x7b\\x7b` for literal braces)',
    ],
  ],
  [
    'unclosed base64',
    `${GREETING}C: {{base64:abc\nS: 250 *`,
    [
      '1:3-1:15 error unterminated-variable `{{base64:` is not closed by `}}` (write `\\x7d\\x7d` for literal braces inside it)',
    ],
  ],
  [
    'spaces in braces',
    `${GREETING}C: {{ user }}\nS: 250 *`,
    ['1:3-1:13 error bad-variable-name no spaces inside `{{…}}` (write `{{user}}`)'],
  ],
  [
    'bad variable name',
    `${GREETING}C: {{1x}}\nS: 250 *`,
    [
      '1:3-1:9 error bad-variable-name `1x` is not a variable name (letters, digits, `_`, `.` and `-`, starting with a letter or `_`)',
    ],
  ],
  [
    'bad environment name',
    `${GREETING}C: {{env:A-B}}\nS: 250 *`,
    [
      '1:3-1:14 error bad-variable-name `A-B` is not an environment variable name (letters, digits and `_`, not starting with a digit)',
    ],
  ],
  [
    'unknown variable kind with a guess',
    `${GREETING}C: {{ebv:HOME}}\nS: 250 *`,
    [
      '1:3-1:15 error unknown-variable-kind unknown `{{ebv:…}}` (did you mean `{{env:…}}`?); use `{{name}}`, `{{env:NAME}}` or `{{base64:text}}`',
    ],
  ],
  [
    'undefined variable',
    `${GREETING}C: HELO {{me}}\nS: 250 *`,
    ['1:8-1:14 error undefined-variable `{{me}}` is not defined (add `@set me …` above this line)'],
  ],
  [
    'variable defined later',
    `${GREETING}C: HELO {{me}}\nS: 250 *\n@set me x`,
    [
      '1:8-1:14 error undefined-variable `{{me}}` is defined later, at line 4 (move the @set above this line)',
    ],
  ],
  [
    'variable in a pattern',
    'S: 220 {{host}} *',
    ['0:7-0:15 error undefined-variable `{{host}}` is not defined (add `@set host …` above this line)'],
  ],
  // directives
  [
    'bare @',
    '@',
    ['0:0-0:1 error missing-directive-name `@` must be followed by a directive name, like @connect or @set'],
  ],
  [
    'misspelt directive',
    '@conect',
    ['0:0-0:7 error unknown-directive unknown directive @conect (did you mean @connect?)'],
  ],
  [
    'unknown directive',
    '@frobnicate',
    [
      '0:0-0:11 error unknown-directive unknown directive @frobnicate (directives are @connect, @tls, @set, @timeout, @sleep, @close, @closed, @server)',
    ],
  ],
  [
    'no space after the name',
    '@sleep,1s',
    ['0:6-0:7 error bad-argument @sleep must be followed by a space before its arguments'],
  ],
  [
    '@close with an argument',
    `${GREETING}@close now`,
    ['1:7-1:10 error extra-argument @close takes no arguments'],
  ],
  [
    '@timeout without duration',
    '@timeout',
    ['0:0-0:8 error missing-argument @timeout needs a duration like 5s or 200ms (units: ms, s, m)'],
  ],
  [
    '@timeout without unit',
    '@timeout 5',
    [
      '0:9-0:10 error bad-duration @timeout needs a duration like 5s or 200ms: `5` has no unit (write 5ms or 5s)',
    ],
  ],
  [
    '@timeout in words',
    '@timeout five',
    ['0:9-0:13 error bad-duration @timeout needs a duration like 5s or 200ms, got `five`'],
  ],
  [
    '@timeout with two arguments',
    '@timeout 5 seconds',
    ['0:11-0:18 error extra-argument @timeout takes one duration; remove `seconds`'],
  ],
  [
    '@timeout of zero',
    '@timeout 0s',
    ['0:9-0:11 error duration-range @timeout must be more than 0ms up to 10m, got 0s'],
  ],
  [
    '@sleep too long',
    '@sleep 11m',
    ['0:7-0:10 error duration-range @sleep must be from 0ms up to 10m, got 11m'],
  ],
  [
    '@connect without port',
    '@connect localhost',
    ['0:9-0:18 error bad-address @connect: `localhost` needs a port, like localhost:25'],
  ],
  [
    '@connect with a bare IPv6 address',
    '@connect ::1:25',
    [
      '0:9-0:15 error bad-address @connect: write an IPv6 address in brackets, like [::1]:2525 (got `::1:25`)',
    ],
  ],
  [
    '@connect with a port out of range',
    '@connect mail.example.test:99999',
    ['0:9-0:32 error bad-address @connect: port 99999 is out of range (1-65535)'],
  ],
  [
    '@connect with a variable',
    '@connect {{host}}:25',
    [
      '0:9-0:20 error bad-argument @connect takes a literal host:port; use `smtp run --server HOST:PORT` to choose the server at run time',
    ],
  ],
  [
    '@connect with two addresses',
    '@connect a:1 b:2',
    ['0:13-0:16 error extra-argument @connect takes one host:port; remove `b:2`'],
  ],
  ['@tls without mode', '@tls', ['0:0-0:4 error missing-argument @tls needs a mode: implicit or insecure']],
  [
    '@tls misspelt mode',
    '@tls implict\n@connect',
    ['0:5-0:12 error bad-argument unknown @tls mode `implict` (did you mean implicit?)'],
  ],
  [
    '@set without name',
    '@set',
    ['0:0-0:4 error missing-argument @set needs a name and a value, like `@set user alice`'],
  ],
  [
    '@set with a bad name',
    '@set 1x v',
    [
      '0:5-0:7 error bad-argument `1x` is not a variable name (letters, digits, `_`, `.` and `-`, starting with a letter or `_`)',
    ],
  ],
  [
    '@set value with trailing space',
    '@set x v ',
    [
      '0:8-0:9 warning trailing-space trailing space is part of the value (remove it, or write `\\x20` if you mean it)',
    ],
  ],
  [
    '@set value using itself',
    '@set x {{x}}',
    ['0:7-0:12 error undefined-variable `{{x}}` is defined later, at line 1 (move the @set above this line)'],
  ],
  [
    '@server without options',
    '@server',
    [
      '0:0-0:7 error missing-argument @server needs key=value options (size, auth, hostname, maxRecipients, maxErrors, tls, allowInsecureAuth, lenientLineEndings, script)',
    ],
  ],
  [
    '@server option without =',
    '@server tls',
    ['0:8-0:11 error bad-argument @server options are key=value, got `tls`'],
  ],
  [
    '@server unknown key',
    '@server sizee=10',
    [
      '0:8-0:13 warning unknown-server-key unknown @server key `sizee` (did you mean size?); known keys: size, auth, hostname, maxRecipients, maxErrors, tls, allowInsecureAuth, lenientLineEndings, script',
    ],
  ],
  [
    '@server bad number',
    '@server size=abc',
    ['0:13-0:16 error bad-server-value @server size must be a whole number, got `abc`'],
  ],
  [
    '@server bad switch',
    '@server tls=maybe',
    ['0:12-0:17 error bad-server-value @server tls must be on or off, got `maybe`'],
  ],
  [
    '@server bad auth',
    '@server auth=alice',
    ['0:13-0:18 error bad-server-value @server auth must be USER:PASS, got `alice`'],
  ],
  [
    '@server key given twice',
    '@server size=1\n@server size=2',
    ['1:8-1:12 warning duplicate-server-key @server size is given more than once; the last value (2) wins'],
  ],
  [
    '@server with only explicit servers',
    '@server size=1\n@connect 127.0.0.1:2525\nS: 220 *',
    [
      '0:0-0:7 warning server-ignored @server configures the embedded server, but every session here connects to another server',
    ],
  ],
  [
    '@tls implicit with no connection after it',
    `${GREETING}@tls implicit`,
    [
      '1:5-1:13 warning tls-implicit-unused @tls implicit applies to the next connection, but no @connect follows',
    ],
  ],
  // structure and pairing
  ['@close with no connection', '@close', ['0:0-0:6 error not-connected @close: no connection is open here']],
  [
    '@closed with no connection',
    '@closed',
    [
      '0:0-0:7 error not-connected @closed expects the server to close the connection, but no connection is open here',
    ],
  ],
  [
    'lines after @close',
    `${GREETING}@close\nC: QUIT\nS: 221 *`,
    [
      '2:0-2:7 error not-connected no connection is open here: it was closed at line 2 (add @connect to open a new one)',
    ],
  ],
  [
    'blank line inside a body',
    `${GREETING}C: DATA\nS: 354 *\nC: Subject: x\n\nC: body\nC: .\nS: 250 *`,
    [
      '4:0-4:0 warning blank-in-body a blank line sends nothing, even inside a DATA body; write `C:` to send an empty line',
    ],
  ],
  [
    'reply carried over to the next group',
    `${GREETING}C: MAIL FROM:<a>\nC: RCPT TO:<b>\nS: 250 *\nC: DATA\nS: 250 *\nS: 354 *\nC: .\nS: 250 *`,
    [
      '2:0-2:14 info reply-carried-over the reply to `RCPT TO:<b>` (line 3) is not checked before the next `C:` line; the next `S:` line will read it',
    ],
  ],
  [
    'unprompted reply',
    `${GREETING}S: 421 *`,
    [
      '1:0-1:8 info unprompted-reply no command is waiting for this reply; the runner still reads one (as for an unprompted 421)',
    ],
  ],
  [
    'command injection after STARTTLS',
    `${GREETING}C: STARTTLS\nC: NOOP\nS: 220 *\nS: 250 *`,
    [
      '2:0-2:7 info sent-after-starttls sent in the same write as STARTTLS, before the TLS upgrade: a correct server discards it (replies still expected after the 220 are read over TLS)',
    ],
  ],
  [
    'command never ended',
    `${GREETING}C! NOOP`,
    [
      '1:0-1:7 warning unterminated-command this command line never gets its line end in this session (end it with a `C:` line, or add `\\r\\n`)',
    ],
  ],
  [
    'body never ended',
    `${GREETING}C: DATA\nS: 354 *\nC: x`,
    [
      '1:0-1:7 warning unterminated-data the message after this DATA is never ended by a `C: .` line in this session',
    ],
  ],
  [
    'DATA refused: the lines after it are commands again',
    `${GREETING}C: DATA\nS: 503 5.5.1 *\nC: QUIT\nS: 221 *`,
    [],
  ],
  ['DATA refused with a class wildcard', `${GREETING}C: DATA\nS: 5xx\nC: QUIT\nS: 221 *`, []],
  [
    'DATA answered with 3xx still opens the body',
    `${GREETING}C: DATA\nS: 3xx\nC: QUIT`,
    [
      '1:0-1:7 warning unterminated-data the message after this DATA is never ended by a `C: .` line in this session',
    ],
  ],
  [
    'BDAT chunk short',
    `${GREETING}C: BDAT 10 LAST\nC: abc`,
    ['1:0-1:15 warning incomplete-chunk this BDAT chunk is 5 octets short when the session ends'],
  ],
];

describe('diagnostics', () => {
  it.each(TABLE)('%s', (_what, text, expected) => {
    expect(parseTranscript(text).diagnostics.map(show)).toEqual(expected);
  });

  it('reports every problem of a file, not just the first', () => {
    const text = 'S: 25\nC:EHLO\n@conect x\n@timeout 5\nhello\n';
    const errors = parseTranscript(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual([
      'bad-reply-code',
      'missing-space',
      'unknown-directive',
      'bad-duration',
      'unknown-line',
    ]);
  });

  it('gives every message on one line', () => {
    for (const [, text] of TABLE) {
      for (const d of parseTranscript(text).diagnostics) expect(d.message).not.toMatch(/[\r\n]/);
    }
  });
});
