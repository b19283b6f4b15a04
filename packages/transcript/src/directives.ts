/**
 * The directives of the format, one typed parser per name in a table. A parser reports its
 * own argument errors and returns undefined when the directive cannot be used.
 */
import {
  MAX_DURATION_MS,
  type Parsed,
  parseCount,
  parseCredentials,
  parseDuration,
  parseHostname,
  parseHostPort,
  parseScriptPath,
  parseSwitch,
} from './arguments.js';
import type {
  Directive,
  DirectiveArgument,
  DirectiveName,
  Range,
  ServerOption,
  ServerOptionKey,
  ServerSettings,
  TlsModeArgument,
} from './ast.js';
import type { DiagnosticList } from './diagnostics.js';
import { parseText, VARIABLE_NAME } from './escapes.js';
import { lineRange } from './ranges.js';
import { closestMatch } from './suggest.js';

/** What a directive parser gets: the line split into name and arguments. */
export interface DirectiveInput {
  readonly line: number;
  /** The whole source line. */
  readonly source: string;
  /** The directive's range on the line (from `@` to the end). */
  readonly range: Range;
  readonly nameRange: Range;
  /** Index in `source` just after the name. */
  readonly afterName: number;
  readonly args: readonly DirectiveArgument[];
  readonly diagnostics: DiagnosticList;
}

type DirectiveParser = (input: DirectiveInput) => Directive | undefined;

/** Splits `source` from `start` into whitespace-separated arguments with their ranges. */
export function splitArguments(source: string, start: number, line: number): DirectiveArgument[] {
  const args: DirectiveArgument[] = [];
  const token = /\S+/g;
  token.lastIndex = start;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    args.push({ text: match[0], range: lineRange(line, match.index, match.index + match[0].length) });
  }
  return args;
}

const DIRECTIVES: ReadonlyMap<DirectiveName, DirectiveParser> = new Map<DirectiveName, DirectiveParser>([
  ['connect', parseConnect],
  ['tls', parseTls],
  ['set', parseSet],
  ['timeout', (input) => parseDurationDirective(input, 'timeout', 1)],
  ['sleep', (input) => parseDurationDirective(input, 'sleep', 0)],
  ['close', (input) => parseBare(input, 'close')],
  ['closed', (input) => parseBare(input, 'closed')],
  ['server', parseServer],
]);

/** Every directive name, for completion and suggestions. */
export const DIRECTIVE_NAMES: readonly DirectiveName[] = [...DIRECTIVES.keys()];

/** Parses a directive by its name; reports unknown names with a suggestion. */
export function parseDirective(name: string, input: DirectiveInput): Directive | undefined {
  const parser = DIRECTIVES.get(name as DirectiveName);
  if (parser) return parser(input);
  const guess = closestMatch(name, DIRECTIVE_NAMES);
  input.diagnostics.error(
    input.nameRange,
    'unknown-directive',
    `unknown directive @${name} (${guess ? `did you mean @${guess}?` : `directives are ${DIRECTIVE_NAMES.map((n) => `@${n}`).join(', ')}`})`,
  );
  return undefined;
}

function base(input: DirectiveInput) {
  return { range: input.range, nameRange: input.nameRange, args: input.args };
}

function tooMany(input: DirectiveInput, name: string, allowed: number, usage: string): boolean {
  const extra = input.args[allowed];
  if (!extra) return false;
  const last = input.args[input.args.length - 1] as DirectiveArgument;
  input.diagnostics.error(
    { start: extra.range.start, end: last.range.end },
    'extra-argument',
    allowed === 0 ? `@${name} takes no arguments` : `@${name} takes ${usage}; remove \`${extra.text}\``,
  );
  return true;
}

function parseConnect(input: DirectiveInput): Directive | undefined {
  if (tooMany(input, 'connect', 1, 'one host:port')) return undefined;
  const arg = input.args[0];
  if (!arg) return { name: 'connect', ...base(input) };
  if (arg.text.includes('{{')) {
    input.diagnostics.error(
      arg.range,
      'bad-argument',
      '@connect takes a literal host:port; use `smtp run --server HOST:PORT` to choose the server at run time',
    );
    return undefined;
  }
  const parsed = parseHostPort(arg.text);
  if (!parsed.ok) {
    input.diagnostics.error(arg.range, 'bad-address', `@connect: ${parsed.reason}`);
    return undefined;
  }
  const { host, hostStart, hostEnd, port, portStart } = parsed.value;
  const column = arg.range.start.character;
  return {
    name: 'connect',
    ...base(input),
    target: {
      host,
      port,
      range: arg.range,
      hostRange: lineRange(input.line, column + hostStart, column + hostEnd),
      portRange: lineRange(input.line, column + portStart, arg.range.end.character),
    },
  };
}

const TLS_MODES = ['implicit', 'insecure'] as const;

