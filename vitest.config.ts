import { configDefaults, defineConfig } from 'vitest/config'
import { cryptoAlias } from './scripts/crypto-runtime.mjs'
import { repoRoot } from './scripts/entrypoints.mjs'

export default defineConfig({
  // The sources run on Node: `#crypto` is node:crypto (scripts/crypto-runtime.mjs).
  resolve: { alias: cryptoAlias('node', repoRoot) },
  test: {
    include: ['test/**/*.test.ts'],
    // The edge suite runs against dist/edge, under its own config (vitest.edge.config.ts); the examples suite is
    // slow (real processes, `next build`): `npm run test:examples` runs it, with vitest.examples.config.ts; so is the
    // durable-processing proof (minutes of SIGKILLed workers): `npm run test:durable`, vitest.durable.config.ts.
    exclude: [...configDefaults.exclude, 'test/edge/**', 'test/examples/**', 'test/queues/durable.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
  },
})
