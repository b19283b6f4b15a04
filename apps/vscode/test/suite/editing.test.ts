import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, diagnosticsOf, openFile, scratchEditor, summary } from './helpers.js';

/** The Markdown of every hover at a position, joined. */
async function hoverText(uri: vscode.Uri, line: number, character: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    new vscode.Position(line, character),
  );
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** The labels of the completion items at a position. */
async function completionLabels(uri: vscode.Uri, line: number, character: number): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    uri,
    new vscode.Position(line, character),
  );
  return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

suite('Editing transcripts', () => {
  teardown(closeAllEditors);

  test('shows every parser error of a file at its range', async () => {
    const { document } = await openFile('syntax-errors.smtp');
    const diagnostics = await diagnosticsOf(
      document.uri,
      'smtp-transcript',
      (d) => d.length >= 3,
      'the syntax diagnostics of syntax-errors.smtp',
    );
    assert.deepEqual(summary(diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error)), [
      '2:unknown-line',
      '3:bad-reply-code',
      '4:unknown-directive',
    ]);
    const badCode = diagnostics.find((d) => d.code === 'bad-reply-code');
    assert.deepEqual(
      [badCode?.range.start.character, badCode?.range.end.character],
      [3, 6],
      'the squiggle covers the reply code only',
    );
    assert.match(
      diagnostics.find((d) => d.code === 'unknown-directive')?.message ?? '',
      /did you mean @connect/,
    );
  });

  test('updates the diagnostics as you type', async () => {
    const editor = await scratchEditor('S: 220 *\nC: QUIT\nS: 221 *\n');
    const uri = editor.document.uri;
    await diagnosticsOf(uri, 'smtp-transcript', (d) => d.length === 0, 'no diagnostics for a clean file');
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'NOOP\nS: 250 2.0.0 *\n'));
    const broken = await diagnosticsOf(
      uri,
      'smtp-transcript',
      (d) => d.length > 0,
      'a diagnostic for the new line',
    );
    const errors = broken.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(summary(errors), ['1:unknown-line']);
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'C: '));
    await diagnosticsOf(
      uri,
      'smtp-transcript',
      (d) => d.length === 0,
      'the diagnostic to go once the line is fixed',
    );
  });

  test('explains verbs, parameters, reply codes and enhanced codes on hover', async () => {
    const { document } = await openFile('session.smtp');
    const line = (text: string) =>
      document
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith(text));
    assert.match(await hoverText(document.uri, line('C: EHLO'), 4), /\*\*EHLO\*\*[\s\S]*EHLO <domain>/);
    const mail = line('C: MAIL');
    const size = document.lineAt(mail).text.indexOf('SIZE=');
    assert.match(await hoverText(document.uri, mail, size + 1), /\*\*SIZE\*\* \(MAIL parameter\)/);
    const rcptReply = line('S: 250 2.1.5');
    assert.match(await hoverText(document.uri, rcptReply, 4), /\*\*250\*\*/);
    assert.match(await hoverText(document.uri, rcptReply, 9), /\*\*2\.1\.5\*\*/);
  });

  test('completes verbs, directives, parameters and EHLO keywords', async () => {
    const editor = await scratchEditor(
      ['C: ', '@', 'C: MAIL FROM:<a@example.test> ', 'S: 250-', 'S: 550 '].join('\n'),
    );
    const uri = editor.document.uri;
    const verbs = await completionLabels(uri, 0, 3);
    for (const verb of ['EHLO', 'MAIL', 'RCPT', 'DATA', 'STARTTLS', 'AUTH', 'QUIT'])
      assert.ok(verbs.includes(verb), verb);
    const directives = await completionLabels(uri, 1, 1);
    for (const name of ['connect', 'server', 'tls', 'timeout']) assert.ok(directives.includes(name), name);
    const parameters = await completionLabels(uri, 2, editor.document.lineAt(2).text.length);
    for (const keyword of ['SIZE', 'BODY', 'SMTPUTF8']) assert.ok(parameters.includes(keyword), keyword);
    const keywords = await completionLabels(uri, 3, 7);
    for (const keyword of ['PIPELINING', 'STARTTLS', 'SIZE']) assert.ok(keywords.includes(keyword), keyword);
    const enhanced = await completionLabels(uri, 4, 7);
    assert.ok(enhanced.includes('5.1.1'), 'enhanced codes of the reply class');
  });

  test('puts Run, Run session and Run to here CodeLenses where they belong', async () => {
    const { document } = await openFile('two-sessions.smtp');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
    );
    const shown = lenses
      .map((lens) => `${lens.range.start.line}:${lens.command?.title}:${lens.command?.command}`)
      .sort();
    assert.deepEqual(
      shown,
      [
        '0:$(play) Run:smtpTranscript.runFile',
        '1:$(play) Run session 1:smtpTranscript.runSession',
        '11:Run to here:smtpTranscript.runToLine',
        '13:Run to here:smtpTranscript.runToLine',
        '2:Run to here:smtpTranscript.runToLine',
        '4:Run to here:smtpTranscript.runToLine',
        '6:Run to here:smtpTranscript.runToLine',
        '8:$(play) Run session 2:smtpTranscript.runSession',
        '9:Run to here:smtpTranscript.runToLine',
      ].sort(),
    );
  });

  test('offers the full-session snippet in completion', async () => {
    const editor = await scratchEditor('');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(0, 0),
    );
    const snippet = list.items.find((item) => item.kind === vscode.CompletionItemKind.Snippet);
    assert.ok(snippet, 'a snippet is offered at the start of an empty file');
  });
});
