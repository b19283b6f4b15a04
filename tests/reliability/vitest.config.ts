import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The reliability and security suite (`pnpm test:reliability`), kept out of the root vitest run:
// real sockets on loopback, real processes and real files, bounded in count and time. It writes
// docs/reliability.md from the figures its checks record. RELIABILITY_NIGHTLY=1 scales it up.
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    name: 'reliability',
    root: here,
    include: ['checks/**/*.test.ts', 'support/**/*.test.ts', 'report/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./setup/global-setup.ts'],
    // One file at a time: load, idle and soak checks measure the machine and must not share it.
    fileParallelism: false,
    // Fuzz checks measure the heap after a full collection.
    execArgv: ['--expose-gc'],
    // The nightly soak alone runs ten minutes, and its fuzz campaigns are ten times longer.
    testTimeout: process.env.RELIABILITY_NIGHTLY === '1' ? 3_600_000 : 180_000,
    hookTimeout: 60_000,
  },
});
