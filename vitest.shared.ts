import type { UserWorkspaceConfig } from 'vitest/config';

/**
 * Settings every package's vitest project shares: workspace imports resolve to the
 * TypeScript sources (the "source" export condition) instead of a build that may be stale.
 */
export function workspaceProject(name: string): UserWorkspaceConfig {
  return {
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      // A bound for a hung test, not a speed check: property tests and loopback sessions take
      // seconds when the shared machine is loaded, and vitest's 5 s default then fails them.
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
}
