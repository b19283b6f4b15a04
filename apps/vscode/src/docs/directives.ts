/**
 * What every `@directive` of the transcript format does (spec: transcript-format.md,
 * "Directives"), for hovers and completion details.
 */

/** Documentation of one directive. */
export interface DirectiveDoc {
  /** The name without its `@`, e.g. `connect`. */
  readonly name: string;
  /** How it is written, `@` included. */
  readonly syntax: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** A few sentences: arguments, defaults, interactions. */
  readonly details: string;
}

/** Every directive of the format, in the order a file usually uses them. */
export const DIRECTIVE_DOCS: readonly DirectiveDoc[] = [
  {
    name: 'server',
    syntax: '@server key=value …',
    summary: 'Options for the embedded server this file runs against.',
    details:
      'Known keys include `size=BYTES`, `auth=USER:PASS`, `hostname=NAME`, `maxRecipients=N` and `tls=off`. The ' +
      'options apply only to the embedded server; when the file runs against another server they are ignored with a ' +
      'warning.',
  },
  {
    name: 'connect',
    syntax: '@connect [host:port]',
    summary: 'Opens a new connection, to `host:port` or, without an argument, to the default server.',
    details:
      'The default server is the embedded one, started in-process on a free loopback port, unless a server was given ' +
      '(the `smtpTranscript.server` setting or `--server` on the command line). A file without any `@connect` runs ' +
      'against the default server. Write IPv6 addresses in brackets: `@connect [::1]:2525`.',
  },
  {
    name: 'tls',
    syntax: '@tls implicit | @tls insecure',
    summary:
      '`implicit`: the next connection speaks TLS from its first byte. `insecure`: accept any certificate.',
    details:
      '`implicit` is the port 465 style, as opposed to upgrading with STARTTLS. `insecure` applies from its line on and ' +
      "is meant for test servers with self-signed certificates; the embedded server's own certificate is always " +
      'trusted.',
  },
  {
    name: 'set',
    syntax: '@set name value',
    summary: 'Defines a variable that later lines use as `{{name}}`.',
    details:
      'The value is everything after the name, with escapes such as `\\r\\n` decoded and earlier variables ' +
      'substituted. Using a variable no `@set` defined is an error before anything is sent.',
  },
  {
    name: 'timeout',
    syntax: '@timeout DURATION',
    summary: 'How long to wait for each reply from here on (default 10s).',
    details: 'Durations are a whole number followed by `ms`, `s` or `m`: `500ms`, `5s`, `2m`.',
  },
  {
    name: 'sleep',
    syntax: '@sleep DURATION',
    summary: 'Waits this long before sending the next group of client lines.',
    details:
      "Handy to test a server's patience or its detection of clients that talk too early. Durations are a whole " +
      'number followed by `ms`, `s` or `m`.',
  },
  {
    name: 'close',
    syntax: '@close',
    summary: 'The client closes the connection now.',
    details: 'Follow it with `@connect` to start another session in the same file.',
  },
  {
    name: 'closed',
    syntax: '@closed',
    summary: 'Expects the server to close the connection here, without sending another reply.',
    details:
      'Use it after a reply that ends the session, such as `421`, or to check that a server drops a misbehaving ' +
      'client.',
  },
];

const DIRECTIVES_BY_NAME: ReadonlyMap<string, DirectiveDoc> = new Map(
  DIRECTIVE_DOCS.map((doc) => [doc.name, doc]),
);

/** The documentation of a directive, by name with or without its `@`; undefined if unknown. */
export function describeDirective(name: string): DirectiveDoc | undefined {
  return DIRECTIVES_BY_NAME.get(name.startsWith('@') ? name.slice(1) : name);
}
