/**
 * Runs transcripts in the extension host with the library's runner — the same `runTranscript`
 * that `smtp run` uses, so the editor's results are the CLI's. Each run shows its progress as
 * step marks, its failures as problems, and its conversation in the sessions output channel;
 * observers (the Test Explorer, progress notifications) get its events too.
 */
import { type Endpoint, type FileResult, type RunEvent, runTranscript } from '@smtp/transcript';
import * as vscode from 'vscode';
import { readExtensionSettings } from '../settings-reader.js';
import type { RunPresentation } from './run-presentation.js';
import { describeScope, type RunScope, runOptionsFor } from './run-scope.js';
import { logEntryLines, resultLines, runHeader, warningLine } from './session-log.js';

/** Who else wants to hear about a run. */
export interface RunObserver {
  readonly onEvent?: (event: RunEvent) => void;
}

/** One file run request. */
export interface FileRunRequest {
  readonly uri: vscode.Uri;
  readonly scope: RunScope;
  /** Replaces every target and the embedded server ("Run Against Server…"). */
  readonly server?: Endpoint;
  readonly token?: vscode.CancellationToken;
  readonly observer?: RunObserver;
}

/** Runs files and shows what happens. */
export class TranscriptRuns implements vscode.Disposable {
  readonly #presentation: RunPresentation;
  readonly #sessions: vscode.OutputChannel;
  readonly #log: vscode.LogOutputChannel;
  /** The run in progress per document, so a new run of the same file replaces it. */
  readonly #running = new Map<string, AbortController>();

  constructor(presentation: RunPresentation, sessions: vscode.OutputChannel, log: vscode.LogOutputChannel) {
    this.#presentation = presentation;
    this.#sessions = sessions;
    this.#log = log;
  }

  /** How a file is named in reports: relative to its workspace folder, as `smtp run` names it there. */
  static displayName(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, false);
  }

  /** Runs one file (or part of it) and resolves with its result; never rejects. */
  async run(request: FileRunRequest): Promise<FileResult> {
    const { uri, scope } = request;
    const key = uri.toString();
    this.#running.get(key)?.abort();
    const controller = new AbortController();
    this.#running.set(key, controller);
    const cancelling = request.token?.onCancellationRequested(() => controller.abort());

    const name = TranscriptRuns.displayName(uri);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const settings = readExtensionSettings(uri);
    this.#presentation.begin(uri);
    this.#log.info(`running ${describeScope(name, scope)}`);
    try {
      const result = await runTranscript(
        // An open document runs as the editor shows it, saved or not.
        { path: uri.fsPath, name, ...(open ? { text: open.getText() } : {}) },
        {
          ...runOptionsFor(scope, settings, request.server),
          signal: controller.signal,
          onEvent: (event) => {
            this.#presentation.apply(uri, event);
            this.#logEvent(event);
            request.observer?.onEvent?.(event);
          },
        },
      );
      this.#presentation.finish(uri, result);
      for (const line of resultLines(result)) this.#sessions.appendLine(line);
      this.#log.info(`${name}: ${result.status} in ${result.durationMs} ms`);
      return result;
    } finally {
      cancelling?.dispose();
      if (this.#running.get(key) === controller) this.#running.delete(key);
    }
  }

  #logEvent(event: RunEvent): void {
    switch (event.type) {
      case 'file-start':
        this.#sessions.appendLine(runHeader(event.file, event.time));
        return;
      case 'sent':
      case 'received':
      case 'connection':
        for (const line of logEntryLines(event.entry)) this.#sessions.appendLine(line);
        return;
      case 'warning':
        this.#sessions.appendLine(warningLine(event.warning));
        return;
      default:
        return;
    }
  }

  dispose(): void {
    for (const controller of this.#running.values()) controller.abort();
    this.#running.clear();
  }
}
