/**
 * The extension's settings (`smtpTranscript.*`), read through a getter so this module stays free
 * of `vscode` and every value a user can type is checked here, with a message fit for the UI.
 */
import { CONFIGURATION_SECTION } from './ids.js';

/** A server address from the settings. */
export interface ServerAddress {
  /** Host name or IP address; IPv6 without its brackets. */
  readonly host: string;
  readonly port: number;
}

/** The settings, checked and converted. */
export interface ExtensionSettings {
  /** Default server for files without `@connect host:port`; undefined: the embedded server. */
  readonly server: ServerAddress | undefined;
  /** Per-reply timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Whether certificates that do not chain to a trusted authority are accepted. */
  readonly allowSelfSigned: boolean;
  /** An `smtp` binary to use instead of the bundled code; undefined: the bundled one. */
  readonly cliPath: string | undefined;
  /** The port "Start Embedded Server" listens on (0: any free port). */
  readonly serverPort: number;
}

/** A setting that could not be used, and why; its default applies instead. */
export interface SettingProblem {
  /** The full key, e.g. `smtpTranscript.timeout`. */
  readonly key: string;
  readonly message: string;
}

/** Reads one setting by its key relative to the section (`timeout`, `tls.allowSelfSigned`). */
export type SettingGetter = (key: string) => unknown;

/** The values that apply when nothing is configured (they match `package.json`). */
export const DEFAULT_SETTINGS: ExtensionSettings = {
  server: undefined,
  timeoutMs: 10_000,
  allowSelfSigned: false,
  cliPath: undefined,
  serverPort: 2525,
};

/** The relative keys this module reads; the manifest test checks each one is contributed. */
export const SETTING_KEYS = [
  'server',
  'timeout',
  'tls.allowSelfSigned',
  'cliPath',
  'embeddedServer.port',
] as const;

const DURATION = /^([0-9]+)(ms|s|m)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})$/;

/** Milliseconds of a duration such as `500ms`, `10s`, `2m`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

/** The host and port of `host:port` or `[ipv6]:port`; undefined when it is not one. */
export function parseServerAddress(text: string): ServerAddress | undefined {
  const match = HOST_PORT.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** The settings from `get`, with a problem (and the default) for each value that cannot be used. */
export function readSettings(get: SettingGetter): {
  readonly settings: ExtensionSettings;
  readonly problems: readonly SettingProblem[];
} {
  const problems: SettingProblem[] = [];
  const complain = (key: string, message: string) =>
    problems.push({ key: `${CONFIGURATION_SECTION}.${key}`, message });

  let server = DEFAULT_SETTINGS.server;
  const serverText = get('server');
  if (typeof serverText === 'string' && serverText.trim() !== '') {
    server = parseServerAddress(serverText);
    if (!server)
      complain('server', `"${serverText}" is not host:port (e.g. 127.0.0.1:2525); using the embedded server`);
  }

  let timeoutMs = DEFAULT_SETTINGS.timeoutMs;
  const timeoutText = get('timeout');
  if (typeof timeoutText === 'string' && timeoutText.trim() !== '') {
    const parsed = parseDuration(timeoutText);
    if (parsed === undefined || parsed === 0)
      complain('timeout', `"${timeoutText}" is not a duration like 10s, 500ms or 2m; using 10s`);
    else timeoutMs = parsed;
  }

  const allowSelfSigned = get('tls.allowSelfSigned') === true;

  const cliText = get('cliPath');
  const cliPath = typeof cliText === 'string' && cliText.trim() !== '' ? cliText.trim() : undefined;

  let serverPort = DEFAULT_SETTINGS.serverPort;
  const portValue = get('embeddedServer.port');
  if (portValue !== undefined && portValue !== null) {
    if (typeof portValue === 'number' && Number.isInteger(portValue) && portValue >= 0 && portValue <= 65_535)
      serverPort = portValue;
    else
      complain(
        'embeddedServer.port',
        `"${String(portValue)}" is not a port number (0-65535, 0 for any free port); using ${serverPort}`,
      );
  }

  return { settings: { server, timeoutMs, allowSelfSigned, cliPath, serverPort }, problems };
}
