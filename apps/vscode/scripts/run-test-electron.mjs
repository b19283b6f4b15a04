#!/usr/bin/env node
// Runs the same Mocha suite under @vscode/test-electron, which downloads VS Code 1.100.3 (the
// version code-server 4.100.3 bundles) from Microsoft's update service: for machines with
// internet access. Where only the npm registry is reachable, use scripts/run-vscode-tests.mjs.
//
// usage: node scripts/run-test-electron.mjs        (after scripts/bundle.mjs and compile-tests.mjs)
// env:   SMTP_TEST_FORCE_FAIL=1 adds a deliberately failing test
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// 2.5.x: the 3.x line requires Node 22.
import { runTests } from '@vscode/test-electron';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const extensionTestsEnv = {};
if (process.env.SMTP_TEST_FORCE_FAIL)
  extensionTestsEnv.SMTP_TEST_FORCE_FAIL = process.env.SMTP_TEST_FORCE_FAIL;

try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: extensionDir,
    extensionTestsPath: path.join(extensionDir, 'out/test/suite/index.js'),
    launchArgs: [
      path.join(extensionDir, 'test/fixtures/workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
    extensionTestsEnv,
  });
} catch (error) {
  console.error(`run-test-electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
