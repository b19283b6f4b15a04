import { fromUtf8, utf8 } from '@smtp/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DirectiveLine, SendLine, SetDirective, TranscriptFile } from './ast.js';
import { parseTranscript } from './parser.js';
import {
  checkVariables,
  createScope,
  defineVariable,
  encodeBase64,
  resolveBytes,
  resolveText,
  type Scope,
  variableRefs,
} from './variables.js';

function sendLine(file: TranscriptFile, n: number): SendLine {
  return file.lines.filter((l): l is SendLine => l.kind === 'send')[n] as SendLine;
}

/** Runs the file's @set lines in order, as a runner does. */
function scopeAfterSets(file: TranscriptFile, env: Record<string, string>): Scope {
  let scope = createScope(env);
  for (const line of file.lines) {
    if (line.kind !== 'directive' || line.directive?.name !== 'set') continue;
    const next = defineVariable(scope, line.directive as SetDirective);
    if (!next.ok) throw new Error(next.error.message);
    scope = next.value;
  }
  return scope;
}

describe('resolving text', () => {
  it('decodes every escape to its byte and appends nothing itself', () => {
    const file = parseTranscript('C! a\\r\\n\\t\\0\\\\\\x7f\\xC3\\xA9');
    const bytes = resolveBytes(sendLine(file, 0).text.segments, createScope());
    expect(bytes).toEqual({ ok: true, value: Uint8Array.of(0x61, 13, 10, 9, 0, 0x5c, 0x7f, 0xc3, 0xa9) });
  });

  it('encodes text as UTF-8 and keeps single braces', () => {
    const file = parseTranscript('C: é {x} }}');
    expect(resolveText(sendLine(file, 0).text.segments, createScope())).toEqual({
      ok: true,
      value: 'é {x} }}',
    });
  });

  it('substitutes @set values, env values and base64 of text after escapes and variables', () => {
    const file = parseTranscript(
      '@set user alice\n@set greeting hi {{user}}\nC: AUTH PLAIN {{base64:\\0{{user}}\\0{{env:PASS}}}}\nC: {{greeting}} {{env:HOME_DIR}}\n',
    );
    expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const scope = scopeAfterSets(file, { PASS: 'secret', HOME_DIR: '/home/a' });
    const auth = resolveText(sendLine(file, 0).text.segments, scope);
    expect(auth).toEqual({
      ok: true,
      value: `AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`,
    });
    expect(resolveText(sendLine(file, 1).text.segments, scope)).toEqual({
      ok: true,
      value: 'hi alice /home/a',
    });
  });

  it('takes a variable value as it was when @set ran', () => {
    const file = parseTranscript('@set a 1\n@set b {{a}}\n@set a 2\nC: {{a}}{{b}}\n');
    const scope = scopeAfterSets(file, {});
    expect(resolveText(sendLine(file, 0).text.segments, scope)).toEqual({ ok: true, value: '21' });
  });

  it('reports a missing value with its range instead of throwing', () => {
    const file = parseTranscript('C: x {{env:NOPE}}\n');
    const result = resolveBytes(sendLine(file, 0).text.segments, createScope({}));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.range.start.character).toBe(5);
      expect(result.error.message).toContain('`NOPE` is not set');
    }
  });
});

describe('encodeBase64', () => {
  it('agrees with Node for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });

  it('gives the AUTH PLAIN example of RFC 4616', () => {
    expect(encodeBase64(utf8('\0tim\0tanstaaftanstaaf'))).toBe('AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
  });
});

describe('checkVariables', () => {
  const file = parseTranscript(
    '@set pw {{env:PASS}}\nS: 220 {{env:HOST}} *\nC: AUTH PLAIN {{base64:\\0u\\0{{env:PASS}}}}\nS: 235 /{{env:ID}}/\n',
  );

  it('lists every variable reference in source order', () => {
    expect(variableRefs(file).map((r) => `${r.kind}:${r.name}@${r.range.start.line}`)).toEqual([
      'env:PASS@0',
      'env:HOST@1',
      'env:PASS@2',
      'env:ID@3',
    ]);
  });

  it('reports each unset environment variable where it is used', () => {
    const diagnostics = checkVariables(file, { HOST: 'mx' });
    expect(diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`)).toEqual([
      '0:8 env-not-set',
      '2:28 env-not-set',
      '3:8 env-not-set',
    ]);
    expect(diagnostics[0]?.message).toBe(
      'environment variable `PASS` is not set (set it, or add `PASS=…` to a .env file beside the transcript)',
    );
    expect(checkVariables(file, { HOST: 'mx', PASS: 'p', ID: 'i' })).toEqual([]);
  });

  it('leaves @set lines to the parser: a defined @set resolves', () => {
    const set = file.lines[0] as DirectiveLine;
    expect(set.directive?.name).toBe('set');
    const scope = scopeAfterSets(file, { PASS: 'p' });
    expect(fromUtf8(scope.variables.get('pw') as Uint8Array)).toBe('p');
  });
});
