/**
 * The structure pass: walks the parsed lines in order and builds sessions and steps, groups
 * `S:` lines into replies, pairs each reply with what it answers (through {@link ClientStream}),
 * and checks that every `{{name}}` is defined by an earlier `@set`.
 */
import { CRLF, concatBytes, utf8 } from '@smtp/codec';
import type {
  BlankLine,
  CodePattern,
  CommandSyntax,
  ConnectDirective,
  Directive,
  DirectiveLine,
  DirectiveStep,
  ExpectationShape,
  ExpectLine,
  LineNode,
  LinePattern,
  Range,
  ReplyExpectation,
  ReplySource,
  SendGroup,
  SendLine,
  SendLineRole,
  ServerOptionKey,
  ServerSettings,
  Session,
  SessionEnding,
  VariableRef,
} from './ast.js';
import type { ReplyCause } from './client-stream.js';
import { commandSyntax } from './command-syntax.js';
import { describeCause } from './describe.js';
import type { DiagnosticList } from './diagnostics.js';
import { mergeServerSettings } from './directives.js';
import { codeMatches } from './matcher.js';
import { spanRanges } from './ranges.js';
import {
  createSession,
  finishSession,
  type QueueItem,
  reportUnfinished,
  type SessionBuilder,
} from './session-builder.js';
import { resolveWith } from './variables.js';

/** What the structure pass adds to the lines. */
export interface Structure {
  readonly preamble: DirectiveStep[];
  readonly sessions: Session[];
  readonly server: ServerSettings;
}

/** Whether a connection is open at the current line. */
type Connection =
  | { readonly state: 'none' }
  | { readonly state: 'open'; readonly session: SessionBuilder }
  /** `session` is the one just closed: directives up to the next @connect join its steps. */
  | {
      readonly state: 'closed';
      readonly session: SessionBuilder;
      readonly by: DirectiveLine;
      reported: boolean;
    };

/** The group of consecutive lines being collected. */
type OpenGroup =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'send';
      readonly lines: SendLine[];
      readonly causes: ReplyCause<SendLine>[];
      startTlsSeen: boolean;
    }
  | { readonly kind: 'expect'; readonly lines: ExpectLine[] };

const NO_GROUP: OpenGroup = { kind: 'none' };

/**
 * Builds sessions from `lines`, and completes each send line with its role and command syntax.
 */
export function buildStructure(lines: LineNode[], diagnostics: DiagnosticList): Structure {
  return new StructureBuilder(lines, diagnostics).build();
}

class StructureBuilder {
  private readonly preamble: DirectiveStep[] = [];
  private readonly sessions: SessionBuilder[] = [];
  private connection: Connection = { state: 'none' };
  private group: OpenGroup = NO_GROUP;
  private pendingImplicitTls: Range | undefined;
  /** A blank line seen since the last send line, to warn when it sits inside a DATA body. */
  private blankSinceSend: BlankLine | undefined;
  private readonly variables = new Map<string, Uint8Array>();
  /** The first `@set` line of each name, to say "defined later" rather than "not defined". */
  private readonly setLines = new Map<string, number>();
  private readonly server: { -readonly [K in keyof ServerSettings]: ServerSettings[K] } = {};
  private readonly serverKeys = new Set<ServerOptionKey>();
  private readonly serverLines: DirectiveLine[] = [];

  constructor(
    private readonly lines: LineNode[],
    private readonly diagnostics: DiagnosticList,
  ) {
    for (const line of lines) {
      if (
        line.kind === 'directive' &&
        line.directive?.name === 'set' &&
        !this.setLines.has(line.directive.variable)
      ) {
        this.setLines.set(line.directive.variable, line.line);
      }
    }
  }

