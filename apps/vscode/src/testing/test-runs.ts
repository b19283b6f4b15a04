/**
 * Runs from the Test Explorer (its run button and cancel), and the Test Explorer's view of runs
 * started elsewhere ("Run File", CodeLenses, "Run All…"): every run of whole files or sessions
 * reports its outcomes to a `TestRun`, with failure messages at their locations.
 */
import type { Endpoint, FileResult, RunEvent } from '@smtp/transcript';
import * as vscode from 'vscode';
import { toVsRange } from '../document/vscode-conversions.js';
import type { RunScope } from '../run/run-scope.js';
import { logEntryLines } from '../run/session-log.js';
import type { TranscriptRuns } from '../run/transcript-runs.js';
import type { TestDiscovery } from './test-discovery.js';
import { type OutcomeMessage, type TestOutcome, testOutcomes } from './test-outcomes.js';
import { sessionIndexOf, sessionTestId } from './test-tree.js';

/** A file, or one of its sessions, to run. */
export interface RunTarget {
  readonly uri: vscode.Uri;
  readonly scope: Extract<RunScope, { kind: 'file' } | { kind: 'session' }>;
}

/** How a batch of targets runs. */
export interface BatchOptions {
  readonly server?: Endpoint;
  readonly token?: vscode.CancellationToken;
  /** Called before each file starts and on each event, e.g. to update a progress notification. */
  readonly onFile?: (uri: vscode.Uri, index: number, count: number) => void;
  readonly onEvent?: (uri: vscode.Uri, event: RunEvent) => void;
}

/** The Test Explorer's run profile, and runs reported to it. */
export class TestExplorerRuns implements vscode.Disposable {
  readonly #controller: vscode.TestController;
  readonly #discovery: TestDiscovery;
  readonly #runs: TranscriptRuns;
  readonly #profile: vscode.TestRunProfile;
  readonly #outcomes = new Map<string, TestOutcome>();

  constructor(controller: vscode.TestController, discovery: TestDiscovery, runs: TranscriptRuns) {
    this.#controller = controller;
    this.#discovery = discovery;
    this.#runs = runs;
    this.#profile = controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      (request, token) => this.#handle(request, token),
      true,
    );
  }

  /**
   * Runs targets one after another inside one Test Explorer run and resolves with each file's
   * result, in order (files cancelled before they started are left out). A file the Test
   * Explorer does not list (outside the workspace, a server script) still runs, unreported.
   */
  async runTargets(targets: readonly RunTarget[], options: BatchOptions = {}): Promise<FileResult[]> {
    const items: vscode.TestItem[] = [];
    const resolved: { target: RunTarget; file: vscode.TestItem | undefined }[] = [];
    for (const target of targets) {
      const file = await this.#discovery.fileItem(target.uri);
      if (file) await this.#discovery.refreshChildren(file);
      resolved.push({ target, file });
      const item =
        target.scope.kind === 'file' ? file : file?.children.get(sessionTestId(target.scope.index));
      if (item) items.push(item);
    }
    const run = this.#controller.createTestRun(new vscode.TestRunRequest(items), undefined, true);
    const results: FileResult[] = [];
    try {
      for (const [index, { target, file }] of resolved.entries()) {
        if (options.token?.isCancellationRequested) break;
        options.onFile?.(target.uri, index, resolved.length);
        results.push(await this.#runOne(run, file, target, options));
      }
    } finally {
      run.end();
    }
    return results;
  }

  /** The outcome the Test Explorer shows for a file, or one of its sessions (0-based index). */
  outcome(uri: vscode.Uri, session?: number): TestOutcome | undefined {
    return this.#outcomes.get(outcomeKey(uri, session));
  }

  async #handle(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!request.include) await this.#discovery.discoverAll();
    const included: vscode.TestItem[] = [];
    if (request.include) included.push(...request.include);
    else
      this.#controller.items.forEach((item) => {
        included.push(item);
      });
    const excluded = new Set(request.exclude ?? []);
    const targets: RunTarget[] = [];
    for (const item of included) {
      if (excluded.has(item) || !item.uri) continue;
      const index = item.parent ? sessionIndexOf(item.id) : undefined;
      // A session whose file runs anyway needs no run of its own.
      if (item.parent && (index === undefined || included.includes(item.parent))) continue;
      targets.push({
        uri: item.uri,
        scope: index === undefined ? { kind: 'file' } : { kind: 'session', index },
      });
    }
    await this.runTargets(targets, { token });
  }

  async #runOne(
    run: vscode.TestRun,
    file: vscode.TestItem | undefined,
    target: RunTarget,
    options: BatchOptions,
  ): Promise<FileResult> {
    const { uri, scope } = target;
    const session = (index: number) => file?.children.get(sessionTestId(index));
    if (scope.kind === 'file' && file) {
      run.started(file);
      file.children.forEach((child) => {
        run.enqueued(child);
      });
    } else if (scope.kind === 'session') {
      const item = session(scope.index);
      if (item) run.started(item);
    }
    const result = await this.#runs.run({
      uri,
      scope,
      ...(options.server === undefined ? {} : { server: options.server }),
      ...(options.token === undefined ? {} : { token: options.token }),
      observer: {
        onEvent: (event) => {
          options.onEvent?.(uri, event);
          if (event.type === 'session-start') {
            const item = session(event.session);
            if (item) run.started(item);
          } else if (event.type === 'sent' || event.type === 'received' || event.type === 'connection') {
            if (!file) return;
            const item = session(event.entry.session);
            run.appendOutput(`${logEntryLines(event.entry).join('\r\n')}\r\n`, undefined, item);
          }
        },
      },
    });
    if (!file) return result;
    const outcomes = testOutcomes(result);
    for (const [id, outcome] of outcomes.sessions) {
      const index = sessionIndexOf(id);
      const item = file.children.get(id);
      if (index === undefined || !item) continue;
      // A one-session run reports only that session; the others keep their last result.
      if (scope.kind === 'session' && index !== scope.index) continue;
      this.#report(run, item, outcome);
      this.#outcomes.set(outcomeKey(uri, index), outcome);
    }
    if (scope.kind === 'file') {
      this.#report(run, file, outcomes.file);
      this.#outcomes.set(outcomeKey(uri), outcomes.file);
    }
    return result;
  }

  #report(run: vscode.TestRun, item: vscode.TestItem, outcome: TestOutcome): void {
    const messages = outcome.messages.map((message) => testMessage(item.uri, message));
    switch (outcome.status) {
      case 'passed':
        run.passed(item, outcome.durationMs);
        return;
      case 'failed':
        run.failed(item, messages, outcome.durationMs);
        return;
      case 'errored':
        run.errored(item, messages, outcome.durationMs);
        return;
      case 'skipped':
        run.skipped(item);
        return;
    }
  }

  dispose(): void {
    this.#profile.dispose();
  }
}

function outcomeKey(uri: vscode.Uri, session?: number): string {
  return session === undefined ? uri.toString() : `${uri.toString()}#${sessionTestId(session)}`;
}

function testMessage(uri: vscode.Uri | undefined, message: OutcomeMessage): vscode.TestMessage {
  const test =
    message.expected !== undefined && message.actual !== undefined
      ? vscode.TestMessage.diff(message.text, message.expected, message.actual)
      : new vscode.TestMessage(message.text);
  if (uri) test.location = new vscode.Location(uri, toVsRange(message.range));
  return test;
}
