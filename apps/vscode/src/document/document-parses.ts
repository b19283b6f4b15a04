/**
 * The editor's side of the parse cache: every feature asks here for the parse of a
 * `TextDocument`, and gets the one parse of its current version.
 */
import { parseTranscript, type TranscriptFile } from '@smtp/transcript';
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../ids.js';
import { ParseCache } from './parse-cache.js';

/** Parses of open `.smtp` documents, one per version, forgotten when a document closes. */
export class DocumentParses implements vscode.Disposable {
  readonly #cache = new ParseCache();
  readonly #closing: vscode.Disposable;

  constructor() {
    this.#closing = vscode.workspace.onDidCloseTextDocument((document) =>
      this.#cache.forget(document.uri.toString()),
    );
  }

  /** The parse of the document's current version. */
  parse(document: vscode.TextDocument): TranscriptFile {
    return this.#cache.get({
      key: document.uri.toString(),
      version: document.version,
      getText: () => document.getText(),
    });
  }

  /**
   * The parse of a file: from its open document when there is one (so unsaved edits count),
   * else from disk.
   */
  async parseUri(uri: vscode.Uri): Promise<TranscriptFile> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.parse(open);
    // A file no editor holds is read, not opened: opening would make VS Code announce it as a
    // document to every extension.
    const bytes = await vscode.workspace.fs.readFile(uri);
    return parseTranscript(new TextDecoder().decode(bytes), { uri: uri.toString() });
  }

  dispose(): void {
    this.#closing.dispose();
  }
}

/** Whether a document is a transcript (by language, so untitled `.smtp` buffers count too). */
export function isTranscript(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}
