#!/usr/bin/env node
// Runs the extension's Mocha suite (out/test/suite/index.js) in a real VS Code 1.100 extension
// host: code-server 4.100.3 serves the workbench, headless Chromium (Debian's, driven by
// playwright-core) loads it with a test payload, and the workbench calls
// window.codeAutomationExit(code) when the test host exits.
//
// usage: node scripts/run-vscode-tests.mjs [--screenshot FILE.png] [--vsix] [--timeout SECONDS] [--keep]
//   --screenshot  afterwards, open a normal window and check the UI (Quick Open, language in the
//                 status bar, grammar colours, command palette, a transcript run from the palette
//                 with its inline results), then save a screenshot of that run
//   --vsix        then package the extension with vsce, install the .vsix into code-server (no
//                 development path: the installed copy only) and run a transcript with it
//   --timeout     give up on the suite after this many seconds (default 180)
//   --keep        keep the temporary profile, logs and results for inspection
// env: CODE_SERVER_ENTRY, CHROMIUM_PATH override the defaults; SMTP_TEST_FORCE_FAIL=1 (and any
//      other variable) reaches the extension host through code-server's environment.
//
// Exit status 0 only when every test passed; the last line is always `N passed, M failed`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TESTS_ENTRY = path.join(EXTENSION_DIR, 'out/test/suite/index.js');
const WORKSPACE_DIR = path.join(EXTENSION_DIR, 'test/fixtures/workspace');
/** Where a failing UI check leaves a screenshot of the window. */
const FAILURE_SCREENSHOTS_DIR = path.join(EXTENSION_DIR, 'out/screenshots/failed');
const CODE_SERVER_ENTRY =
  process.env.CODE_SERVER_ENTRY ??
  path.join(EXTENSION_DIR, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const options = parseArguments(process.argv.slice(2));
const startedAt = Date.now();
const log = (...parts) =>
  console.log(`[vscode-test +${((Date.now() - startedAt) / 1000).toFixed(1)}s]`, ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArguments(args) {
  const parsed = { screenshot: undefined, vsix: false, timeoutSeconds: 180, keep: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--keep') parsed.keep = true;
    else if (arg === '--vsix') parsed.vsix = true;
    else if (arg === '--screenshot' && args[i + 1]) parsed.screenshot = path.resolve(args[++i]);
    else if (arg === '--timeout' && Number(args[i + 1]) > 0) parsed.timeoutSeconds = Number(args[++i]);
    else {
      console.error(`run-vscode-tests: unknown or incomplete argument "${arg}"`);
      console.error(
        'usage: node scripts/run-vscode-tests.mjs [--screenshot FILE.png] [--vsix] [--timeout SECONDS] [--keep]',
      );
      console.log('0 passed, 1 failed');
      process.exit(2);
    }
  }
  return parsed;
}

// ------------------------------------------------------------------------------- preconditions
const missing = [
  [TESTS_ENTRY, 'compile the suite first: node scripts/compile-tests.mjs'],
  [path.join(EXTENSION_DIR, 'dist/extension.js'), 'bundle the extension first: node scripts/bundle.mjs'],
  [CODE_SERVER_ENTRY, 'install code-server first: sh scripts/install-vscode-test-deps.sh'],
  [CHROMIUM_PATH, 'install Chromium first: sh scripts/install-vscode-test-deps.sh'],
].filter(([file]) => !fs.existsSync(file));
if (missing.length > 0) {
  for (const [file, hint] of missing) console.error(`run-vscode-tests: ${file} is missing; ${hint}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ------------------------------------------------------------------------------- cleanup
const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-vscode-test-'));
/** @type {import('node:child_process').ChildProcess | undefined} */
let codeServer;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** How code-server was started, for `--install-extension` with the same folders. */
let codeServerSetup;
let cleanedUp = false;

async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (browser) await browser.close().catch(() => {});
  if (codeServer?.pid) {
    // code-server was spawned detached, so it leads a process group that also holds the
    // extension host, file watcher and pty host: signal the group by the PID we spawned.
    const running = codeServer.exitCode === null && codeServer.signalCode === null;
    if (running) {
      const exited = new Promise((resolve) => codeServer.once('exit', resolve));
      signalGroup(codeServer.pid, 'SIGTERM');
      await Promise.race([exited, sleep(5000)]);
    }
    signalGroup(codeServer.pid, 'SIGKILL');
  }
  if (!options.keep) fs.rmSync(profileDir, { recursive: true, force: true });
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`received ${signal}, cleaning up`);
    cleanUp().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------------------- code-server
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'window.restoreWindows': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'remote.autoForwardPorts': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'git.enabled': false,
};

async function startCodeServer() {
  const port = await freePort();
  const dir = (name) => {
    const full = path.join(profileDir, name);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  const userData = dir('user-data');
  fs.writeFileSync(path.join(dir('user-data/User'), 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  // Without --config, code-server writes ~/.config/code-server/config.yaml.
  const config = path.join(profileDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const resultsFile = path.join(profileDir, 'results.json');
  const extensionsDir = dir('extensions');
  const env = {
    ...process.env,
    XDG_DATA_HOME: dir('xdg-data'),
    XDG_CONFIG_HOME: dir('xdg-config'),
    XDG_CACHE_HOME: dir('xdg-cache'),
    // VS Code's IPC sockets go here instead of /tmp, so they go away with the profile.
    XDG_RUNTIME_DIR: dir('xdg-runtime'),
    VSCODE_TEST_RESULTS_FILE: resultsFile,
    // A closed loopback port as extension gallery: the workbench makes no outside lookups.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: 'http://127.0.0.1:9/gallery',
      itemUrl: 'http://127.0.0.1:9/item',
      resourceUrlTemplate: 'http://127.0.0.1:9/resource/{publisher}/{name}/{version}/{path}',
    }),
  };
  const args = [
    CODE_SERVER_ENTRY,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
  ];
  const logFile = path.join(profileDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  codeServer = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  log(`code-server pid ${codeServer.pid} on 127.0.0.1:${port}`);
  await waitUntilHealthy(`http://127.0.0.1:${port}/healthz`, 60_000);
  log('code-server is ready');
  codeServerSetup = { args, env, config, userData, extensionsDir };
  return { port, resultsFile, logFile, userData };
}

async function waitUntilHealthy(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null)
      throw new Error(`code-server exited early with code ${codeServer.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}

// ------------------------------------------------------------------------------- workbench
async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * The workbench URL; with `withTests`, the window becomes the test extension host. With
 * `installed`, no development extension is loaded: the window uses the installed extensions.
 */
function workbenchUrl(port, withTests, { installed = false } = {}) {
  const authority = `127.0.0.1:${port}`;
  const remote = (file) => `vscode-remote://${authority}${file}`;
  const payload = installed
    ? [
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ]
    : [
        ['extensionDevelopmentPath', remote(EXTENSION_DIR)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
        // Installed extensions off; built-ins and the development extension stay on.
        ['disableExtensions', 'true'],
      ];
  if (withTests) payload.push(['extensionTestsPath', remote(TESTS_ENTRY)]);
  const query = new URLSearchParams({ folder: WORKSPACE_DIR, payload: JSON.stringify(payload) });
  return `http://${authority}/?${query}`;
}

async function runSuite(port, resultsFile) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  let reportExit;
  const exited = new Promise((resolve) => {
    reportExit = resolve;
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit({ code }));
  await page.goto(workbenchUrl(port, true));
  log('workbench loaded; waiting for the suite');
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ code: 'timeout' }), options.timeoutSeconds * 1000);
  });
  const { code } = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  await page.close().catch(() => {});
  fs.writeFileSync(path.join(profileDir, 'browser-console.log'), consoleLines.join('\n'));
  let results;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    results = undefined;
  }
  return { code, results, consoleLines };
}

