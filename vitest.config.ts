import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (SQLite files, local simulators, promtool),
// `services` needs the local PostgreSQL and Redis (npm run test:services).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/services/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'services',
          include: ['tests/services/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
