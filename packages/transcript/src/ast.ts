/**
 * The syntax tree of a `.smtp` transcript. One parse serves every consumer: the runner reads
 * `sessions`, the editor reads `lines` (one node per source line, with ranges for every part a
 * feature can point at) and `diagnostics`.
 *
 * Positions follow VS Code's convention: 0-based line, 0-based column counted in UTF-16 code
 * units. Reporters add 1 to both for humans.
 */
import type { ReplyCause } from './client-stream.js';
import type { DiagnosticCode } from './diagnostic-codes.js';

/** A point in the source: 0-based line and 0-based UTF-16 column. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** A span of the source; `end` is exclusive. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** How serious a diagnostic is. `info` notes something legal that may not be what was meant. */
export type Severity = 'error' | 'warning' | 'info';

/** A problem found in a transcript, located precisely enough for an editor squiggle. */
export interface Diagnostic {
  readonly range: Range;
  /** One line, specific and actionable. */
  readonly message: string;
  readonly severity: Severity;
  /** A stable identifier (see `diagnostic-codes.ts`) for quick fixes and tests. */
  readonly code: DiagnosticCode;
}

/** The line terminator a source line ended with (`''` for a last line without one). */
export type LineEnding = '' | '\n' | '\r\n' | '\r';

// ---------------------------------------------------------------------------------------------
// Text: the content of C:/C! lines, @set values and S: globs, split into segments.

/** Bytes written as they are, escapes already decoded. */
export interface LiteralSegment {
  readonly kind: 'literal';
  readonly range: Range;
  readonly bytes: Uint8Array;
}

/** `{{name}}`: a variable defined by an earlier `@set`. */
export interface VariableSegment {
  readonly kind: 'variable';
  readonly range: Range;
  readonly name: string;
  readonly nameRange: Range;
}

/** `{{env:NAME}}`: a value from the environment (or a `.env` file), resolved at run time. */
export interface EnvSegment {
  readonly kind: 'env';
  readonly range: Range;
  readonly name: string;
  readonly nameRange: Range;
}

/** `{{base64:text}}`: the base64 of `text` after its own escapes and variables are resolved. */
export interface Base64Segment {
  readonly kind: 'base64';
  readonly range: Range;
  readonly content: readonly TextSegment[];
  readonly contentRange: Range;
}

/** An unescaped `*` of a glob: any run of characters, possibly empty. */
export interface WildcardSegment {
  readonly kind: 'wildcard';
  readonly range: Range;
}

/** One piece of text that resolves to bytes. */
export type TextSegment = LiteralSegment | VariableSegment | EnvSegment | Base64Segment;

/** One piece of a glob: text, or a wildcard. */
export type GlobSegment = TextSegment | WildcardSegment;

/** A reference to a value, as an editor sees it (hover, go to `@set`, completion). */
export type VariableRef = VariableSegment | EnvSegment;

/** A backslash escape such as `\r` or `\x2a`, and the byte it stands for. */
export interface EscapeNode {
  readonly range: Range;
  /** The escape as written, e.g. `\x2a`. */
  readonly source: string;
  readonly byte: number;
}

/** Text as written and as parsed. */
export interface TextNode {
  /** The text exactly as it stands in the file. */
  readonly source: string;
  readonly range: Range;
  readonly segments: readonly TextSegment[];
  /** Every escape, including those inside `{{base64:…}}`. */
  readonly escapes: readonly EscapeNode[];
  /** Every variable reference, including those inside `{{base64:…}}`. */
  readonly variables: readonly VariableRef[];
}

// ---------------------------------------------------------------------------------------------
// S: patterns

/** A reply-code pattern: three characters, each a digit or `x`. */
export interface CodePattern {
  /** As written, e.g. `250`, `2xx`. */
  readonly source: string;
  readonly range: Range;
}

