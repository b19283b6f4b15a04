import { defineProject } from 'vitest/config';
import { workspaceProject } from '../../vitest.shared.js';

const shared = workspaceProject('vscode');

// Only the pure modules run under vitest; test/suite holds the Mocha suite that needs a real
// VS Code extension host (scripts/run-vscode-tests.mjs).
export default defineProject({
  ...shared,
  test: { ...shared.test, include: ['src/**/*.test.ts'] },
});
