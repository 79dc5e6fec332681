import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // PGlite needs ~800 MB a database: two workers on two cores
          maxWorkers: 2,
          // each worker loads the app's modules (Wechaty alone takes seconds) once, not once per file: every test
          // builds its own app, database and channel, and nothing here keeps state in a module between files
          isolate: false,
          sequence: { groupOrder: 1 },
          fileParallelism: true,
        },
      },
      {
        // suites that need the real PostgreSQL server itself (e.g. cutting its connection): only in test:pg
        test: {
          name: 'pg',
          include: ['tests/pg/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