/** A glob matched against the whole rest of a reply line. */
export interface GlobPattern {
  readonly kind: 'glob';
  readonly source: string;
  readonly range: Range;
  readonly segments: readonly GlobSegment[];
  readonly escapes: readonly EscapeNode[];
  readonly variables: readonly VariableRef[];
  /** The RFC 3463 enhanced status code the text starts with, when it does (`2.1.0`). */
  readonly enhanced?: { readonly code: string; readonly range: Range };
}

/** Raw regular-expression source between the slashes (backslashes kept). */
export interface RegexSourcePart {
  readonly kind: 'source';
  readonly text: string;
}

/** A piece of a regex body: raw source, or a variable whose value is matched literally. */
export type RegexPart = RegexSourcePart | VariableSegment | EnvSegment | Base64Segment;

/** `/regex/flags`, searched for in the rest of a reply line. */
export interface RegexPattern {
  readonly kind: 'regex';
  readonly source: string;
  readonly range: Range;
  readonly body: readonly RegexPart[];
  readonly bodyRange: Range;
  readonly flags: string;
  readonly flagsRange: Range;
  readonly variables: readonly VariableRef[];
}

/** The text part of an `S:` line. */
export type TextPattern = GlobPattern | RegexPattern;

/** `S: ...`: zero or more reply lines. */
export interface EllipsisPattern {
  readonly kind: 'ellipsis';
  readonly range: Range;
}

/** `S: 250`: a code with nothing after it. */
export interface CodeOnlyPattern {
  readonly kind: 'code';
  readonly range: Range;
  readonly code: CodePattern;
}

/** `S: 250 text` or `S: 250-text`. */
export interface LineTextPattern {
  readonly kind: 'line';
  readonly range: Range;
  readonly code: CodePattern;
  /** A space closes the reply (last line); `-` continues it. */
  readonly separator: ' ' | '-';
  readonly separatorRange: Range;
  readonly text: TextPattern;
}

/** What one `S:` line expects. */
export type LinePattern = EllipsisPattern | CodeOnlyPattern | LineTextPattern;

// ---------------------------------------------------------------------------------------------
// Directives

/** One whitespace-separated argument of a directive, as written. */
export interface DirectiveArgument {
  readonly text: string;
  readonly range: Range;
}