function parseTls(input: DirectiveInput): Directive | undefined {
  if (input.args.length === 0) {
    input.diagnostics.error(input.nameRange, 'missing-argument', '@tls needs a mode: implicit or insecure');
    return undefined;
  }
  const modes: TlsModeArgument[] = [];
  for (const arg of input.args) {
    const mode = TLS_MODES.find((m) => m === arg.text);
    if (mode) {
      modes.push({ mode, range: arg.range });
      continue;
    }
    const guess = closestMatch(arg.text, TLS_MODES);
    input.diagnostics.error(
      arg.range,
      'bad-argument',
      `unknown @tls mode \`${arg.text}\` (${guess ? `did you mean ${guess}?` : 'use implicit or insecure'})`,
    );
  }
  if (modes.length !== input.args.length) return undefined;
  return { name: 'tls', ...base(input), modes };
}

function parseSet(input: DirectiveInput): Directive | undefined {
  const nameArg = input.args[0];
  if (!nameArg) {
    input.diagnostics.error(
      input.nameRange,
      'missing-argument',
      '@set needs a name and a value, like `@set user alice`',
    );
    return undefined;
  }
  if (!VARIABLE_NAME.test(nameArg.text)) {
    input.diagnostics.error(
      nameArg.range,
      'bad-argument',
      `\`${nameArg.text}\` is not a variable name (letters, digits, \`_\`, \`.\` and \`-\`, starting with a letter or \`_\`)`,
    );
    return undefined;
  }
  const { source, line, diagnostics } = input;
  let valueStart = nameArg.range.end.character;
  while (valueStart < source.length && (source[valueStart] === ' ' || source[valueStart] === '\t'))
    valueStart++;
  const valueSource = source.slice(valueStart);
  const before = diagnostics.items.length;
  const value = parseText(valueSource, line, valueStart, diagnostics);
  if (diagnostics.items.slice(before).some((d) => d.severity === 'error')) return undefined;
  if (/[ \t]$/.test(valueSource)) {
    diagnostics.warning(
      lineRange(line, valueStart + valueSource.trimEnd().length, source.length),
      'trailing-space',
      'trailing space is part of the value (remove it, or write `\\x20` if you mean it)',
    );
  }
  return { name: 'set', ...base(input), variable: nameArg.text, variableRange: nameArg.range, value };
}

function parseDurationDirective(
  input: DirectiveInput,
  name: 'timeout' | 'sleep',
  min: number,
): Directive | undefined {
  const arg = input.args[0];
  const usage = `@${name} needs a duration like ${name === 'timeout' ? '5s or 200ms' : '200ms or 2s'}`;
  if (!arg) {
    input.diagnostics.error(input.nameRange, 'missing-argument', `${usage} (units: ms, s, m)`);
    return undefined;
  }
  if (tooMany(input, name, 1, 'one duration')) return undefined;
  const parsed = parseDuration(arg.text);
  if (!parsed.ok) {
    const message = /^\d+$/.test(arg.text)
      ? `${usage}: \`${arg.text}\` has no unit (write ${arg.text}ms or ${arg.text}s)`
      : `${usage}, got \`${arg.text}\``;
    input.diagnostics.error(arg.range, 'bad-duration', message);
    return undefined;
  }
  if (parsed.value < min || parsed.value > MAX_DURATION_MS) {
    input.diagnostics.error(
      arg.range,
      'duration-range',
      `@${name} must be ${min === 0 ? 'from 0ms' : 'more than 0ms'} up to 10m, got ${arg.text}`,
    );
    return undefined;
  }
  return { name, ...base(input), milliseconds: parsed.value, durationRange: arg.range };
}

function parseBare(input: DirectiveInput, name: 'close' | 'closed'): Directive | undefined {
  if (tooMany(input, name, 0, '')) return undefined;
  return { name, ...base(input) };
}

// ---------------------------------------------------------------------------------------------
// @server

type MutableSettings = { -readonly [K in keyof ServerSettings]: ServerSettings[K] };

interface ServerOptionSpec {
  readonly key: ServerOptionKey;
  /** Whether the key may be given several times (values accumulate). */
  readonly repeatable: boolean;
  /** Sets the value on `settings`, or returns why it cannot. */
  readonly apply: (settings: MutableSettings, value: string) => string | undefined;
}

function setter<T>(
  parse: (text: string) => Parsed<T>,
  assign: (settings: MutableSettings, value: T) => void,
) {
  return (settings: MutableSettings, text: string): string | undefined => {
    const parsed = parse(text);
    if (!parsed.ok) return parsed.reason;
    assign(settings, parsed.value);
    return undefined;
  };
}

