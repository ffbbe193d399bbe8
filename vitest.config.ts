import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once (only when the sources changed) for the CLI end-to-end tests.
    globalSetup: ['test/global-setup.ts'],
    // Property suites and CLI end-to-end tests spawn processes; keep two workers on a 2-core machine.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
