#!/usr/bin/env node
// Compiles the Mocha suite for the extension host: each test/suite/*.ts becomes one CommonJS file
// in out/test/suite/. `vscode` and `mocha` stay external (the host provides the first, the
// extension's node_modules the second); pure modules from src/ are bundled in.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = path.join(extensionDir, 'test/suite');
const outDir = path.join(extensionDir, 'out/test/suite');

// Start clean so a renamed or deleted test cannot keep running from a stale file.
fs.rmSync(outDir, { recursive: true, force: true });
const entryPoints = fs
  .readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
  .map((name) => path.join(suiteDir, name));

try {
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
    conditions: ['source'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
} catch {
  process.exit(1);
}
