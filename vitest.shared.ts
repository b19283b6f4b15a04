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
    },
  };
}
