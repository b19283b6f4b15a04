/**
 * One parse per document version, shared by every editor feature (diagnostics, hover,
 * completion, CodeLens, Test Explorer, runs). Features ask the cache; only the first one to ask
 * about a new version pays for the parse.
 */
import { parseTranscript, type TranscriptFile } from '@smtp/transcript';

/** What the cache needs to know about a document: VS Code's `TextDocument` has all of it. */
export interface VersionedDocument {
  /** A stable key for the document, e.g. its URI as a string. */
  readonly key: string;
  /** Increases with every edit (VS Code's `TextDocument.version`). */
  readonly version: number;
  /** Called only when the version is not cached yet. */
  getText(): string;
}

/** Parses text; the parser by default, a counting stand-in in tests. */
export type TranscriptParser = (text: string, uri: string) => TranscriptFile;

interface CachedParse {
  readonly version: number;
  readonly file: TranscriptFile;
}

const parseWithLibrary: TranscriptParser = (text, uri) => parseTranscript(text, { uri });

/** Keeps the latest parse of each document. */
export class ParseCache {
  readonly #parses = new Map<string, CachedParse>();
  readonly #parse: TranscriptParser;

  constructor(parse: TranscriptParser = parseWithLibrary) {
    this.#parse = parse;
  }

  /** The parse of the document's current version, parsing only if this version is new. */
  get(document: VersionedDocument): TranscriptFile {
    const cached = this.#parses.get(document.key);
    if (cached && cached.version === document.version) return cached.file;
    const file = this.#parse(document.getText(), document.key);
    this.#parses.set(document.key, { version: document.version, file });
    return file;
  }

  /** Drops a document (closed or deleted), so the cache never outgrows the open editors. */
  forget(key: string): void {
    this.#parses.delete(key);
  }

  /** How many documents are cached. */
  get size(): number {
    return this.#parses.size;
  }
}
