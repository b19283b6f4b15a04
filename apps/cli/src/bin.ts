#!/usr/bin/env node
import { main } from './main.js';

// SIGINT/SIGTERM abort this signal instead of killing the process, so long-running commands
// (serve, record) stop gracefully and exit with their own status.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(signal);
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  stop: controller.signal,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
});
process.exitCode = code;
// Commands close their own servers and sockets; this is a backstop so a stray handle can't
// keep a finished CLI alive.
setTimeout(() => process.exit(code), 2000).unref();