/** Named checks on a page, each counted as passed or failed, and the page helpers they use. */
function uiChecks(page) {
  const checks = [];
  const check = async (name, body) => {
    try {
      await body();
      checks.push({ name, ok: true });
      log(`ui ok: ${name}`);
    } catch (error) {
      checks.push({ name, ok: false });
      log(`ui FAILED: ${name}: ${error.message.split('\n')[0]}`);
      // What the window showed, for a failure on a machine nobody can look at.
      const shot = path.join(FAILURE_SCREENSHOTS_DIR, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.png`);
      fs.mkdirSync(FAILURE_SCREENSHOTS_DIR, { recursive: true });
      await page
        .screenshot({ path: shot })
        .then(() => log(`  the window at that moment: ${shot}`))
        .catch(() => {});
    }
  };
  const palette = async (text) => {
    const input = page.locator('.quick-input-widget input');
    // A key pressed while a loaded machine is still restoring the window can go unheard: ask again.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press(text.startsWith('>') ? 'F1' : 'Control+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 4)
          throw new Error(
            `the ${text.startsWith('>') ? 'command palette' : 'Quick Open'} input did not open: ${error.message.split('\n')[0]}`,
          );
      }
    }
    await input.fill(text);
    // Wait for the row that was asked for: Quick Open first lists recent files, then the matches
    // (the first file search of a window can take a while on a busy machine).
    const row = page
      .locator('.quick-input-list .monaco-list-row', { hasText: text.replace(/^>/, '') })
      .first();
    await row.waitFor({ timeout: 30_000 }).catch((error) => {
      throw new Error(`no row "${text}" in the list: ${error.message.split('\n')[0]}`);
    });
    await row.click();
  };
  /** Waits until the window has restored its workbench and the Explorer lists the fixture files. */
  const workbenchReady = async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'session.smtp' })
      .first()
      .waitFor({ timeout: 60_000 });
  };
  const openFile = async (name, lineText) => {
    await palette(name);
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
    await page
      .locator('.monaco-editor .view-lines', { hasText: lineText })
      .first()
      .waitFor({ timeout: 15_000 });
  };
  /**
   * The texts drawn after lines by decorations (VS Code puts them in CSS `::after` content of
   * spans inside the lines), polled until one satisfies `accept` or 30 s pass.
   */
  const inlineTexts = async (accept) => {
    let texts = [];
    for (let attempt = 0; attempt < 150; attempt++) {
      texts = await page.evaluate(() => {
        const found = [];
        for (const span of document.querySelectorAll('.monaco-editor .view-lines span')) {
          const content = getComputedStyle(span, '::after').content;
          if (content && content !== 'none' && content !== 'normal')
            found.push(content.replace(/^"|"$/g, ''));
        }
        return found;
      });
      if (accept(texts)) return texts;
      await sleep(200);
    }
    throw new Error(`no inline result as expected; drawn: ${JSON.stringify(texts).slice(0, 300)}`);
  };
  return { checks, check, palette, openFile, inlineTexts, workbenchReady };
}

// ------------------------------------------------------------------------------- UI checks
async function checkUi(port, screenshotFile) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { checks, check, palette, openFile, inlineTexts, workbenchReady } = uiChecks(page);
  /** The CSS class of the first token whose text satisfies `accept`, on the line containing `lineText`. */
  const tokenClass = async (lineText, accept) => {
    const line = page.locator('.monaco-editor .view-line', { hasText: lineText }).first();
    await line.waitFor({ timeout: 10_000 });
    const tokens = await line
      .locator('span > span')
      .evaluateAll((spans) =>
        spans.map((span) => ({ text: span.textContent ?? '', className: span.className })),
      );
    return tokens.find((token) => accept(token.text))?.className ?? 'missing';
  };

  await page.goto(workbenchUrl(port, false));
  await workbenchReady();

  await check('Quick Open opens session.smtp', async () => {
    await palette('session.smtp');
    await page.locator('.tab.active', { hasText: 'session.smtp' }).waitFor({ timeout: 15_000 });
    await page
      .locator('.monaco-editor .view-lines', { hasText: 'EHLO' })
      .first()
      .waitFor({ timeout: 15_000 });
  });
  await check('the status bar names the language "SMTP Transcript"', async () => {
    await page
      .locator('.statusbar-item', { hasText: 'SMTP Transcript' })
      .first()
      .waitFor({ timeout: 15_000 });
  });
  await check('the grammar colours a command verb, but not the same word in message text', async () => {
    // Tokenisation is asynchronous: poll until the verb has left the default token class.
    let verb = 'missing';
    for (let attempt = 0; attempt < 50 && (verb === 'missing' || verb === 'mtk1'); attempt++) {
      if (attempt > 0) await sleep(100);
      verb = await tokenClass('MAIL FROM:<alice@example.test>', (text) => text === 'MAIL');
    }
    if (verb === 'missing' || verb === 'mtk1') throw new Error(`the verb MAIL has token class ${verb}`);
    const prefix = await tokenClass('not-a-command', (text) => text === 'C:');
    const bodyText = await tokenClass('not-a-command', (text) => text.includes('MAIL'));
    if (prefix === 'missing' || prefix === 'mtk1')
      throw new Error(`the body line's C: has token class ${prefix}`);
    if (bodyText === verb) throw new Error(`MAIL in message text has the verb's token class ${verb}`);
  });
  await check('the command palette runs "SMTP Transcript: Show Output"', async () => {
    await palette('>SMTP Transcript: Show Output');
    await page.locator('.part.panel', { hasText: 'activated' }).first().waitFor({ timeout: 15_000 });
  });
  await check('the command palette runs a transcript, and its results show inline', async () => {
    await openFile('failing.smtp', 'dave@example.test');
    await palette('>SMTP Transcript: Run File');
    // Passing steps show the reply that came; the failing one shows what came instead.
    await inlineTexts(
      (texts) => texts.some((t) => t.startsWith('✓ 220 ')) && texts.some((t) => t.startsWith('✗ 452 ')),
    );
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 15_000 });
  });
  await check('the Problems panel says what was expected and what came', async () => {
    await palette('>View: Focus Problems');
    await page
      .locator('.markers-panel', { hasText: 'code 452 does not match 250' })
      .first()
      .waitFor({ timeout: 15_000 });
    // Back to the editor, so the screenshot shows the inline results with the problem below.
    await page.locator('.monaco-editor .view-lines').first().click();
  });
  // Notifications (such as "installed extensions are disabled" in a development window) would
  // cover the results.
  await palette('>Notifications: Clear All Notifications').catch(() => {});
  // Park the pointer on the empty panel area, where it opens no hover or tooltip.
  await page.mouse.move(900, 720);
  await sleep(500);
  fs.mkdirSync(path.dirname(screenshotFile), { recursive: true });
  await page.screenshot({ path: screenshotFile });
  log(`screenshot written to ${screenshotFile}`);
  await page.close().catch(() => {});
  return checks;
}