/** A server address, `host:port` or `[v6]:port`. */
export interface HostPort {
  /** Host name or address; an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
  readonly range: Range;
  readonly hostRange: Range;
  readonly portRange: Range;
}

interface DirectiveBase {
  readonly range: Range;
  readonly nameRange: Range;
  readonly args: readonly DirectiveArgument[];
}

/** `@connect [host:port]`: open a (new) connection. */
export interface ConnectDirective extends DirectiveBase {
  readonly name: 'connect';
  /** Absent: the file's default server (the embedded one, or `--server`). */
  readonly target?: HostPort;
}

/** One mode of `@tls`. */
export interface TlsModeArgument {
  readonly mode: 'implicit' | 'insecure';
  readonly range: Range;
}

/** `@tls implicit|insecure`. */
export interface TlsDirective extends DirectiveBase {
  readonly name: 'tls';
  readonly modes: readonly TlsModeArgument[];
}

/** `@set name value`. */
export interface SetDirective extends DirectiveBase {
  readonly name: 'set';
  readonly variable: string;
  readonly variableRange: Range;
  readonly value: TextNode;
}

/** `@timeout DURATION`: per-reply timeout from here on. */
export interface TimeoutDirective extends DirectiveBase {
  readonly name: 'timeout';
  readonly milliseconds: number;
  readonly durationRange: Range;
}

/** `@sleep DURATION`: wait before the next send. */
export interface SleepDirective extends DirectiveBase {
  readonly name: 'sleep';
  readonly milliseconds: number;
  readonly durationRange: Range;
}

/** `@close`: the client closes the connection. */
export interface CloseDirective extends DirectiveBase {
  readonly name: 'close';
}

/** `@closed`: expect the server to close the connection. */
export interface ClosedDirective extends DirectiveBase {
  readonly name: 'closed';
}

/** Options of the embedded server, merged over every `@server` line of a file. */
export interface ServerSettings {
  /** SIZE limit in bytes (0: no limit). */
  readonly size?: number;
  /** Accounts for AUTH, in the order written. */
  readonly auth?: readonly { readonly user: string; readonly password: string }[];
  readonly hostname?: string;
  readonly maxRecipients?: number;
  readonly maxErrors?: number;
  /** Whether the embedded server offers STARTTLS (with its own certificate). */
  readonly tls?: boolean;
  /** Whether AUTH is allowed before TLS. */
  readonly allowInsecureAuth?: boolean;
  /** Whether a bare LF ends a command line. */
  readonly lenientLineEndings?: boolean;
  /**
   * A server script (a `.smtp` file, relative to the transcript) that the embedded server plays
   * in reverse instead of being the project's SMTP server.
   */
  readonly script?: string;
}

/** The name of a `@server` option (see {@link ServerSettings}). */
export type ServerOptionKey = keyof ServerSettings;

/** One `key=value` of `@server`. */
export interface ServerOption {
  /** The canonical key, when it is a known one. */
  readonly key: ServerOptionKey | undefined;
  /** The key as written. */
  readonly keyText: string;
  readonly value: string;
  readonly range: Range;
  readonly keyRange: Range;
  readonly valueRange: Range;
}

/** `@server key=value …`. */
export interface ServerDirective extends DirectiveBase {
  readonly name: 'server';
  readonly options: readonly ServerOption[];
  /** The valid options of this line. */
  readonly settings: ServerSettings;
}

/** Any valid directive. */
export type Directive =
  | ConnectDirective
  | TlsDirective
  | SetDirective
  | TimeoutDirective
  | SleepDirective
  | CloseDirective
  | ClosedDirective
  | ServerDirective;

/** The name of a directive. */
export type DirectiveName = Directive['name'];

// ---------------------------------------------------------------------------------------------
// Lines: the token-level view, one node per source line.

/** What the client stream is doing when a send line starts. */
export type SendLineRole =
  /** a command line (or a SASL response line) that will get a reply */
  | 'command'
  /** the rest of a command line begun by an earlier `C!` */
  | 'command-continued'
  /** DATA message text, up to `<CRLF>.<CRLF>` */
  | 'data'
  /** octets of a BDAT chunk */
  | 'bdat';

/** The parts of a command line an editor points at (hover, completion, diagnostics). */
export interface CommandSyntax {
  /** Upper-cased verb, e.g. `MAIL`. */
  readonly verb: string;
  readonly verbRange: Range;
  /** Everything after the verb and its space, when there is something. */
  readonly argument?: { readonly text: string; readonly range: Range };
  /** The `<…>` path of MAIL FROM / RCPT TO, brackets included in `range`. */
  readonly path?: { readonly address: string; readonly range: Range; readonly addressRange: Range };
  /** ESMTP parameters after the path: `KEYWORD[=VALUE]`. */
  readonly parameters: readonly {
    readonly keyword: string;
    readonly value?: string;
    readonly range: Range;
    readonly keywordRange: Range;
    readonly valueRange?: Range;
  }[];
}

interface LineBase {
  /** 0-based line number. */
  readonly line: number;
  /** The line without its terminator. */
  readonly range: Range;
  readonly eol: LineEnding;
}

/** `# text`. */
export interface CommentLine extends LineBase {
  readonly kind: 'comment';
  readonly text: string;
}

/** An empty or whitespace-only line. */
export interface BlankLine extends LineBase {
  readonly kind: 'blank';
}

/** `C: text` (CRLF appended) or `C! text` (nothing appended). */
export interface SendLine extends LineBase {
  readonly kind: 'send';
  /** `C!`: exactly the bytes of the text, no CRLF. */
  readonly raw: boolean;
  readonly prefixRange: Range;
  readonly text: TextNode;
  /** What the bytes of this line are to the server (`command` for lines outside any session). */
  readonly role: SendLineRole;
  /** The parts of the command, when the line starts one. */
  readonly command: CommandSyntax | undefined;
}

/** `S: pattern`. */
export interface ExpectLine extends LineBase {
  readonly kind: 'expect';
  readonly prefixRange: Range;
  /** Absent when the pattern has errors. */
  readonly pattern?: LinePattern;
}

/** `@name args`. */
export interface DirectiveLine extends LineBase {
  readonly kind: 'directive';
  readonly name: string;
  readonly nameRange: Range;
  readonly args: readonly DirectiveArgument[];
  /** Absent when the directive is unknown or its arguments are invalid. */
  readonly directive?: Directive;
}

/** A line of no known kind. */
export interface InvalidLine extends LineBase {
  readonly kind: 'invalid';
}

/** One source line. */
export type LineNode = CommentLine | BlankLine | SendLine | ExpectLine | DirectiveLine | InvalidLine;

// ---------------------------------------------------------------------------------------------
// Steps and sessions: the runner's view.

/** Consecutive `C:`/`C!` lines, written to the socket in one write. */
export interface SendGroup {
  readonly kind: 'send';
  readonly range: Range;
  readonly lines: readonly SendLine[];
  /**
   * What in this group's bytes will be answered, in order (statically: `{{env:…}}` is taken as
   * written; the runner pairs again on the resolved bytes).
   */
  readonly causes: readonly ReplyCause<SendLine>[];
}

/** What a reply expectation answers. */
export type ReplySource =
  | { readonly kind: 'greeting' }
  /** No command is waiting: e.g. an unprompted `421`. */
  | { readonly kind: 'unprompted' }
  | ReplyCause<SendLine>;

/**
 * How a reply expectation matches: `code` (one code-only line), `line` (one line with text: the
 * reply's last line), `lines` (line by line, `...` for zero or more).
 */
export type ExpectationShape = 'code' | 'line' | 'lines';

/** One expected reply: consecutive `S:` lines grouped per the spec. */
export interface ReplyExpectation {
  readonly kind: 'expect';
  readonly range: Range;
  readonly lines: readonly ExpectLine[];
  readonly patterns: readonly LinePattern[];
  readonly shape: ExpectationShape;
  readonly answers: ReplySource;
}

/** A directive in its place in the conversation. */
export interface DirectiveStep {
  readonly kind: 'directive';
  readonly range: Range;
  readonly directive: Directive;
}

/** One step of a session, in file order. */
export type Step = SendGroup | ReplyExpectation | DirectiveStep;

/** How a session ended in the file. */
export type SessionEnding = 'close' | 'closed' | 'reconnect' | 'end-of-file';

/** One connection. */
export interface Session {
  /** 0-based position in the file. */
  readonly index: number;
  /** From its `@connect` (or its first line) to its last step. */
  readonly range: Range;
  /** The `@connect` that opened it; absent for the implicit first session. */
  readonly connect?: ConnectDirective;
  /** `default`: the embedded server, or `--server`. */
  readonly target: 'default' | HostPort;
  /** Whether an `@tls implicit` applies to this connection. */
  readonly implicitTls: boolean;
  /** `expected`: the first step is an `S:` for the greeting; `implicit`: the runner requires 220. */
  readonly greeting: 'expected' | 'implicit';
  readonly steps: readonly Step[];
  readonly ending: SessionEnding;
}

/** A parsed transcript. */
export interface TranscriptFile {
  readonly uri?: string;
  /** One node per source line. */
  readonly lines: readonly LineNode[];
  /** Directives before the first connection. */
  readonly preamble: readonly DirectiveStep[];
  readonly sessions: readonly Session[];
  /** Every `@server` option of the file, merged in order. */
  readonly server: ServerSettings;
  /** The line ending most lines use (`\n` when there is none). */
  readonly lineEnding: '\n' | '\r\n' | '\r';
  readonly diagnostics: readonly Diagnostic[];
}
