#!/usr/bin/env node
// Bundles the extension into dist/extension.js: one CommonJS file that VS Code `require`s, with
// `vscode` left to the extension host and every other import (workspace packages included) inside.
//
// usage: node scripts/bundle.mjs [--production]   (--production: minified, no source map)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');

try {
  await esbuild.build({
    absWorkingDir: extensionDir,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    // Workspace packages are bundled from their TypeScript sources, so no build of them is needed.
    conditions: ['source'],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  });
} catch {
  // esbuild has already printed the errors, with file and line.
  process.exit(1);
}
