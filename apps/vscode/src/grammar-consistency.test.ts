import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIRECTIVE_DOCS } from './docs/directives.js';
import { PARAMETER_DOCS } from './docs/parameters.js';
import { VERB_DOCS } from './docs/verbs.js';

// The grammar colours what the docs describe: a verb, directive or parameter added to one and
// not the other fails here instead of being silently uncoloured (or undocumented).

interface Rule {
  readonly match?: string;
  readonly begin?: string;
  readonly patterns?: readonly Rule[];
}

const grammar = JSON.parse(
  readFileSync(new URL('../syntaxes/smtp-transcript.tmLanguage.json', import.meta.url), 'utf8'),
) as { repository: Record<string, Rule> };

/** Every regex (match or begin) of a repository entry and its nested patterns. */
function regexesOf(rule: Rule | undefined): string[] {
  if (!rule) return [];
  const own = [rule.match, rule.begin].filter((r): r is string => r !== undefined);
  return [...own, ...(rule.patterns ?? []).flatMap(regexesOf)];
}

/** The words of every `(?i:A|B|C)` group in the regexes. */
function caseInsensitiveWords(regexes: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const regex of regexes) {
    for (const group of regex.matchAll(/\(\?i:([A-Za-z0-9|-]+)\)/g)) {
      for (const word of (group[1] ?? '').split('|')) words.add(word);
    }
  }
  return words;
}

describe('grammar and docs', () => {
  it('colour exactly the documented verbs', () => {
    const words = caseInsensitiveWords(regexesOf(grammar.repository.command));
    for (const keyword of ['FROM', 'TO', 'LAST']) words.delete(keyword);
    expect([...words].sort()).toEqual(VERB_DOCS.map((doc) => doc.verb).sort());
  });

  it('colour exactly the documented parameters as known ones', () => {
    const known = regexesOf(grammar.repository['path-and-parameters']).find((r) => r.includes('SIZE'));
    expect(known).toBeDefined();
    const words = caseInsensitiveWords([known ?? '']);
    expect([...words].sort()).toEqual([...new Set(PARAMETER_DOCS.map((doc) => doc.keyword))].sort());
  });

  it('colour exactly the documented directives', () => {
    const names = new Set<string>();
    for (const regex of regexesOf(grammar.repository.directive)) {
      const group = /^\^\(@\)\(([a-z|]+)\)/.exec(regex);
      for (const name of group?.[1]?.split('|') ?? []) names.add(name);
    }
    expect([...names].sort()).toEqual(DIRECTIVE_DOCS.map((doc) => doc.name).sort());
  });
});
