/**
 * Hover text for EHLO keywords (the extensions a server lists in its EHLO reply), from the table
 * in @smtp/codec.
 */
import { KNOWN_EXTENSIONS, type KnownExtension } from '@smtp/codec';

const EXTENSIONS_BY_KEYWORD: ReadonlyMap<string, KnownExtension> = new Map(
  KNOWN_EXTENSIONS.map((extension) => [extension.keyword, extension]),
);

/** The entry for an EHLO keyword, whatever its case; undefined when it is not a known one. */
export function describeExtension(keyword: string): KnownExtension | undefined {
  return EXTENSIONS_BY_KEYWORD.get(keyword.toUpperCase());
}

/** Markdown for an EHLO keyword: where it is defined, what it offers, how its parameters look. */
export function extensionMarkdown(extension: KnownExtension): string {
  const lines = [`**${extension.keyword}** (EHLO keyword) · ${extension.source}`, extension.summary];
  if (extension.parameters) lines.push(`Parameters: \`${extension.parameters}\``);
  return lines.join('\n\n');
}
