import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cliLaunch,
  formatHostPort,
  parseListeningLine,
  recordArguments,
  serveArguments,
} from './cli-launch.js';

const node = '/opt/vscode/code';
const bundled = '/ext/dist/smtp-cli.mjs';

describe('cliLaunch', () => {
  it('runs the bundled CLI with the extension host binary as Node', () => {
    expect(cliLaunch({ cliPath: undefined, bundledCli: bundled, nodeExecutable: node })).toEqual({
      command: node,
      leadingArgs: [bundled],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  });

  it('runs a configured JavaScript file the same way', () => {
    for (const script of ['/repo/apps/cli/dist/bin.js', '/x/smtp.mjs', '/x/smtp.CJS']) {
      const launch = cliLaunch({ cliPath: script, bundledCli: bundled, nodeExecutable: node });
      expect(launch.command).toBe(node);
      expect(launch.leadingArgs).toEqual([script]);
    }
  });

  it('runs a configured binary directly', () => {
    expect(cliLaunch({ cliPath: '/usr/local/bin/smtp', bundledCli: bundled, nodeExecutable: node })).toEqual({
      command: '/usr/local/bin/smtp',
      leadingArgs: [],
      env: {},
    });
  });
});

describe('command lines', () => {
  it('serve on the given address with STARTTLS', () => {
    expect(serveArguments('127.0.0.1', 0)).toEqual([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--tls-self-signed',
    ]);
  });

  it('record between a listen address and an upstream into a file', () => {
    expect(recordArguments('127.0.0.1:2526', '[::1]:25', '/w/r.smtp')).toEqual([
      'record',
      '--listen',
      '127.0.0.1:2526',
      '--upstream',
      '[::1]:25',
      '--out',
      '/w/r.smtp',
    ]);
  });
});

describe('parseListeningLine', () => {
  it('reads IPv4, host names and bracketed IPv6', () => {
    expect(parseListeningLine('listening on smtp://127.0.0.1:2525')).toEqual({
      host: '127.0.0.1',
      port: 2525,
    });
    expect(parseListeningLine('listening on smtp://[::1]:40000')).toEqual({ host: '::1', port: 40000 });
    expect(parseListeningLine('listening on smtp://localhost:25\r')).toEqual({ host: 'localhost', port: 25 });
  });

  it('ignores other lines and impossible ports', () => {
    for (const line of [
      'stored abc from=<a@b> to=<c@d> size=10',
      'smtp: port 2525 is in use',
      'listening on smtp://127.0.0.1:0',
      'listening on smtp://127.0.0.1:70000',
      'listening on http://127.0.0.1:80',
      'listening on smtp://::1:25',
    ])
      expect(parseListeningLine(line)).toBeUndefined();
  });

  it('reads back every address formatHostPort writes', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    fc.assert(
      fc.property(host, fc.integer({ min: 1, max: 65_535 }), (h, port) => {
        const parsed = parseListeningLine(`listening on smtp://${formatHostPort(h, port)}`);
        return parsed?.host === h && parsed.port === port;
      }),
    );
  });
});
