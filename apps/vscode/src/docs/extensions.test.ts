import { KNOWN_EXTENSIONS } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import { describeExtension, extensionMarkdown } from './extensions.js';
import { PARAMETER_DOCS } from './parameters.js';
import { VERB_DOCS } from './verbs.js';

describe('describeExtension', () => {
  it('finds EHLO keywords whatever their case', () => {
    expect(describeExtension('pipelining')?.keyword).toBe('PIPELINING');
    expect(describeExtension('Chunking')?.keyword).toBe('CHUNKING');
    expect(describeExtension('NOT-AN-EXTENSION')).toBeUndefined();
  });

  it('knows every extension the verb and parameter docs refer to', () => {
    const named = [
      ...VERB_DOCS.flatMap((doc) => (doc.extension ? [doc.extension] : [])),
      ...PARAMETER_DOCS.map((d) => d.extension),
    ];
    for (const keyword of named) expect(describeExtension(keyword), keyword).toBeDefined();
  });
});

describe('extensionMarkdown', () => {
  it('shows the keyword, its source, its summary and its parameters', () => {
    const withParameters = KNOWN_EXTENSIONS.find((extension) => extension.parameters)!;
    const text = extensionMarkdown(withParameters);
    expect(
      text.startsWith(`**${withParameters.keyword}** (EHLO keyword) · ${withParameters.source}\n\n`),
    ).toBe(true);
    expect(text).toContain(withParameters.summary);
    expect(text).toContain(`Parameters: \`${withParameters.parameters}\``);
  });
});
