/**
 * Every diagnostic the package reports, with what it is about. The codes are stable: quick
 * fixes, tests and documentation refer to them.
 */
export const DIAGNOSTIC_CODES = {
  // lines
  'unknown-line': 'a line that is not a comment, blank, C:, C!, S: or @directive',
  'lowercase-prefix': 'c:, s: or c! written in lower case',
  'missing-space': 'C:, C! or S: not followed by exactly one space',
  'empty-raw-send': 'a C! line with no text (it sends nothing)',
  // text
  'unknown-escape': 'a backslash before a character that is not an escape',
  'bad-hex-escape': '\\x not followed by two hexadecimal digits',
  'trailing-backslash': 'a backslash at the end of a line',
  'unterminated-variable': '{{ without its closing }}',
  'bad-variable-name': 'a variable name with characters a name cannot have',
  'unknown-variable-kind': '{{prefix:…}} with a prefix other than env: or base64:',
  'undefined-variable': '{{name}} used before any @set defines it',
  'env-not-set': '{{env:NAME}} with NAME not in the environment (checkVariables)',
  // S: patterns
  'empty-expectation': 'S: with nothing after it',
  'bad-reply-code': 'a reply code that is not three digits or x',
  'bad-reply-class': 'a reply code whose first digit is not 2, 3, 4 or 5',
  'bad-separator': 'a reply code followed by something else than a space or -',
  'bad-ellipsis': '... with something else on the line',
  'regex-syntax': 'a /regex/ JavaScript cannot compile',
  'regex-flag': 'a regex flag that is unknown, repeated or meaningless here',
  'not-a-regex': 'text starting with / that is not a /regex/flags (read as a glob)',
  'trailing-space': 'an S: pattern or @set value ending in invisible spaces',
  'enhanced-class-mismatch': 'an enhanced status code whose class differs from the reply code',
  'unterminated-reply': 'a multi-line reply with no last line (SEP space or code-only)',
  'mixed-codes': 'lines of one reply with different codes',
  'redundant-ellipsis': 'two ... lines in a row',
  // directives
  'missing-directive-name': '@ with no name',
  'unknown-directive': 'a directive the format does not have',
  'missing-argument': 'a directive without an argument it needs',
  'extra-argument': 'a directive with more arguments than it takes',
  'bad-argument': 'a directive argument of the wrong form',
  'bad-duration': 'a duration that is not NUMBER followed by ms, s or m',
  'duration-range': 'a duration outside what the directive allows',
  'bad-address': 'a host:port that cannot be used',
  'unknown-server-key': 'an @server key the embedded server does not know',
  'bad-server-value': 'an @server value of the wrong form',
  'duplicate-server-key': 'an @server key given twice (the later value wins)',
  'server-ignored': '@server in a file whose sessions all connect elsewhere',
  'tls-implicit-unused': '@tls implicit with no connection after it',
  // structure and pairing
  'not-connected': 'a step where no connection is open',
  'blank-in-body': 'a blank line inside a DATA body (it sends nothing)',
  'reply-carried-over': 'a reply not checked before the next send group',
  'reply-not-checked': 'a reply no S: line checks before the session ends',
  'unprompted-reply': 'an expectation no command is waiting for',
  'sent-after-starttls': 'bytes written in the same group after STARTTLS',
  'unterminated-command': 'C! bytes that never get their line end',
  'unterminated-data': 'a DATA body without its <CRLF>.<CRLF>',
  'incomplete-chunk': 'a BDAT chunk with fewer octets than announced',
  // served in reverse (checkServable)
  'serve-greeting': 'a served session that does not start with the greeting',
  'serve-pattern': 'an S: pattern that cannot be sent literally',
  'serve-raw-send': 'a C! line in a served transcript',
  'serve-ignored': 'a directive that has no effect when served',
  // .env files
  'dotenv-syntax': 'a .env line that is not KEY=VALUE',
  // last resort
  'internal-error': 'a bug in the parser (please report it)',
} as const;

/** A stable diagnostic identifier. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