const SERVER_OPTIONS: readonly ServerOptionSpec[] = [
  {
    key: 'size',
    repeatable: false,
    apply: setter(
      (t) => parseCount(t, 0, 'size'),
      (s, v) => {
        s.size = v;
      },
    ),
  },
  {
    key: 'auth',
    repeatable: true,
    apply: setter(parseCredentials, (s, v) => {
      s.auth = [...(s.auth ?? []), v];
    }),
  },
  {
    key: 'hostname',
    repeatable: false,
    apply: setter(parseHostname, (s, v) => {
      s.hostname = v;
    }),
  },
  {
    key: 'maxRecipients',
    repeatable: false,
    apply: setter(
      (t) => parseCount(t, 1, 'maxRecipients'),
      (s, v) => {
        s.maxRecipients = v;
      },
    ),
  },
  {
    key: 'maxErrors',
    repeatable: false,
    apply: setter(
      (t) => parseCount(t, 0, 'maxErrors'),
      (s, v) => {
        s.maxErrors = v;
      },
    ),
  },
  {
    key: 'tls',
    repeatable: false,
    apply: setter(
      (t) => parseSwitch(t, 'tls'),
      (s, v) => {
        s.tls = v;
      },
    ),
  },
  {
    key: 'allowInsecureAuth',
    repeatable: false,
    apply: setter(
      (t) => parseSwitch(t, 'allowInsecureAuth'),
      (s, v) => {
        s.allowInsecureAuth = v;
      },
    ),
  },
  {
    key: 'lenientLineEndings',
    repeatable: false,
    apply: setter(
      (t) => parseSwitch(t, 'lenientLineEndings'),
      (s, v) => {
        s.lenientLineEndings = v;
      },
    ),
  },
  {
    key: 'script',
    repeatable: false,
    apply: setter(parseScriptPath, (s, v) => {
      s.script = v;
    }),
  },
];

/** The `@server` keys, for completion, suggestions and docs. */
export const SERVER_OPTION_KEYS: readonly ServerOptionKey[] = SERVER_OPTIONS.map((o) => o.key);

const SERVER_OPTIONS_BY_LOWER_KEY: ReadonlyMap<string, ServerOptionSpec> = new Map(
  SERVER_OPTIONS.map((o) => [o.key.toLowerCase(), o]),
);

/**
 * Merges `@server` options in order onto `settings`, reporting repeated keys against `seen`
 * (keys already given on earlier lines).
 */
export function mergeServerSettings(
  target: MutableSettings,
  options: readonly ServerOption[],
  seen: Set<ServerOptionKey>,
  diagnostics: DiagnosticList,
): void {
  for (const option of options) {
    const spec = option.key && SERVER_OPTIONS_BY_LOWER_KEY.get(option.key.toLowerCase());
    if (!spec) continue;
    if (!spec.repeatable && seen.has(spec.key)) {
      diagnostics.warning(
        option.keyRange,
        'duplicate-server-key',
        `@server ${spec.key} is given more than once; the last value (${option.value}) wins`,
      );
    }
    seen.add(spec.key);
    spec.apply(target, option.value);
  }
}

function parseServer(input: DirectiveInput): Directive | undefined {
  if (input.args.length === 0) {
    input.diagnostics.error(
      input.nameRange,
      'missing-argument',
      `@server needs key=value options (${SERVER_OPTION_KEYS.join(', ')})`,
    );
    return undefined;
  }
  const options: ServerOption[] = [];
  const settings: MutableSettings = {};
  for (const arg of input.args) {
    const equals = arg.text.indexOf('=');
    if (equals <= 0) {
      input.diagnostics.error(
        arg.range,
        'bad-argument',
        `@server options are key=value, got \`${arg.text}\``,
      );
      continue;
    }
    const column = arg.range.start.character;
    const keyText = arg.text.slice(0, equals);
    const value = arg.text.slice(equals + 1);
    const keyRange = lineRange(input.line, column, column + equals);
    const valueRange = lineRange(input.line, column + equals + 1, arg.range.end.character);
    const spec = SERVER_OPTIONS_BY_LOWER_KEY.get(keyText.toLowerCase());
    if (!spec) {
      const guess = closestMatch(keyText, SERVER_OPTION_KEYS);
      input.diagnostics.warning(
        keyRange,
        'unknown-server-key',
        `unknown @server key \`${keyText}\`${guess ? ` (did you mean ${guess}?)` : ''}; known keys: ${SERVER_OPTION_KEYS.join(', ')}`,
      );
      options.push({ key: undefined, keyText, value, range: arg.range, keyRange, valueRange });
      continue;
    }
    // The option's setter leaves `settings` untouched when the value is invalid.
    const problem = spec.apply(settings, value);
    if (problem) {
      input.diagnostics.error(valueRange, 'bad-server-value', `@server ${problem}`);
      continue;
    }
    options.push({ key: spec.key, keyText, value, range: arg.range, keyRange, valueRange });
  }
  return { name: 'server', ...base(input), options, settings };
}
