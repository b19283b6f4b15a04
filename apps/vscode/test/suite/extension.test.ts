import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS, CONFIGURATION_SECTION, GRAMMAR_SCOPE, LANGUAGE_ID } from '../../src/ids.js';
import { waitFor } from './wait.js';

const EXTENSION_ID = 'smtp-workbench.smtp-transcript-vscode';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixtures workspace must be open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** A new untitled `.smtp` editor holding `content`. */
async function scratchEditor(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
  return vscode.window.showTextDocument(document);
}

async function closeAllEditors(): Promise<void> {
  // Untitled scratch documents are reverted first so closing them asks nothing.
  while (vscode.window.activeTextEditor?.document.isUntitled) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('SMTP Transcript extension', () => {
  teardown(closeAllEditors);

  test('is loaded from the development folder', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
    assert.equal((extension.packageJSON as { name: string }).name, 'smtp-transcript-vscode');
  });

  test('opening a .smtp file gives it the language and activates the extension', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('session.smtp'));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, LANGUAGE_ID);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await waitFor('the extension to activate', () => extension?.isActive);
  });

  test('registers the language with VS Code', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes(LANGUAGE_ID), `${LANGUAGE_ID} missing from ${languages.length} languages`);
  });

  test('contributes a grammar file whose scope is the declared one', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const grammars = (
      extension.packageJSON as { contributes: { grammars: { scopeName: string; path: string }[] } }
    ).contributes.grammars;
    const grammar = grammars.find((g) => g.scopeName === GRAMMAR_SCOPE);
    assert.ok(grammar, 'no grammar contributed for the scope');
    const bytes = await vscode.workspace.fs.readFile(
      vscode.Uri.joinPath(extension.extensionUri, grammar.path),
    );
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { scopeName: string; patterns: unknown[] };
    assert.equal(parsed.scopeName, GRAMMAR_SCOPE);
    assert.ok(parsed.patterns.length > 0);
  });

  test('toggles line comments with # (language configuration)', async () => {
    const editor = await scratchEditor('C: NOOP\nS: 250 *\n');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.equal(editor.document.lineAt(0).text, '# C: NOOP');
    assert.equal(editor.document.lineAt(1).text, 'S: 250 *');
  });

  test('inserts the AUTH PLAIN snippet with transcript escapes intact', async () => {
    const editor = await scratchEditor('');
    await vscode.commands.executeCommand('editor.action.insertSnippet', {
      langId: LANGUAGE_ID,
      name: 'AUTH PLAIN',
    });
    assert.equal(editor.document.getText(), 'C: AUTH PLAIN {{base64:\\0alice\\0secret}}\nS: 235 *\n');
  });

  test('inserts the full-session snippet from greeting to QUIT', async () => {
    const editor = await scratchEditor('');
    await vscode.commands.executeCommand('editor.action.insertSnippet', {
      langId: LANGUAGE_ID,
      name: 'SMTP session',
    });
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[0], 'S: 220 *');
    assert.ok(lines.includes('C: MAIL FROM:<alice@example.test>'));
    assert.ok(lines.includes('C: From: <alice@example.test>'), 'the sender is mirrored into the From header');
    assert.ok(lines.includes('C: .'));
    assert.deepEqual(lines.slice(-3), ['C: QUIT', 'S: 221 *', '']);
  });

  test('registers "SMTP Transcript: Show Output", which runs', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND_IDS.showOutput), `${COMMAND_IDS.showOutput} is not registered`);
    await vscode.commands.executeCommand(COMMAND_IDS.showOutput);
  });

  test('contributes the settings with their documented defaults', () => {
    // Most settings are resource-scoped (a folder may point at its own server): ask for a file's.
    const settings = vscode.workspace.getConfiguration(CONFIGURATION_SECTION, workspaceFile('session.smtp'));
    assert.equal(settings.get('server'), '');
    assert.equal(settings.get('timeout'), '10s');
    assert.equal(settings.get('tls.allowSelfSigned'), false);
    assert.equal(settings.get('cliPath'), '');
  });

  test('keeps trailing spaces on save in .smtp files (they are content)', () => {
    const files = vscode.workspace.getConfiguration('files', { languageId: LANGUAGE_ID });
    assert.equal(files.get('trimTrailingWhitespace'), false);
  });

  // Registered only on request, to prove that a failing test fails the whole run.
  if (process.env.SMTP_TEST_FORCE_FAIL === '1') {
    test('deliberate failure (SMTP_TEST_FORCE_FAIL=1)', () => {
      assert.equal(1 + 1, 3, 'forced failure');
    });
  }
});
