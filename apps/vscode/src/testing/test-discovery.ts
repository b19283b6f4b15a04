/**
 * The Test Explorer's tree: every `.smtp` file of the workspace is a test, its sessions are its
 * children. Files are found at start and followed through a file watcher; open documents update
 * their children as you type, from the shared parse.
 */
import { isRunnableTranscript } from '@smtp/transcript';
import * as vscode from 'vscode';
import { type DocumentParses, isTranscript } from '../document/document-parses.js';
import { toVsRange } from '../document/vscode-conversions.js';
import { EXCLUDED_GLOB, TRANSCRIPT_GLOB } from '../ids.js';
import { sessionNodes } from './test-tree.js';

/** Keeps a test controller's items in step with the workspace's transcripts. */
export class TestDiscovery implements vscode.Disposable {
  readonly #controller: vscode.TestController;
  readonly #parses: DocumentParses;
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(controller: vscode.TestController, parses: DocumentParses) {
    this.#controller = controller;
    this.#parses = parses;
    controller.resolveHandler = async (item) => {
      if (item) await this.refreshChildren(item);
      else await this.discoverAll();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(TRANSCRIPT_GLOB);
    this.#subscriptions.push(
      watcher,
      watcher.onDidCreate((uri) => void this.#refreshFile(uri)),
      watcher.onDidChange((uri) => void this.#refreshFile(uri)),
      watcher.onDidDelete((uri) => controller.items.delete(uri.toString())),
      // An opened transcript gets its run buttons in the gutter before anyone opens the Test Explorer.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (isTranscript(document) && document.uri.scheme === 'file') void this.#refreshFile(document.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (isTranscript(event.document) && event.document.uri.scheme === 'file')
          void this.#refreshFile(event.document.uri);
      }),
    );
  }

  /** Finds every transcript of the workspace and adds it with its sessions. */
  async discoverAll(): Promise<void> {
    const uris = await vscode.workspace.findFiles(TRANSCRIPT_GLOB, EXCLUDED_GLOB);
    await Promise.all(uris.map((uri) => this.#refreshFile(uri)));
  }

  /** The test item of a transcript, created (with its sessions) when it is not there yet. */
  async fileItem(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    return this.#controller.items.get(uri.toString()) ?? this.#refreshFile(uri);
  }

  /** Re-reads a file item's sessions. */
  async refreshChildren(item: vscode.TestItem): Promise<void> {
    if (!item.uri) return;
    let file: Awaited<ReturnType<DocumentParses['parseUri']>>;
    try {
      file = await this.#parses.parseUri(item.uri);
    } catch (error) {
      item.error = `cannot read ${item.uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    item.error = undefined;
    const children = sessionNodes(file).map((node) => {
      const child =
        item.children.get(node.id) ?? this.#controller.createTestItem(node.id, node.label, item.uri);
      child.label = node.label;
      child.description = node.description;
      child.range = toVsRange(node.range);
      return child;
    });
    item.children.replace(children);
  }

  async #refreshFile(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    // Server scripts (`*.serve.smtp`) are not tests: `smtp run` skips them too.
    if (!isRunnableTranscript(uri.path) || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    const id = uri.toString();
    let item = this.#controller.items.get(id);
    if (!item) {
      item = this.#controller.createTestItem(id, vscode.workspace.asRelativePath(uri, false), uri);
      item.canResolveChildren = true;
      // A range puts the run button in the editor's gutter, at the top of the file.
      item.range = new vscode.Range(0, 0, 0, 0);
      this.#controller.items.add(item);
    }
    await this.refreshChildren(item);
    return item;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}
