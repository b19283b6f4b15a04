import assert from 'node:assert/strict';
import net from 'node:net';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../src/ids.js';
import { extensionApi } from './helpers.js';
import { waitFor } from './wait.js';

/** Connects, reads the greeting, says QUIT, and resolves with the greeting. */
function greetingOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(5000, () => socket.destroy(new Error('no greeting within 5 s')));
    socket.once('error', reject);
    socket.once('data', (chunk) => {
      socket.end('QUIT\r\n');
      resolve(chunk.toString('latin1'));
    });
  });
}

suite('Embedded server', () => {
  test('starts smtp serve on a local port, shows it, and stops it by its PID', async () => {
    const api = await extensionApi();
    const address = await vscode.commands.executeCommand<{ host: string; port: number }>(
      COMMAND_IDS.startServer,
      {
        port: 0,
      },
    );
    assert.ok(address, 'the server started');
    assert.equal(address.host, '127.0.0.1');
    assert.deepEqual(api.embeddedServerAddress(), address);
    assert.match(await greetingOf(address.port), /^220 /);
    // Starting again keeps the one that runs.
    assert.deepEqual(await vscode.commands.executeCommand(COMMAND_IDS.startServer, { port: 0 }), address);
    await vscode.commands.executeCommand(COMMAND_IDS.stopServer);
    assert.equal(api.embeddedServerAddress(), undefined);
    await assert.rejects(greetingOf(address.port), /ECONNREFUSED/);
  });

  test('reports a port that is taken in one line and keeps working', async () => {
    const api = await extensionApi();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const address = await vscode.commands.executeCommand(COMMAND_IDS.startServer, { port });
      assert.equal(address, undefined);
      assert.equal(api.embeddedServerAddress(), undefined);
    } finally {
      blocker.close();
    }
    const next = await vscode.commands.executeCommand<{ port: number }>(COMMAND_IDS.startServer, { port: 0 });
    assert.ok(next);
    await vscode.commands.executeCommand(COMMAND_IDS.stopServer);
    await waitFor('the server to stop', () => api.embeddedServerAddress() === undefined);
  });
});