// ------------------------------------------------------------------------------- .vsix
function runProcess(command, args, { cwd, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Packages the extension with vsce, installs the .vsix into code-server's extensions folder,
 * and runs a transcript in a window that loads only installed extensions.
 */
async function checkVsix(port) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { checks, check, palette, openFile, inlineTexts, workbenchReady } = uiChecks(page);
  const vsix = path.join(profileDir, 'smtp-transcript.vsix');
  await check('vsce packages the extension', async () => {
    const vsce = path.join(EXTENSION_DIR, 'node_modules/.bin/vsce');
    // The same options as `pnpm package`; relative links (the README's screenshot) stay relative
    // and resolve inside the installed extension, which ships images/.
    const packed = await runProcess(
      vsce,
      [
        'package',
        '--no-dependencies',
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--out',
        vsix,
      ],
      { cwd: EXTENSION_DIR },
    );
    if (packed.code !== 0 || !fs.existsSync(vsix)) throw new Error(`vsce failed: ${packed.output.trim()}`);
    log(`packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB)`);
  });
  await check('the .vsix installs into code-server', async () => {
    const { config, userData, extensionsDir, env } = codeServerSetup;
    const installed = await runProcess(
      process.execPath,
      [
        CODE_SERVER_ENTRY,
        '--config',
        config,
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensionsDir,
        '--install-extension',
        vsix,
      ],
      { env },
    );
    if (installed.code !== 0) throw new Error(`install failed: ${installed.output.trim()}`);
    const folder = fs
      .readdirSync(extensionsDir)
      .find((name) => name.startsWith('smtp-workbench.smtp-transcript-vscode'));
    if (!folder) throw new Error(`no extension folder in ${extensionsDir}: ${installed.output.trim()}`);
    if (!fs.existsSync(path.join(extensionsDir, folder, 'dist/smtp-cli.mjs')))
      throw new Error('the bundled CLI is missing');
  });
  await check('the installed extension runs a transcript', async () => {
    await page.goto(workbenchUrl(port, false, { installed: true }));
    await workbenchReady();
    log('vsix: workbench loaded with the installed extension');
    await openFile('session.smtp', 'EHLO');
    await palette('>SMTP Transcript: Run File');
    log('vsix: "SMTP Transcript: Run File" chosen');
    await inlineTexts((texts) => texts.some((t) => t.startsWith('✓ 221 ')));
  });
  await page.close().catch(() => {});
  return checks;
}

// ------------------------------------------------------------------------------- main
function printTail(file, lines) {
  console.log(`--- last ${lines} lines of ${file}`);
  console.log(fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'));
}

function findFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(full, pattern);
    return pattern.test(entry.name) ? [full] : [];
  });
}

