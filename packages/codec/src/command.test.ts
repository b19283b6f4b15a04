import { describe, expect, it } from 'vitest';
import { assertNoLineBreak, CommandFormatError, CommandInjectionError, KNOWN_VERBS } from './command.js';
import { parseCommand } from './command-parser.js';

describe('KNOWN_VERBS', () => {
  it('lists every verb the parser gives a shape of its own, and no other', () => {
    for (const verb of KNOWN_VERBS) {
      const result = parseCommand(`${verb} x`);
      // Some verbs refuse the argument, but none of them come back as OTHER.
      if (result.ok) expect(result.command.verb).not.toBe('OTHER');
    }
    expect(parseCommand('LHLO x')).toMatchObject({ ok: true, command: { verb: 'OTHER', name: 'LHLO' } });
    expect(new Set(KNOWN_VERBS).size).toBe(KNOWN_VERBS.length);
  });
});

describe('assertNoLineBreak', () => {
  it('passes ordinary text', () => {
    expect(() => assertNoLineBreak('a b\tc', 'value')).not.toThrow();
  });

  it.each(['a\rb', 'a\nb', 'a\0b'])('throws CommandInjectionError for %j, naming the value', (value) => {
    expect(() => assertNoLineBreak(value, 'VRFY argument')).toThrow(
      new CommandInjectionError('VRFY argument must not contain CR, LF or NUL'),
    );
  });

  it('is a CommandFormatError, itself a TypeError', () => {
    expect(new CommandInjectionError('x')).toBeInstanceOf(CommandFormatError);
    expect(new CommandFormatError('x')).toBeInstanceOf(TypeError);
    expect(new CommandFormatError('x').name).toBe('CommandFormatError');
  });
});
