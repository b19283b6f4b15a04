/**
 * What to show when the pointer rests on part of a transcript: a command verb or ESMTP
 * parameter, a reply code, an RFC 3463 enhanced status code, an EHLO keyword in an EHLO reply,
 * a directive, or a `{{variable}}`. Decided from the parse alone; the hover provider only turns
 * the result into a `vscode.Hover`.
 */
import type {
  DirectiveLine,
  ExpectLine,
  LineNode,
  Position,
  Range,
  ReplyExpectation,
  SendLine,
  TranscriptFile,
  VariableRef,
} from '@smtp/transcript';
import { enhancedCodeMarkdown, replyCodeMarkdown } from '../docs/codes.js';
import { describeDirective } from '../docs/directives.js';
import { describeExtension, extensionMarkdown } from '../docs/extensions.js';
import { directiveMarkdown, parameterMarkdown, verbMarkdown } from '../docs/markdown.js';
import { describeParameter, type ParameterVerb } from '../docs/parameters.js';
import { describeVerb } from '../docs/verbs.js';

/** Markdown for a hover, and the range it describes (VS Code highlights it). */
export interface HoverContent {
  readonly markdown: string;
  readonly range: Range;
}

/** Whether `position` falls on a character of `range` (the end is exclusive). */
export function rangeContains(range: Range, position: Position): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  if (position.line === end.line && position.character >= end.character) return false;
  return true;
}

/** The hover for `position` in `file`, or undefined when there is nothing to explain there. */
export function hoverAt(file: TranscriptFile, position: Position): HoverContent | undefined {
  const line = file.lines[position.line];
  if (!line) return undefined;
  return variableHover(file, line, position) ?? lineHover(file, line, position);
}

function lineHover(file: TranscriptFile, line: LineNode, position: Position): HoverContent | undefined {
  switch (line.kind) {
    case 'send':
      return commandHover(line, position);
    case 'expect':
      return replyHover(file, line, position);
    case 'directive':
      return directiveHover(line, position);
    default:
      return undefined;
  }
}

/** MAIL-like verbs take MAIL's parameters; RCPT its own. */
const PARAMETER_VERBS: Readonly<Record<string, ParameterVerb>> = {
  MAIL: 'MAIL',
  SEND: 'MAIL',
  SOML: 'MAIL',
  SAML: 'MAIL',
  RCPT: 'RCPT',
};

function commandHover(line: SendLine, position: Position): HoverContent | undefined {
  const command = line.command;
  if (!command) return undefined;
  if (rangeContains(command.verbRange, position)) {
    const doc = describeVerb(command.verb);
    return doc && { markdown: verbMarkdown(doc), range: command.verbRange };
  }
  const parameter = command.parameters.find((p) => rangeContains(p.range, position));
  const verb = PARAMETER_VERBS[command.verb];
  if (!parameter || !verb) return undefined;
  const doc = describeParameter(parameter.keyword, verb);
  return doc && { markdown: parameterMarkdown(doc), range: parameter.range };
}

function replyHover(file: TranscriptFile, line: ExpectLine, position: Position): HoverContent | undefined {
  const pattern = line.pattern;
  if (!pattern || pattern.kind === 'ellipsis') return undefined;
  if (rangeContains(pattern.code.range, position)) {
    const markdown = replyCodeMarkdown(pattern.code.source.toLowerCase());
    return markdown === undefined ? undefined : { markdown, range: pattern.code.range };
  }
  if (pattern.kind !== 'line' || pattern.text.kind !== 'glob') return undefined;
  const enhanced = pattern.text.enhanced;
  if (enhanced && rangeContains(enhanced.range, position)) {
    const markdown = enhancedCodeMarkdown(enhanced.code);
    return markdown === undefined ? undefined : { markdown, range: enhanced.range };
  }
  return ehloKeywordHover(file, line, pattern.text.source, pattern.text.range, position);
}

/** The first word of a line of an EHLO (or LHLO) reply names an extension. */
function ehloKeywordHover(
  file: TranscriptFile,
  line: ExpectLine,
  text: string,
  textRange: Range,
  position: Position,
): HoverContent | undefined {
  const word = /^[A-Za-z0-9][A-Za-z0-9-]*/.exec(text)?.[0];
  if (!word) return undefined;
  const start = textRange.start;
  const range: Range = { start, end: { line: start.line, character: start.character + word.length } };
  if (!rangeContains(range, position)) return undefined;
  const answered = expectationOf(file, line.line)?.answers;
  if (answered?.kind !== 'command' || (answered.verb !== 'EHLO' && answered.verb !== 'LHLO'))
    return undefined;
  const extension = describeExtension(word);
  return extension && { markdown: extensionMarkdown(extension), range };
}

function expectationOf(file: TranscriptFile, line: number): ReplyExpectation | undefined {
  for (const session of file.sessions) {
    if (line < session.range.start.line || line > session.range.end.line) continue;
    for (const step of session.steps) {
      if (step.kind === 'expect' && step.lines.some((l) => l.line === line)) return step;
    }
  }
  return undefined;
}

function directiveHover(line: DirectiveLine, position: Position): HoverContent | undefined {
  if (!rangeContains(line.nameRange, position)) return undefined;
  const doc = describeDirective(line.name);
  return doc && { markdown: directiveMarkdown(doc), range: line.nameRange };
}

/** `{{name}}`: where its value comes from; `{{env:NAME}}`: which variable is read. */
function variableHover(file: TranscriptFile, line: LineNode, position: Position): HoverContent | undefined {
  const reference = variablesOf(line).find((v) => rangeContains(v.range, position));
  if (!reference) return undefined;
  if (reference.kind === 'env') {
    return {
      markdown: `**{{env:${reference.name}}}** · the environment variable \`${reference.name}\` (or \`${reference.name}\` in a \`.env\` file beside the transcript), read when the file runs.`,
      range: reference.range,
    };
  }
  const definition = latestSetAbove(file, reference.name, line.line);
  const origin = definition
    ? `Set at line ${definition.line + 1}: ${inlineCode(definition.value)}`
    : `No \`@set ${reference.name}\` above this line.`;
  return { markdown: `**{{${reference.name}}}** · a variable\n\n${origin}`, range: reference.range };
}

function variablesOf(line: LineNode): readonly VariableRef[] {
  if (line.kind === 'send') return line.text.variables;
  if (line.kind === 'expect' && line.pattern?.kind === 'line') return line.pattern.text.variables;
  if (line.kind === 'directive' && line.directive?.name === 'set') return line.directive.value.variables;
  return [];
}

function latestSetAbove(
  file: TranscriptFile,
  name: string,
  before: number,
): { readonly line: number; readonly value: string } | undefined {
  for (let index = before - 1; index >= 0; index--) {
    const line = file.lines[index];
    if (line?.kind === 'directive' && line.directive?.name === 'set' && line.directive.variable === name)
      return { line: index, value: line.directive.value.source };
  }
  return undefined;
}

/** Inline code that survives backticks in the text. */
function inlineCode(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
