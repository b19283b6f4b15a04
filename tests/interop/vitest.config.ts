import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The interop suite (`pnpm test:interop`), kept out of the root vitest run: it installs nothing
// itself but needs the Debian peers (scripts/install-peers.sh) and the built CLI, starts real
// servers on loopback and writes docs/interop.md and docs/conformance.md from what it observed.
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    name: 'interop',
    root: here,
    include: ['**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Peers are processes that mostly wait on each other: a few files at once use the 2 cores well.
    maxWorkers: 3,
  },
});
