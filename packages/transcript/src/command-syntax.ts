/**
 * The parts of a command line an editor points at: verb, argument, the `<path>` of MAIL/RCPT
 * and its ESMTP parameters. Positions only, no validation: conformance tests send broken
 * commands on purpose, and the server under test is the judge.
 */
import type { CommandSyntax } from './ast.js';
import { lineRange } from './ranges.js';

const PATH_VERBS: ReadonlySet<string> = new Set(['MAIL', 'RCPT']);

/** Splits the command text written at `column` of `line`; undefined for an empty line. */
export function commandSyntax(source: string, line: number, column: number): CommandSyntax | undefined {
  const space = source.indexOf(' ');
  const verbEnd = space < 0 ? source.length : space;
  if (verbEnd === 0) return undefined;
  const verb = source.slice(0, verbEnd).toUpperCase();
  const at = (start: number, end: number) => lineRange(line, column + start, column + end);
  const verbRange = at(0, verbEnd);
  const parameters: Parameter[] = [];
  if (space < 0) return { verb, verbRange, parameters };
  const argumentStart = verbEnd + 1;
  const argument = { text: source.slice(argumentStart), range: at(argumentStart, source.length) };
  const open = PATH_VERBS.has(verb) ? source.indexOf('<', argumentStart) : -1;
  const close = open < 0 ? -1 : source.indexOf('>', open);
  if (close < 0) return { verb, verbRange, argument, parameters };
  const token = / *([^ =]+)(?:=([^ ]*))?/y;
  token.lastIndex = close + 1;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    const keyword = match[1] as string;
    const value = match[2];
    const end = match.index + match[0].length;
    const keywordStart = end - (value === undefined ? keyword.length : keyword.length + 1 + value.length);
    const keywordEnd = keywordStart + keyword.length;
    const range = at(keywordStart, end);
    const keywordRange = at(keywordStart, keywordEnd);
    parameters.push(
      value === undefined
        ? { keyword, range, keywordRange }
        : { keyword, value, range, keywordRange, valueRange: at(keywordEnd + 1, end) },
    );
  }
  const path = {
    address: source.slice(open + 1, close),
    range: at(open, close + 1),
    addressRange: at(open + 1, close),
  };
  return { verb, verbRange, argument, path, parameters };
}

type Parameter = CommandSyntax['parameters'][number];
