import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_IDS, CONFIGURATION_SECTION, GRAMMAR_SCOPE, LANGUAGE_ID } from './ids.js';
import { DEFAULT_SETTINGS, parseDuration, SETTING_KEYS } from './settings.js';

const readJson = (relative: string): unknown =>
  JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));

interface Manifest {
  main: string;
  engines: { vscode: string };
  contributes: {
    languages: { id: string; aliases: string[]; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown; pattern?: string }> };
  };
}

const manifest = readJson('../package.json') as Manifest;
const { contributes } = manifest;

describe('package.json', () => {
  it('loads the bundle and accepts VS Code 1.100 (code-server 4.100.3)', () => {
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.engines.vscode).toBe('^1.100.0');
  });

  it('maps .smtp files to the language, with its configuration file', () => {
    expect(contributes.languages).toHaveLength(1);
    const language = contributes.languages[0]!;
    expect(language.id).toBe(LANGUAGE_ID);
    expect(language.aliases[0]).toBe('SMTP Transcript');
    expect(language.extensions).toEqual(['.smtp']);
    expect(readJson(`../${language.configuration}`)).toMatchObject({ comments: { lineComment: '#' } });
  });

  it('contributes the grammar under the scope its file declares', () => {
    const grammar = contributes.grammars[0]!;
    expect(grammar.language).toBe(LANGUAGE_ID);
    expect(grammar.scopeName).toBe(GRAMMAR_SCOPE);
    expect(readJson(`../${grammar.path}`)).toMatchObject({ scopeName: GRAMMAR_SCOPE });
  });

  it('contributes every command the code registers, under the SMTP Transcript category', () => {
    const ids = contributes.commands.map((c) => c.command).sort();
    expect(ids).toEqual(Object.values(COMMAND_IDS).sort());
    for (const command of contributes.commands) expect(command.category).toBe('SMTP Transcript');
  });

  it('contributes exactly the settings the code reads, with the same defaults', () => {
    const properties = contributes.configuration.properties;
    expect(Object.keys(properties).sort()).toEqual(
      SETTING_KEYS.map((key) => `${CONFIGURATION_SECTION}.${key}`).sort(),
    );
    expect(properties['smtpTranscript.server']?.default).toBe('');
    expect(parseDuration(String(properties['smtpTranscript.timeout']?.default))).toBe(
      DEFAULT_SETTINGS.timeoutMs,
    );
    expect(properties['smtpTranscript.tls.allowSelfSigned']?.default).toBe(DEFAULT_SETTINGS.allowSelfSigned);
    expect(properties['smtpTranscript.cliPath']?.default).toBe('');
  });

  it('validates the server and timeout settings as the code parses them', () => {
    const server = new RegExp(contributes.configuration.properties['smtpTranscript.server']?.pattern ?? '');
    for (const ok of ['', '127.0.0.1:2525', '[::1]:25', 'mx.example.test:587'])
      expect(server.test(ok)).toBe(true);
    for (const bad of ['localhost', '::1:25', 'host:port']) expect(server.test(bad)).toBe(false);
    const timeout = new RegExp(contributes.configuration.properties['smtpTranscript.timeout']?.pattern ?? '');
    for (const ok of ['10s', '500ms', '2m']) expect(timeout.test(ok)).toBe(true);
    for (const bad of ['10', '1.5s', '1h']) expect(timeout.test(bad)).toBe(false);
  });
});

describe('snippets', () => {
  const snippetFile = contributes.snippets[0]!;
  const snippets = readJson(`../${snippetFile.path}`) as Record<string, { prefix: string[]; body: string[] }>;

  it('are contributed for the language and include the promised ones', () => {
    expect(snippetFile.language).toBe(LANGUAGE_ID);
    expect(Object.keys(snippets)).toEqual(
      expect.arrayContaining(['SMTP session', 'AUTH PLAIN', 'STARTTLS', 'BDAT']),
    );
  });

  it('write only lines the format knows', () => {
    for (const snippet of Object.values(snippets)) {
      for (const line of snippet.body) expect(line).toMatch(/^(?:C: |C:$|C! |S: |# |@[a-z]+ |\$0$)/);
    }
  });

  it('announce a BDAT size equal to the octets that follow', () => {
    const [, command, octets] = snippets.BDAT!.body;
    const size = Number(/^C: BDAT (\d+) LAST$/.exec(command ?? '')?.[1]);
    // Snippet escapes: `\\r` in the snippet is the transcript escape `\r`, one octet on the wire.
    const transcript = (octets ?? '').slice('C! '.length).replaceAll('\\\\', '\\');
    const wire = transcript.replaceAll('\\r', '\r').replaceAll('\\n', '\n');
    expect(wire.length).toBe(size);
  });
});
