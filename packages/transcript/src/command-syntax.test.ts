import { describe, expect, it } from 'vitest';
import type { Range } from './ast.js';
import { commandSyntax } from './command-syntax.js';

const cols = (r: Range | undefined) => (r ? `${r.start.character}-${r.end.character}` : '');

describe('commandSyntax', () => {
  it('finds the verb and argument of any command', () => {
    const syntax = commandSyntax('ehlo client.example.test', 0, 3);
    expect(syntax?.verb).toBe('EHLO');
    expect(cols(syntax?.verbRange)).toBe('3-7');
    expect(syntax?.argument?.text).toBe('client.example.test');
    expect(cols(syntax?.argument?.range)).toBe('8-27');
    expect(syntax?.path).toBeUndefined();
  });

  it('finds the path and parameters of RCPT, with and without values', () => {
    const syntax = commandSyntax('RCPT TO:<b@example.test> NOTIFY=NEVER SMTPUTF8', 0, 0);
    expect(syntax?.path?.address).toBe('b@example.test');
    expect(cols(syntax?.path?.range)).toBe('8-24');
    expect(
      syntax?.parameters.map((p) => `${p.keyword}=${p.value ?? ''} ${cols(p.range)} ${cols(p.valueRange)}`),
    ).toEqual(['NOTIFY=NEVER 25-37 32-37', 'SMTPUTF8= 38-46 ']);
  });

  it('takes the null path and a verb alone', () => {
    expect(commandSyntax('MAIL FROM:<>', 0, 0)?.path?.address).toBe('');
    // Through JSON, as an editor process would receive it: ranges become plain { start, end }.
    expect(JSON.parse(JSON.stringify(commandSyntax('QUIT', 0, 0)))).toEqual({
      verb: 'QUIT',
      verbRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } },
      parameters: [],
    });
    expect(commandSyntax('', 0, 0)).toBeUndefined();
  });
});
