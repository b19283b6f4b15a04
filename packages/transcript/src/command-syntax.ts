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
  const verbMatch = /^[^ ]+/.exec(source);
  if (!verbMatch) return undefined;
  const verbEnd = verbMatch[0].length;
  const verb = verbMatch[0].toUpperCase();
  const at = (start: number, end: number) => lineRange(line, column + start, column + end);
  const argumentStart = verbEnd + 1;
  const parameters: CommandSyntax['parameters'][number][] = [];
  if (argumentStart > source.length) {
    return { verb, verbRange: at(0, verbEnd), parameters };
  }
  const argumentText = source.slice(argumentStart);
  const syntax = {
    verb,
    verbRange: at(0, verbEnd),
    argument: { text: argumentText, range: at(argumentStart, source.length) },
  };
  const open = PATH_VERBS.has(verb) ? source.indexOf('<', argumentStart) : -1;
  const close = open < 0 ? -1 : source.indexOf('>', open);
  if (close < 0) return { ...syntax, parameters };
  const token = / *([^ =]+)(?:=([^ ]*))?/y;
  token.lastIndex = close + 1;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    const keyword = match[1] as string;
    const keywordStart =
      match.index +
      match[0].length -
      (match[2] === undefined ? keyword.length : keyword.length + 1 + match[2].length);
    const keywordEnd = keywordStart + keyword.length;
    const end = match.index + match[0].length;
    parameters.push(
      match[2] === undefined
        ? { keyword, range: at(keywordStart, end), keywordRange: at(keywordStart, keywordEnd) }
        : {
            keyword,
            value: match[2],
            range: at(keywordStart, end),
            keywordRange: at(keywordStart, keywordEnd),
            valueRange: at(keywordEnd + 1, end),
          },
    );
  }
  return {
    ...syntax,
    path: {
      address: source.slice(open + 1, close),
      range: at(open, close + 1),
      addressRange: at(open + 1, close),
    },
    parameters,
  };
}
