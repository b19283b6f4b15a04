/**
 * Markdown for the conformance report's table cells: quotes of what a server did, with control
 * characters made visible, URLs left out, and nothing that would break the table or turn into HTML.
 */
import type { Observation } from './conformance-outcomes.js';

/** The longest quote a cell shows of one reply or event. */
const QUOTE_LIMIT = 320;
/** The most observations a cell quotes. */
const QUOTES_PER_CELL = 3;

/** Control characters made visible (U+2400 block), so a stray CR or NUL shows in the quote. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)));
}

function shorten(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
}

/** URLs in replies (a peer's help pages) are left out: the documents name no outside hosts. */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[URL left out]');
}

/** A code span for a table cell, whatever backticks or pipes the text holds. */
export function code(text: string): string {
  const body = visible(text).replace(/\|/g, '\\|');
  return body.includes('`') ? `\`\` ${body} \`\`` : `\`${body}\``;
}

/** Prose for a table cell: code spans kept, everything Markdown or HTML would take escaped. */
export function prose(text: string): string {
  return visible(text)
    .split('`')
    .map((part, index) => (index % 2 === 1 ? code(part) : part.replace(/[\\*_<>[\]|]/g, (c) => `\\${c}`)))
    .join('');
}

/** One observation: a reply as a code span after what it answered, an event as prose. */
export function quote(observation: Observation): string {
  const text = shorten(withoutUrls(observation.text));
  if (observation.kind === 'event') return prose(text);
  return observation.answers === undefined ? code(text) : `${prose(observation.answers)} → ${code(text)}`;
}

/** Up to three observations (duplicates dropped), and how many more there were. */
export function quotes(observed: readonly Observation[]): string {
  const unique = [
    ...new Map(observed.map((o) => [`${o.kind}\u0000${o.answers}\u0000${o.text}`, o])).values(),
  ];
  const shown = unique.slice(0, QUOTES_PER_CELL).map(quote).join('; ');
  const more = unique.length - QUOTES_PER_CELL;
  return more > 0 ? `${shown}; (+${more} more)` : shown;
}
