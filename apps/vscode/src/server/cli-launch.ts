import type { CliProcess } from './cli-process.js';

/**
 * How to start the `smtp` command line: the copy bundled with the extension (run by the Node
 * inside VS Code), or the one `smtpTranscript.cliPath` names.
 */

/** An executable and the arguments that come before the command's own. */
export interface CliLaunch {
  readonly command: string;
  readonly leadingArgs: readonly string[];
  /** Extra environment: lets VS Code's Electron binary run a script as plain Node. */
  readonly env: Readonly<Record<string, string>>;
}

/** Where the pieces are. */
export interface CliLocations {
  /** `smtpTranscript.cliPath`, when set. */
  readonly cliPath: string | undefined;
  /** The CLI bundled with the extension (a JavaScript file). */
  readonly bundledCli: string;
  /** The Node (or Electron) binary running the extension host: `process.execPath`. */
  readonly nodeExecutable: string;
}

const SCRIPT = /\.[cm]?js$/i;
const AS_NODE = { ELECTRON_RUN_AS_NODE: '1' } as const;

/**
 * The launch for the configured CLI: a JavaScript file runs under the extension host's Node,
 * anything else (an installed `smtp` binary) runs on its own.
 */
export function cliLaunch(locations: CliLocations): CliLaunch {
  const script = locations.cliPath ?? locations.bundledCli;
  if (locations.cliPath !== undefined && !SCRIPT.test(locations.cliPath))
    return { command: locations.cliPath, leadingArgs: [], env: {} };
  return { command: locations.nodeExecutable, leadingArgs: [script], env: AS_NODE };
}

/** `smtp serve` for the embedded server: loopback, STARTTLS with a self-signed certificate. */
export function serveArguments(host: string, port: number): string[] {
  return ['serve', '--host', host, '--port', String(port), '--tls-self-signed'];
}

/** `smtp record` between a client (on `listen`) and a server (`upstream`), into `out`. */
export function recordArguments(listen: string, upstream: string, out: string): string[] {
  return ['record', '--listen', listen, '--upstream', upstream, '--out', out];
}

/** The address in `smtp serve`'s `listening on smtp://HOST:PORT` line. */
export interface ListeningAddress {
  /** As printed; an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
}

/** Matches the line `smtp serve` prints once it accepts connections (cli.md). */
export const LISTENING_LINE = /^listening on smtp:\/\/(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})\s*$/;

/** The address of a `listening on smtp://HOST:PORT` line; undefined for any other line. */
export function parseListeningLine(line: string): ListeningAddress | undefined {
  const match = LISTENING_LINE.exec(line);
  return match ? listeningAddressOf(match) : undefined;
}

/** The address from a match of {@link LISTENING_LINE}; undefined for a port out of range. */
export function listeningAddressOf(match: RegExpExecArray): ListeningAddress | undefined {
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Waits until a started `smtp serve` or `smtp record` prints its `listening on` line, and
 * resolves with the address; rejects after `timeoutMs` or when the process exits first.
 */
export async function untilListening(child: CliProcess, timeoutMs: number): Promise<ListeningAddress> {
  const match = await child.waitForLine(LISTENING_LINE, timeoutMs);
  const address = listeningAddressOf(match);
  if (!address) throw new Error(`unexpected line "${match[0]}"`);
  return address;
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
