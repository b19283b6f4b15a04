import { describe, expect, it } from 'vitest';
import { parseDotEnv } from './dotenv.js';

describe('parseDotEnv', () => {
  it('reads KEY=VALUE lines, comments, export and quotes', () => {
    const env = parseDotEnv(
      [
        '# credentials for the test server',
        'SMTP_USER=alice',
        '  SMTP_PASS = s3cret  # inline comment',
        'export HOST=mx.example.test',
        "SINGLE='a \\n # b'",
        'DOUBLE="line\\nnext \\"q\\" # kept"',
        'EMPTY=',
        'HASH=a#b',
        '',
        'SMTP_USER=bob',
      ].join('\r\n'),
    );
    expect(env.diagnostics).toEqual([]);
    expect(env.values).toEqual({
      SMTP_USER: 'bob',
      SMTP_PASS: 's3cret',
      HOST: 'mx.example.test',
      SINGLE: 'a \\n # b',
      DOUBLE: 'line\nnext "q" # kept',
      EMPTY: '',
      HASH: 'a#b',
    });
  });

  it('reports lines it cannot read, with their line, and keeps the rest', () => {
    const env = parseDotEnv('GOOD=1\njust words\n1BAD=x\nOPEN="never closed\n');
    expect(env.values).toEqual({ GOOD: '1' });
    expect(env.diagnostics.map((d) => `${d.range.start.line} ${d.code} ${d.message}`)).toEqual([
      '1 dotenv-syntax expected KEY=VALUE, got `just words`',
      '2 dotenv-syntax `1BAD` is not a variable name (letters, digits and `_`)',
      '3 dotenv-syntax the value of OPEN has no closing quote',
    ]);
  });
});
