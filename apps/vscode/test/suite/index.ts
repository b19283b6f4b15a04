/**
 * Entry point of the extension-host test suite. VS Code `require`s the compiled file and calls
 * `run()`: a resolved promise ends the test host with exit code 0, a rejected one with 1. The
 * same contract serves code-server (scripts/run-vscode-tests.mjs) and @vscode/test-electron
 * (scripts/run-test-electron.mjs).
 *
 * When VSCODE_TEST_RESULTS_FILE is set, a JSON summary ({passed, failed, pending, tests, output})
 * is written there, because the code-server runner cannot read the extension host's stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import Mocha from 'mocha';

interface TestOutcome {
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly error?: string;
}

/** Runs every compiled `*.test.js` beside this file. */
export function run(): Promise<void> {
  const lines: string[] = [];
  // The spec reporter prints through Base.consoleLog, printf-style ('%s%s', indent, title).
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const line = util.format(...args);
    lines.push(line);
    console.log(line);
  };

  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 20_000 });
  for (const name of fs.readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(path.join(__dirname, name));
  }

  const outcomes: TestOutcome[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      writeResults(outcomes, lines);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => outcomes.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: unknown) =>
      outcomes.push({ title: test.fullTitle(), state: 'failed', error: errorText(error) }),
    );
    runner.on('pending', (test) => outcomes.push({ title: test.fullTitle(), state: 'pending' }));
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function writeResults(outcomes: readonly TestOutcome[], lines: readonly string[]): void {
  const file = process.env.VSCODE_TEST_RESULTS_FILE;
  if (!file) return;
  const count = (state: TestOutcome['state']) => outcomes.filter((o) => o.state === state).length;
  const results = {
    passed: count('passed'),
    failed: count('failed'),
    pending: count('pending'),
    tests: outcomes,
    output: lines.join('\n'),
  };
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
}