  build(): Structure {
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as LineNode;
      switch (line.kind) {
        case 'blank':
          this.blankSinceSend ??= line;
          break;
        case 'comment':
        case 'invalid':
          break;
        case 'send':
          this.send(line);
          this.blankSinceSend = undefined;
          break;
        case 'expect':
          this.expect(line);
          this.blankSinceSend = undefined;
          break;
        case 'directive':
          this.directive(line);
          this.blankSinceSend = undefined;
          break;
      }
    }
    this.closeGroup('before the end of the file');
    if (this.connection.state === 'open') this.endSession(this.connection.session, 'end-of-file');
    if (this.pendingImplicitTls) {
      this.diagnostics.warning(
        this.pendingImplicitTls,
        'tls-implicit-unused',
        '@tls implicit applies to the next connection, but no @connect follows',
      );
    }
    // Built last: directives after an @close still join the steps (and the range) of its session.
    const sessions = this.sessions.map(finishSession);
    this.checkServerUse(sessions);
    return { preamble: this.preamble, sessions, server: this.server };
  }

  // -------------------------------------------------------------------------------------------
  // send lines

  private send(line: SendLine): void {
    if (this.group.kind === 'expect') this.closeGroup('before the next `C:` line');
    this.checkVariables(line.text.variables, line.line);
    const session = this.requireSession(line);
    if (!session) return;
    if (this.group.kind !== 'send') this.startSendGroup(session);
    const group = this.group as Extract<OpenGroup, { kind: 'send' }>;
    const { stream } = session;
    const role = stream.mode === 'command' ? (stream.midLine ? 'command-continued' : 'command') : stream.mode;
    const syntax =
      role === 'command'
        ? commandSyntax(line.text.source, line.line, line.text.range.start.character)
        : undefined;
    completeSendLine(line, role, syntax);
    if (this.blankSinceSend && role === 'data' && group.lines.length > 0) {
      this.diagnostics.warning(
        this.blankSinceSend.range,
        'blank-in-body',
        'a blank line sends nothing, even inside a DATA body; write `C:` to send an empty line',
      );
    }
    if (group.startTlsSeen && role === 'command') {
      this.diagnostics.info(
        line.range,
        'sent-after-starttls',
        'sent in the same write as STARTTLS, before the TLS upgrade: a correct server discards it (replies still expected after the 220 are read over TLS)',
      );
    }
    const bytes = this.staticBytes(line);
    const causes = stream.push(line.raw ? bytes : concatBytes([bytes, CRLF]), line);
    for (const cause of causes) {
      group.causes.push(cause);
      session.queue.push(cause);
      if (cause.kind === 'command' && cause.startTls) group.startTlsSeen = true;
    }
    group.lines.push(line);
  }

  private startSendGroup(session: SessionBuilder): void {
    if (session.greeting === 'pending') {
      session.greeting = 'implicit';
      if (session.queue[0]?.kind === 'greeting') session.queue.shift();
    }
    for (const item of session.queue) {
      if (item.kind === 'greeting' || session.carriedOver.has(item)) continue;
      session.carriedOver.add(item);
      this.diagnostics.info(
        item.origin.range,
        'reply-carried-over',
        `the reply to ${describeCause(item)} is not checked before the next \`C:\` line; the next \`S:\` line will read it`,
      );
    }
    this.group = { kind: 'send', lines: [], causes: [], startTlsSeen: false };
  }

  /** The bytes a send line writes as far as the file alone tells (`{{env:…}}` kept as written). */
  private staticBytes(line: SendLine): Uint8Array {
    return resolveWith(line.text.segments, (ref) =>
      ref.kind === 'variable'
        ? (this.variables.get(ref.name) ?? utf8(`{{${ref.name}}}`))
        : utf8(`{{env:${ref.name}}}`),
    );
  }

  // -------------------------------------------------------------------------------------------
  // expect lines

  private expect(line: ExpectLine): void {
    if (this.group.kind === 'send') this.closeGroup('');
    const pattern = line.pattern;
    if (pattern?.kind === 'line') this.checkVariables(pattern.text.variables, line.line);
    const session = this.requireSession(line);
    if (!session) return;
    if (this.group.kind !== 'expect') {
      if (session.greeting === 'pending') session.greeting = 'expected';
      this.group = { kind: 'expect', lines: [] };
    }
    const group = this.group as Extract<OpenGroup, { kind: 'expect' }>;
    const previous = group.lines[group.lines.length - 1]?.pattern;
    group.lines.push(line);
    if (!pattern) {
      // A broken line ends its reply, so the lines after it are not reported again.
      this.finishExpectation(session, group.lines, false);
      return;
    }
    if (pattern.kind === 'ellipsis' && previous?.kind === 'ellipsis') {
      this.diagnostics.warning(
        pattern.range,
        'redundant-ellipsis',
        'one `...` already matches any number of lines; remove this one',
      );
    }
    if (pattern.kind === 'code' || (pattern.kind === 'line' && pattern.separator === ' ')) {
      this.finishExpectation(session, group.lines, true);
    }
  }

  private finishExpectation(session: SessionBuilder, lines: ExpectLine[], valid: boolean): void {
    this.group = NO_GROUP;
    const range = spanRanges((lines[0] as ExpectLine).range, (lines[lines.length - 1] as ExpectLine).range);
    const item = session.queue.shift();
    let answers: ReplySource;
    if (item) {
      answers = item;
    } else {
      answers = { kind: 'unprompted' };
      if (valid) {
        this.diagnostics.info(
          range,
          'unprompted-reply',
          'no command is waiting for this reply; the runner still reads one (as for an unprompted 421)',
        );
      }
    }
    if (!valid) return;
    const patterns = lines.map((l) => l.pattern as LinePattern);
    if (item && refusesData(item, patterns)) session.stream.abortData();
    this.checkCodesAgree(patterns);
    const step: ReplyExpectation = {
      kind: 'expect',
      range,
      lines,
      patterns,
      shape: shapeOf(patterns),
      answers,
    };
    session.steps.push(step);
  }

  private checkCodesAgree(patterns: readonly LinePattern[]): void {
    let first: CodePattern | undefined;
    for (const pattern of patterns) {
      if (pattern.kind === 'ellipsis') continue;
      if (!first) {
        first = pattern.code;
      } else if (!codesCompatible(first.source, pattern.code.source)) {
        this.diagnostics.warning(
          pattern.code.range,
          'mixed-codes',
          `this reply's lines have different codes (${first.source} then ${pattern.code.source}); a server gives every line of a reply the same code`,
        );
        return;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // directives

  private directive(line: DirectiveLine): void {
    this.closeGroup(`before @${line.name}`);
    const directive = line.directive;
    if (!directive) return;
    switch (directive.name) {
      case 'connect':
        if (this.connection.state === 'open') this.endSession(this.connection.session, 'reconnect');
        this.startSession(directive.range, directive);
        return;
      case 'close':
      case 'closed':
        this.closeConnection(line, directive);
        return;
      case 'tls':
        for (const mode of directive.modes)
          if (mode.mode === 'implicit') this.pendingImplicitTls = mode.range;
        break;
      case 'set':
        this.checkVariables(directive.value.variables, line.line);
        this.variables.set(
          directive.variable,
          resolveWith(directive.value.segments, (ref) =>
            ref.kind === 'variable' ? this.variables.get(ref.name) : utf8(`{{env:${ref.name}}}`),
          ),
        );
        break;
      case 'server':
        mergeServerSettings(this.server, directive.options, this.serverKeys, this.diagnostics);
        this.serverLines.push(line);
        break;
      case 'timeout':
      case 'sleep':
        break;
    }
    this.addDirectiveStep(directive);
  }

  private closeConnection(line: DirectiveLine, directive: Directive & { name: 'close' | 'closed' }): void {
    if (this.connection.state !== 'open') {
      this.diagnostics.error(
        line.range,
        'not-connected',
        directive.name === 'close'
          ? '@close: no connection is open here'
          : '@closed expects the server to close the connection, but no connection is open here',
      );
      return;
    }
    const session = this.connection.session;
    session.steps.push({ kind: 'directive', range: directive.range, directive });
    this.endSession(session, directive.name);
    this.connection = { state: 'closed', session, by: line, reported: false };
  }

  private addDirectiveStep(directive: Directive): void {
    const step: DirectiveStep = { kind: 'directive', range: directive.range, directive };
    const connection = this.connection;
    if (connection.state === 'open') connection.session.steps.push(step);
    else if (connection.state === 'closed') connection.session.steps.push(step);
    else this.preamble.push(step);
  }

  // -------------------------------------------------------------------------------------------
  // sessions

  private requireSession(line: SendLine | ExpectLine): SessionBuilder | undefined {
    const connection = this.connection;
    switch (connection.state) {
      case 'open':
        return connection.session;
      case 'none':
        return this.startSession(line.range, undefined);
      case 'closed':
        if (!connection.reported) {
          connection.reported = true;
          this.diagnostics.error(
            line.range,
            'not-connected',
            `no connection is open here: it was closed at line ${connection.by.line + 1} (add @connect to open a new one)`,
          );
        }
        return undefined;
    }
  }

  private startSession(start: Range, connect: ConnectDirective | undefined): SessionBuilder {
    const session = createSession(
      this.sessions.length,
      start,
      connect,
      this.pendingImplicitTls !== undefined,
    );
    this.pendingImplicitTls = undefined;
    this.connection = { state: 'open', session };
    this.sessions.push(session);
    return session;
  }

  private endSession(session: SessionBuilder, ending: SessionEnding): void {
    this.closeGroup(ending === 'end-of-file' ? 'before the end of the file' : '');
    reportUnfinished(session, this.diagnostics);
    session.ending = ending;
    this.connection = { state: 'none' };
  }

  // -------------------------------------------------------------------------------------------
  // groups, variables, server

  /** Ends the open group; an unfinished multi-line reply is an error. */
  private closeGroup(where: string): void {
    const group = this.group;
    if (group.kind === 'none') return;
    if (group.kind === 'send') {
      this.group = NO_GROUP;
      const first = group.lines[0];
      const last = group.lines[group.lines.length - 1];
      if (!first || !last || this.connection.state !== 'open') return;
      const step: SendGroup = {
        kind: 'send',
        range: spanRanges(first.range, last.range),
        lines: group.lines,
        causes: group.causes,
      };
      this.connection.session.steps.push(step);
      return;
    }
    const first = group.lines[0] as ExpectLine;
    const last = group.lines[group.lines.length - 1] as ExpectLine;
    this.diagnostics.error(
      spanRanges(first.range, last.range),
      'unterminated-reply',
      `this reply has no last line: end it with a line that has a space after the code (like \`S: 250 *\`)${where ? ` ${where}` : ''}`,
    );
    const session = this.connection.state === 'open' ? this.connection.session : undefined;
    if (session) this.finishExpectation(session, group.lines, false);
    this.group = NO_GROUP;
  }

  private checkVariables(refs: readonly VariableRef[], line: number): void {
    for (const ref of refs) {
      if (ref.kind !== 'variable' || this.variables.has(ref.name)) continue;
      const definedAt = this.setLines.get(ref.name);
      this.diagnostics.error(
        ref.range,
        'undefined-variable',
        definedAt !== undefined && definedAt >= line
          ? `\`{{${ref.name}}}\` is defined later, at line ${definedAt + 1} (move the @set above this line)`
          : `\`{{${ref.name}}}\` is not defined (add \`@set ${ref.name} …\` above this line)`,
      );
    }
  }

  private checkServerUse(sessions: readonly Session[]): void {
    if (this.serverLines.length === 0 || sessions.length === 0) return;
    if (!sessions.every((s) => s.target !== 'default')) return;
    for (const line of this.serverLines) {
      this.diagnostics.warning(
        line.nameRange,
        'server-ignored',
        '@server configures the embedded server, but every session here connects to another server',
      );
    }
  }
}

/**
 * Records on a send line what the structure pass learnt about it. The node was made by this
 * parse and is not yet visible to anyone, so it is completed in place rather than copied (a
 * copy per line doubles the garbage of a large file).
 */
function completeSendLine(line: SendLine, role: SendLineRole, command: CommandSyntax | undefined): void {
  const writable = line as { -readonly [K in keyof SendLine]: SendLine[K] };
  writable.role = role;
  writable.command = command;
}

function shapeOf(patterns: readonly LinePattern[]): ExpectationShape {
  if (patterns.length > 1) return 'lines';
  return patterns[0]?.kind === 'code' ? 'code' : 'line';
}

function codesCompatible(a: string, b: string): boolean {
  for (let i = 0; i < 3; i++) {
    const x = (a[i] as string).toLowerCase();
    const y = (b[i] as string).toLowerCase();
    if (x !== y && x !== 'x' && y !== 'x') return false;
  }
  return true;
}

/**
 * Whether an expectation says the server refuses a DATA command (a code that cannot be `354`,
 * such as `503` or `5xx`): then no body follows, and the lines after it are commands again, as
 * the runner reads them.
 */
function refusesData(item: QueueItem, patterns: readonly LinePattern[]): boolean {
  if (item.kind !== 'command' || item.verb !== 'DATA' || item.chunk !== undefined) return false;
  const first = patterns.find((pattern) => pattern.kind !== 'ellipsis');
  if (!first) return false;
  return !codeMatches(first.code.source, 354);
}
