/**
 * "Record Session…" / "Stop Recording": `smtp record` as a proxy between a mail client and a
 * server, writing every session that passes through into a new `.smtp` file, which opens when
 * the recording stops.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../ids.js';
import { parseServerAddress } from '../settings.js';
import { readExtensionSettings } from '../settings-reader.js';
import { BackgroundCommand } from './background-command.js';
import { formatHostPort, type ListeningAddress, recordArguments, untilListening } from './cli-launch.js';
import { currentCliLaunch } from './cli-locations.js';
import type { CliProcess } from './cli-process.js';
import { recordingFileName } from './recording-name.js';
import type { EmbeddedServerCommands } from './server-commands.js';

/** How long `smtp record` may take to say it listens. */
const START_TIMEOUT_MS = 20_000;

/** What a caller (a test, a script) may pass instead of being asked. */
export interface RecordArguments {
  /** The server to record, `host:port`. */
  readonly upstream?: string;
  /** The file to write (a path). */
  readonly out?: string;
}

/** A recording in progress. */
export interface Recording {
  /** Where mail clients connect. */
  readonly listen: ListeningAddress;
  readonly upstream: string;
  readonly out: vscode.Uri;
}

/** The `smtp record` process, its commands and its status bar item. */
export class RecordCommands implements vscode.Disposable {
  readonly #recorder: BackgroundCommand<Recording>;
  readonly #statusBar: vscode.StatusBarItem;
  readonly #extensionUri: vscode.Uri;
  readonly #server: EmbeddedServerCommands;
  readonly #log: vscode.LogOutputChannel;
  readonly #subscriptions: vscode.Disposable[];

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, server: EmbeddedServerCommands) {
    this.#extensionUri = extensionUri;
    this.#server = server;
    this.#log = log;
    this.#statusBar = vscode.window.createStatusBarItem(
      'smtpTranscript.recording',
      vscode.StatusBarAlignment.Left,
      9,
    );
    this.#statusBar.name = 'SMTP Recording';
    this.#recorder = new BackgroundCommand({
      name: 'the recorder',
      onLine: (line, stream) => {
        if (stream === 'stderr') log.warn(`[record] ${line}`);
        else log.info(`[record] ${line}`);
      },
      onChange: () => this.#showState(),
    });
    this.#subscriptions = [
      this.#statusBar,
      vscode.commands.registerCommand(COMMAND_IDS.recordSession, (args?: RecordArguments) =>
        this.start(args),
      ),
      vscode.commands.registerCommand(COMMAND_IDS.stopRecording, () => this.stop()),
    ];
  }

  /** Starts recording; undefined when the user cancelled or it could not start. */
  async start(args: RecordArguments = {}): Promise<Recording | undefined> {
    if (this.#recorder.state.kind !== 'stopped') {
      void vscode.window.showWarningMessage('A recording is already running: stop it first.');
      return undefined;
    }
    const upstream = args.upstream ?? (await this.#askForUpstream());
    if (upstream === undefined) return undefined;
    const upstreamAddress = parseServerAddress(upstream);
    if (!upstreamAddress) {
      void vscode.window.showErrorMessage(`"${upstream}" is not host:port`);
      return undefined;
    }
    const out = args.out === undefined ? await askForFile() : vscode.Uri.file(args.out);
    if (!out) return undefined;
    const upstreamText = formatHostPort(upstreamAddress.host, upstreamAddress.port);
    try {
      const recording = await this.#recorder.start(
        currentCliLaunch(this.#extensionUri),
        // Port 0: `smtp record` takes any free port and prints the one it took.
        recordArguments('127.0.0.1:0', upstreamText, out.fsPath),
        async (child: CliProcess) => ({
          listen: await untilListening(child, START_TIMEOUT_MS),
          upstream: upstreamText,
          out,
        }),
      );
      const where = formatHostPort(recording.listen.host, recording.listen.port);
      this.#log.info(`recording ${where} → ${upstreamText} into ${out.fsPath}`);
      void vscode.window
        .showInformationMessage(
          `Recording: point your mail client at ${where}; sessions go on to ${upstreamText} and into ${vscode.workspace.asRelativePath(out)}.`,
          'Stop Recording',
        )
        .then((choice) => {
          if (choice) void this.stop();
        });
      return recording;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  /** Stops recording (SIGINT, so the file is completed) and opens the file; its URI, if any. */
  async stop(): Promise<vscode.Uri | undefined> {
    const state = this.#recorder.state;
    if (state.kind !== 'running') return undefined;
    const out = state.info.out;
    await this.#recorder.stop('SIGINT');
    this.#log.info(`recording stopped: ${out.fsPath}`);
    try {
      await vscode.window.showTextDocument(out);
    } catch (error) {
      void vscode.window.showWarningMessage(
        `The recording ${out.fsPath} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return out;
  }

  async #askForUpstream(): Promise<string | undefined> {
    const embedded = this.#server.address;
    const configured = readExtensionSettings().server;
    const suggestion = embedded
      ? formatHostPort(embedded.host, embedded.port)
      : configured
        ? formatHostPort(configured.host, configured.port)
        : '127.0.0.1:25';
    return vscode.window.showInputBox({
      title: 'Record SMTP sessions',
      prompt: 'The server to record sessions with, as host:port; clients connect to a local port in between',
      value: suggestion,
      validateInput: (value) =>
        parseServerAddress(value) ? undefined : 'Write host:port, for example 127.0.0.1:2525 or [::1]:25',
    });
  }

  #showState(): void {
    const state = this.#recorder.state;
    void vscode.commands.executeCommand('setContext', 'smtpTranscript.recording', state.kind === 'running');
    switch (state.kind) {
      case 'starting':
      case 'stopping':
        this.#statusBar.text = '$(sync~spin) SMTP recording';
        this.#statusBar.command = undefined;
        this.#statusBar.show();
        return;
      case 'running': {
        const where = formatHostPort(state.info.listen.host, state.info.listen.port);
        this.#statusBar.text = `$(record) REC :${state.info.listen.port}`;
        this.#statusBar.tooltip = `Recording ${where} → ${state.info.upstream} into ${state.info.out.fsPath}. Click to stop.`;
        this.#statusBar.command = COMMAND_IDS.stopRecording;
        this.#statusBar.show();
        return;
      }
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
    void this.#recorder.stop('SIGINT');
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}

async function askForFile(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = recordingFileName(new Date());
  return vscode.window.showSaveDialog({
    title: 'Record SMTP sessions into',
    saveLabel: 'Record',
    filters: { 'SMTP transcripts': ['smtp'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
}