let passed = 0;
let failed = 0;
// Screenshots of an earlier run's failures would be taken for this run's.
fs.rmSync(FAILURE_SCREENSHOTS_DIR, { recursive: true, force: true });
try {
  const { port, resultsFile, logFile, userData } = await startCodeServer();
  await launchBrowser();
  const suite = await runSuite(port, resultsFile);
  if (suite.results) {
    console.log(suite.results.output);
    passed += suite.results.passed;
    failed += suite.results.failed;
  } else {
    failed += 1;
    log('the suite wrote no results; the browser console follows');
    console.log(suite.consoleLines.slice(-80).join('\n'));
  }
  if (suite.code !== 0) {
    log(`extension host exit code: ${suite.code}`);
    // The extension host that ran the tests logs on the server side.
    for (const file of findFiles(path.join(userData, 'logs'), /^remoteexthost\.log$/)) printTail(file, 40);
    if (fs.existsSync(logFile)) printTail(logFile, 20);
    // A non-zero exit with no failing test (run() threw, or the host crashed) is still a failure.
    if (suite.results && suite.results.failed === 0) failed += 1;
  }
  if (options.screenshot) {
    const checks = await checkUi(port, options.screenshot);
    passed += checks.filter((c) => c.ok).length;
    failed += checks.filter((c) => !c.ok).length;
  }
  if (options.vsix) {
    const checks = await checkVsix(port);
    passed += checks.filter((c) => c.ok).length;
    failed += checks.filter((c) => !c.ok).length;
  }
  if (options.keep) log(`kept ${profileDir}`);
} catch (error) {
  log(`runner error: ${error?.stack ?? error}`);
  failed += 1;
} finally {
  await cleanUp();
}
log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
