/**
 * "Start Embedded Server" / "Stop Embedded Server": a local `smtp serve`, so a mail client under
 * development can send to it, with a status bar item showing its port. Received messages are
 * logged to the output channel.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../ids.js';
import { readExtensionSettings } from '../settings-reader.js';
import { BackgroundCommand } from './background-command.js';
import { formatHostPort, type ListeningAddress, serveArguments, untilListening } from './cli-launch.js';
import { currentCliLaunch } from './cli-locations.js';

/** How long `smtp serve` may take to print its `listening on` line. */
const START_TIMEOUT_MS = 20_000;

/** Options a caller (a test, another command) may pass to "Start Embedded Server". */
export interface StartServerArguments {
  /** Overrides `smtpTranscript.embeddedServer.port`; 0 for any free port. */
  readonly port?: number;
}

/** The embedded `smtp serve` process, its commands and its status bar item. */
export class EmbeddedServerCommands implements vscode.Disposable {
  readonly #server: BackgroundCommand<ListeningAddress>;
  readonly #statusBar: vscode.StatusBarItem;
  readonly #log: vscode.LogOutputChannel;
  readonly #extensionUri: vscode.Uri;
  readonly #subscriptions: vscode.Disposable[];

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    this.#extensionUri = extensionUri;
    this.#log = log;
    this.#statusBar = vscode.window.createStatusBarItem(
      'smtpTranscript.server',
      vscode.StatusBarAlignment.Left,
      10,
    );
    this.#statusBar.name = 'SMTP Embedded Server';
    this.#server = new BackgroundCommand({
      name: 'the embedded server',
      onLine: (line, stream) => {
        if (stream === 'stderr') log.warn(`[serve] ${line}`);
        else log.info(`[serve] ${line}`);
      },
      onChange: () => this.#showState(),
    });
    this.#subscriptions = [
      this.#statusBar,
      vscode.commands.registerCommand(COMMAND_IDS.startServer, (args?: StartServerArguments) =>
        this.start(args),
      ),
      vscode.commands.registerCommand(COMMAND_IDS.stopServer, () => this.stop()),
    ];
  }

  /** The address while the server runs. */
  get address(): ListeningAddress | undefined {
    const state = this.#server.state;
    return state.kind === 'running' ? state.info : undefined;
  }

  /** Starts the server (or returns the running one's address); undefined when it failed. */
  async start(args: StartServerArguments = {}): Promise<ListeningAddress | undefined> {
    const running = this.address;
    if (running) {
      void vscode.window.showInformationMessage(
        `The embedded SMTP server is already listening on ${formatHostPort(running.host, running.port)}.`,
      );
      return running;
    }
    const port = args.port ?? readExtensionSettings().serverPort;
    try {
      const address = await this.#server.start(
        currentCliLaunch(this.#extensionUri),
        serveArguments('127.0.0.1', port),
        (child) => untilListening(child, START_TIMEOUT_MS),
      );
      const where = formatHostPort(address.host, address.port);
      this.#log.info(`embedded server listening on ${where} (pid ${String(this.#pid())})`);
      void vscode.window
        .showInformationMessage(`Embedded SMTP server listening on ${where}.`, 'Copy Address')
        .then((choice) => {
          if (choice) void vscode.env.clipboard.writeText(where);
        });
      return address;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.error(message);
      void vscode.window.showErrorMessage(`${message}${port === 0 ? '' : hintForPort(port)}`);
      return undefined;
    }
  }

  /** Stops the server by its PID; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.#server.state.kind === 'stopped') return;
    await this.#server.stop('SIGTERM');
    this.#log.info('embedded server stopped');
  }

  #pid(): number | undefined {
    const state = this.#server.state;
    return state.kind === 'running' ? state.pid : undefined;
  }

  #showState(): void {
    const state = this.#server.state;
    void vscode.commands.executeCommand(
      'setContext',
      'smtpTranscript.serverRunning',
      state.kind === 'running',
    );
    switch (state.kind) {
      case 'starting':
        this.#statusBar.text = '$(sync~spin) SMTP server';
        this.#statusBar.tooltip = 'Starting the embedded SMTP server…';
        this.#statusBar.command = undefined;
        this.#statusBar.show();
        return;
      case 'running': {
        const where = formatHostPort(state.info.host, state.info.port);
        this.#statusBar.text = `$(radio-tower) SMTP :${state.info.port}`;
        this.#statusBar.tooltip = `Embedded SMTP server on ${where} (pid ${state.pid}). Click to stop it.`;
        this.#statusBar.command = COMMAND_IDS.stopServer;
        this.#statusBar.show();
        return;
      }
      case 'stopping':
        this.#statusBar.text = '$(sync~spin) SMTP server';
        this.#statusBar.tooltip = 'Stopping the embedded SMTP server…';
        this.#statusBar.command = undefined;
        return;
      case 'stopped':
        this.#statusBar.hide();
        if (state.lastError) {
          this.#log.error(state.lastError);
          void vscode.window.showErrorMessage(state.lastError);
        }
        return;
    }
  }

  dispose(): void {
    // The stop signal goes out synchronously; the process finishes on its own.
    void this.#server.stop('SIGTERM');
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}

function hintForPort(port: number): string {
  return ` (port ${port} comes from smtpTranscript.embeddedServer.port; set it to 0 for any free port)`;
}
