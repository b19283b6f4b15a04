/**
 * The Markdown shown for a verb, directive or parameter: the same text serves hovers and the
 * documentation pane of completion items.
 */
import type { DirectiveDoc } from './directives.js';
import type { ParameterDoc } from './parameters.js';
import type { VerbDoc } from './verbs.js';

/** Markdown for a command verb: syntax, summary, details, origin and support. */
export function verbMarkdown(doc: VerbDoc): string {
  const notes: string[] = [];
  if (doc.extension) notes.push(`Only if the server advertises \`${doc.extension}\` in its EHLO reply.`);
  if (doc.status === 'obsolete') notes.push('Obsolete: removed from the standard.');
  return paragraphs([
    `**${doc.verb}** · ${doc.reference}`,
    codeLine(doc.syntax),
    doc.summary,
    doc.details,
    notes.join(' '),
  ]);
}

/** Markdown for a directive. */
export function directiveMarkdown(doc: DirectiveDoc): string {
  return paragraphs([`**@${doc.name}**`, codeLine(doc.syntax), doc.summary, doc.details]);
}

/** Markdown for an ESMTP parameter. */
export function parameterMarkdown(doc: ParameterDoc): string {
  return paragraphs([
    `**${doc.keyword}** (${doc.verb} parameter) · ${doc.reference}`,
    codeLine(doc.syntax),
    doc.summary,
    `Only if the server advertises \`${doc.extension}\` in its EHLO reply.`,
  ]);
}

/** Inline code; a double fence (with the padding Markdown requires) when the text holds a backtick. */
function codeLine(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function paragraphs(parts: readonly string[]): string {
  return parts.filter((part) => part.length > 0).join('\n\n');
}
