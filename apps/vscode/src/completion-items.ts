/**
 * What to offer for completion at a cursor, decided from the text of the line around it: verbs
 * after `C: `, directives after `@`, ESMTP parameters and their values on MAIL/RCPT lines, reply
 * codes after `S: `, EHLO keywords after `S: 250-`, enhanced codes after a reply code, and the
 * forms of `{{…}}`. Pure data; the completion provider turns entries into `vscode.CompletionItem`s.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1:…}` is VS Code snippet syntax, not a template.
import { enhancedCodes, KNOWN_EXTENSIONS, replyCodes } from '@smtp/codec';
import { enhancedCodeMarkdown, replyCodeMarkdown } from './docs/codes.js';
import { DIRECTIVE_DOCS, type DirectiveDoc } from './docs/directives.js';
import { extensionMarkdown } from './docs/extensions.js';
import { directiveMarkdown, parameterMarkdown, verbMarkdown } from './docs/markdown.js';
import { describeParameter, type ParameterDoc, type ParameterVerb, parametersOf } from './docs/parameters.js';
import { VERB_DOCS, type VerbDoc } from './docs/verbs.js';

/** What an entry completes; the provider maps it to an icon. */
export type CompletionKind =
  | 'verb'
  | 'directive'
  | 'parameter'
  | 'parameter-value'
  | 'variable-form'
  | 'reply-code'
  | 'enhanced-code'
  | 'extension';

/** One thing to offer. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** A short line shown beside the label (the syntax). */
  readonly detail: string;
  /** Markdown for the documentation pane. */
  readonly documentation: string;
  /** VS Code snippet syntax (`${1:placeholder}`), inserted over the replaced text. */
  readonly insertText: string;
}

/** The entries for one cursor position, and where the text they replace begins. */
export interface CompletionList {
  readonly items: readonly CompletionEntry[];
  /** Column (UTF-16, 0-based) where the replaced text starts; it ends at the cursor. */
  readonly replaceFrom: number;
}

/** Facts about the line that only the parser knows. */
export interface LineContext {
  /**
   * True when the line is DATA message text or BDAT octets: words there are content, so no verb
   * or parameter is offered.
   */
  readonly messageText?: boolean;
}

/** Snippet bodies for verbs whose arguments have a fixed shape; other verbs insert themselves. */
const VERB_SNIPPETS: Readonly<Record<string, string>> = {
  EHLO: 'EHLO ${1:client.example.test}',
  HELO: 'HELO ${1:client.example.test}',
  LHLO: 'LHLO ${1:client.example.test}',
  MAIL: 'MAIL FROM:<${1:alice@example.test}>',
  RCPT: 'RCPT TO:<${1:bob@example.test}>',
  BDAT: 'BDAT ${1:0} LAST',
  AUTH: 'AUTH ${1|PLAIN,LOGIN,XOAUTH2,CRAM-MD5,SCRAM-SHA-256|}',
  VRFY: 'VRFY ${1:postmaster}',
  EXPN: 'EXPN ${1:list}',
  ETRN: 'ETRN ${1:@example.test}',
  ATRN: 'ATRN ${1:example.test}',
  SEND: 'SEND FROM:<${1:alice@example.test}>',
  SOML: 'SOML FROM:<${1:alice@example.test}>',
  SAML: 'SAML FROM:<${1:alice@example.test}>',
};

/** Snippet bodies for directives, written after the `@`. */
const DIRECTIVE_SNIPPETS: Readonly<Record<string, string>> = {
  server: 'server ${1:size}=${2:1048576}',
  connect: 'connect ${1:127.0.0.1}:${2:2525}',
  tls: 'tls ${1|implicit,insecure|}',
  set: 'set ${1:name} ${2:value}',
  timeout: 'timeout ${1:5s}',
  sleep: 'sleep ${1:200ms}',
};

function verbEntry(doc: VerbDoc): CompletionEntry {
  return {
    label: doc.verb,
    kind: 'verb',
    detail: doc.syntax,
    documentation: verbMarkdown(doc),
    insertText: VERB_SNIPPETS[doc.verb] ?? doc.verb,
  };
}

function directiveEntry(doc: DirectiveDoc): CompletionEntry {
  return {
    label: doc.name,
    kind: 'directive',
    detail: doc.syntax,
    documentation: directiveMarkdown(doc),
    insertText: DIRECTIVE_SNIPPETS[doc.name] ?? doc.name,
  };
}

function parameterEntry(doc: ParameterDoc): CompletionEntry {
  let insertText = doc.keyword;
  if (doc.values) insertText = `${doc.keyword}=\${1|${doc.values.join(',')}|}`;
  else if (doc.takesValue) insertText = `${doc.keyword}=\${1}`;
  return {
    label: doc.keyword,
    kind: 'parameter',
    detail: doc.syntax,
    documentation: parameterMarkdown(doc),
    insertText,
  };
}

/** Every verb, ready to offer after `C: `. */
export const VERB_COMPLETIONS: readonly CompletionEntry[] = VERB_DOCS.map(verbEntry);

/** Every directive, ready to offer after `@` (labels and insert texts without the `@`). */
export const DIRECTIVE_COMPLETIONS: readonly CompletionEntry[] = DIRECTIVE_DOCS.map(directiveEntry);

/** The parameters of MAIL FROM or RCPT TO, ready to offer after the path. */
export function parameterCompletions(verb: ParameterVerb): readonly CompletionEntry[] {
  return parametersOf(verb).map(parameterEntry);
}

