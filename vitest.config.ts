import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Spawned-CLI tests start Node processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
