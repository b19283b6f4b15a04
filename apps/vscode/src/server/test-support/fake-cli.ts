/**
 * A stand-in for the `smtp` binary in tests of the process handling: a small Node script whose
 * behaviour is chosen by FAKE_SMTP_MODE, written to a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = `
import net from 'node:net';
const [command, ...rest] = process.argv.slice(2);
const mode = process.env.FAKE_SMTP_MODE ?? 'ok';
const flag = (name) => rest[rest.indexOf(name) + 1];
if (command !== 'serve') { console.error('smtp: unknown command ' + command); process.exit(2); }
if (mode === 'fail') { console.error('smtp: cannot listen on 127.0.0.1:' + flag('--port') + ': address in use'); process.exit(2); }
const server = net.createServer((socket) => socket.end('220 fake\\r\\n'));
server.listen(Number(flag('--port')), flag('--host'), () => {
  if (mode !== 'silent') console.log('listening on smtp://' + flag('--host') + ':' + server.address().port);
  if (mode === 'crash') setTimeout(() => { console.error('smtp: internal error: boom'); process.exit(3); }, 100);
});
process.on('SIGTERM', () => {
  if (mode === 'stubborn') { console.log('ignoring SIGTERM'); return; }
  console.log('stopping');
  server.close(() => process.exit(0));
});
// A bounded life: a test that forgets to stop this process does not leave it behind for long.
setTimeout(() => process.exit(9), 30_000).unref?.();
setInterval(() => {}, 1000);
`;

/** Writes the fake CLI to a new temporary folder; `remove` deletes the folder. */
export function writeFakeCli(): { readonly file: string; readonly remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-vscode-fake-cli-'));
  const file = path.join(dir, 'fake-smtp.mjs');
  fs.writeFileSync(file, SCRIPT);
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