/** Every reply code an RFC defines, ready to offer after `S: `. */
export const REPLY_CODE_COMPLETIONS: readonly CompletionEntry[] = [...replyCodes.values()].map((info) => ({
  label: String(info.code),
  kind: 'reply-code',
  detail: info.title,
  documentation: replyCodeMarkdown(String(info.code)) ?? info.description,
  insertText: String(info.code),
}));

/** EHLO keywords, ready to offer on the continuation lines of an EHLO reply (`S: 250-`). */
export const EXTENSION_COMPLETIONS: readonly CompletionEntry[] = KNOWN_EXTENSIONS.map((extension) => ({
  label: extension.keyword,
  kind: 'extension',
  detail: extension.source,
  documentation: extensionMarkdown(extension),
  insertText: extension.keyword,
}));

/** The registered enhanced status codes of one class (`2`, `4` or `5`), to offer after a reply code. */
export function enhancedCodeCompletions(classDigit: '2' | '4' | '5'): readonly CompletionEntry[] {
  return [...enhancedCodes.values()]
    .filter((info) => info.code.startsWith(`${classDigit}.`))
    .map((info) => ({
      label: info.code,
      kind: 'enhanced-code',
      detail: info.title,
      documentation: enhancedCodeMarkdown(info.code) ?? info.description,
      insertText: info.code,
    }));
}

const VARIABLE_FORMS = [
  {
    label: 'env:',
    body: 'env:${1:NAME}',
    detail: '{{env:NAME}}',
    documentation: 'A value from the environment (or a `.env` file beside the transcript).',
  },
  {
    label: 'base64:',
    body: 'base64:${1:text}',
    detail: '{{base64:text}}',
    documentation:
      'The base64 of `text` after its escapes: `{{base64:\\0alice\\0secret}}` is an AUTH PLAIN response.',
  },
] as const;

const NOTHING: CompletionList = { items: [], replaceFrom: 0 };

/** `MAIL FROM:` (or SEND/SOML/SAML) and `RCPT TO:` at the start of a client line. */
const PARAMETER_LINE = /^C[:!] (?:(MAIL|SEND|SOML|SAML) FROM:|(RCPT) TO:)/i;

/**
 * What to offer at the end of `before` (the line up to the cursor). `after` is the rest of the
 * line: when it already starts with `}}` (auto-closed), variable forms do not add another.
 */
export function completionsAt(before: string, after = '', context: LineContext = {}): CompletionList {
  if (context.messageText) return NOTHING;

  const variable = /\{\{([A-Za-z0-9_.-]*)$/.exec(before);
  if (variable) return variableForms(before.length - (variable[1]?.length ?? 0), after.startsWith('}}'));

  if (/^@[A-Za-z]*$/.test(before)) return { items: DIRECTIVE_COMPLETIONS, replaceFrom: 1 };
  if (/^C[:!] [A-Za-z-]*$/.test(before)) return { items: VERB_COMPLETIONS, replaceFrom: 3 };

  const parameterLine = PARAMETER_LINE.exec(before);
  if (parameterLine) return parameterPosition(before, parameterLine[1] ? 'MAIL' : 'RCPT');

  if (/^S: [0-9x]{0,2}$/.test(before)) return { items: REPLY_CODE_COMPLETIONS, replaceFrom: 3 };
  const keyword = /^S: 25[0-9x]-([A-Za-z0-9-]*)$/.exec(before);
  if (keyword)
    return { items: EXTENSION_COMPLETIONS, replaceFrom: before.length - (keyword[1]?.length ?? 0) };
  const enhanced = /^S: ([245])[0-9x]{2}[ -]([0-9.]*)$/.exec(before);
  if (enhanced) {
    const classDigit = enhanced[1] as '2' | '4' | '5';
    return {
      items: enhancedCodeCompletions(classDigit),
      replaceFrom: before.length - (enhanced[2]?.length ?? 0),
    };
  }
  return NOTHING;
}

function variableForms(replaceFrom: number, closed: boolean): CompletionList {
  const items = VARIABLE_FORMS.map((form) => ({
    label: form.label,
    kind: 'variable-form' as const,
    detail: form.detail,
    documentation: form.documentation,
    insertText: closed ? form.body : `${form.body}}}`,
  }));
  return { items, replaceFrom };
}

/** After the path: a parameter keyword, or after `KEY=` one of its literal values. */
function parameterPosition(before: string, verb: ParameterVerb): CompletionList {
  const value = /\s([A-Za-z-]+)=(?:[A-Za-z0-9]*,)*([A-Za-z0-9]*)$/.exec(before);
  if (value) {
    const doc = describeParameter(value[1] ?? '', verb);
    if (!doc?.values) return NOTHING;
    const items = doc.values.map((literal) => ({
      label: literal,
      kind: 'parameter-value' as const,
      detail: `${doc.keyword}=${literal}`,
      documentation: parameterMarkdown(doc),
      insertText: literal,
    }));
    return { items, replaceFrom: before.length - (value[2]?.length ?? 0) };
  }
  // A keyword only once the path is closed: `<` … `>` before the whitespace the keyword follows.
  const keyword = /\s([A-Za-z-]*)$/.exec(before);
  if (!keyword || !before.slice(0, keyword.index).includes('>')) return NOTHING;
  return { items: parameterCompletions(verb), replaceFrom: before.length - (keyword[1]?.length ?? 0) };
}
