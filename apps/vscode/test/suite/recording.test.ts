import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FileResult } from '@smtp/transcript';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../src/ids.js';
import { closeAllEditors } from './helpers.js';
import { waitFor } from './wait.js';

/**
 * A tiny client: sends each command after the previous reply is complete (a line with a space
 * after the code), and resolves with everything the server said.
 */
function converse(port: number, commands: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('the conversation took over 10 s')));
    let received = '';
    let next = 0;
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!/^\d{3} .*\r\n$/m.test(received.split('\r\n').slice(-2).join('\r\n'))) return;
      const command = commands[next++];
      if (command === undefined) socket.end();
      else socket.write(`${command}\r\n`);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

suite('Recording sessions', () => {
  teardown(closeAllEditors);

  test('records a client session through smtp record into a new file that replays green', async () => {
    const server = await vscode.commands.executeCommand<{ port: number }>(COMMAND_IDS.startServer, {
      port: 0,
    });
    assert.ok(server, 'the embedded server started');
    const out = path.join(os.tmpdir(), `smtp-vscode-recording-${process.pid}-${Date.now()}.smtp`);
    try {
      const recording = await vscode.commands.executeCommand<{ listen: { port: number }; out: vscode.Uri }>(
        COMMAND_IDS.recordSession,
        { upstream: `127.0.0.1:${server.port}`, out },
      );
      assert.ok(recording, 'smtp record started');
      const said = await converse(recording.listen.port, ['EHLO client.example.test', 'NOOP', 'QUIT']);
      assert.match(said, /^220 /);
      assert.match(said, /221 2\.0\.0/);
      const file = vscode.Uri.file(out);
      await waitFor(
        'the session in the recording',
        () => {
          try {
            return fs.readFileSync(out, 'utf8').includes('C: NOOP');
          } catch {
            return false;
          }
        },
        10_000,
      );
      const opened = await vscode.commands.executeCommand<vscode.Uri>(COMMAND_IDS.stopRecording);
      assert.equal(opened?.fsPath, file.fsPath);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file.fsPath, 'the recording opens');
      const text = vscode.window.activeTextEditor?.document.getText() ?? '';
      assert.match(text, /^C: EHLO client\.example\.test$/m);
      const replay = await vscode.commands.executeCommand<FileResult>(COMMAND_IDS.runFile, file);
      assert.equal(replay.status, 'passed', JSON.stringify(replay.sessions.flatMap((s) => s.failures)));
    } finally {
      await vscode.commands.executeCommand(COMMAND_IDS.stopRecording);
      await vscode.commands.executeCommand(COMMAND_IDS.stopServer);
      await vscode.workspace.fs.delete(vscode.Uri.file(out)).then(undefined, () => undefined);
    }
  });
});
