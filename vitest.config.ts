import { defineConfig } from 'vitest/config';

// One vitest run over every package: a single summary for CI. Each project resolves
// workspace packages to their TypeScript sources through the "source" export condition,
// so tests never depend on a stale build.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/cli', 'apps/vscode'],
  },
});
