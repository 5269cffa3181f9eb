import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) without an exports map: Node loads the CommonJS build for
  // graphql-yoga, Vite would load the ESM one for our code, and two graphql realms refuse each other's schema
  // objects. Resolve ours the way Node does.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Spawned-CLI tests start Node processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
