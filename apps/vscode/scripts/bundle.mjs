#!/usr/bin/env node
// Bundles the extension into dist/extension.js: one CommonJS file that VS Code `require`s, with
// `vscode` left to the extension host and every other import (workspace packages included) inside.
// Also bundles the `smtp` command line (apps/cli) into dist/smtp-cli.mjs, which the extension
// starts for "Start Embedded Server" and "Record Session…", so the .vsix needs nothing else.
//
// usage: node scripts/bundle.mjs [--production]   (--production: minified, no source map)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.resolve(extensionDir, '../cli');
const production = process.argv.includes('--production');

const common = {
  absWorkingDir: extensionDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Workspace packages are bundled from their TypeScript sources, so no build of them is needed.
  conditions: ['source'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
};

/**
 * The CLI reads its version with `createRequire(import.meta.url)('../package.json')`, a path
 * that means nothing inside a bundle: put the version in as a constant instead. The build fails
 * if that line changes, rather than shipping a CLI that cannot start.
 */
const cliVersionInline = {
  name: 'cli-version-inline',
  setup(build) {
    const mainFile = path.join(cliDir, 'src/main.ts');
    build.onLoad({ filter: /[\\/]apps[\\/]cli[\\/]src[\\/]main\.ts$/ }, async (args) => {
      if (path.resolve(args.path) !== mainFile) return undefined;
      const source = await fs.promises.readFile(mainFile, 'utf8');
      const pattern = /createRequire\(import\.meta\.url\)\('\.\.\/package\.json'\) as \{ version: string \}/;
      if (!pattern.test(source)) {
        return {
          errors: [{ text: 'apps/cli/src/main.ts no longer reads its version as bundle.mjs expects' }],
        };
      }
      const { version } = JSON.parse(await fs.promises.readFile(path.join(cliDir, 'package.json'), 'utf8'));
      return { contents: source.replace(pattern, `{ version: ${JSON.stringify(version)} }`), loader: 'ts' };
    });
  },
};

try {
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      format: 'cjs',
      external: ['vscode'],
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(cliDir, 'src/bin.ts')],
      outfile: 'dist/smtp-cli.mjs',
      format: 'esm',
      // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
      },
      plugins: [cliVersionInline],
    }),
  ]);
} catch {
  // esbuild has already printed the errors, with file and line.
  process.exit(1);
}
