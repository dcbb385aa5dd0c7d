import { defineConfig } from 'vitest/config'
import { cryptoAlias } from './scripts/crypto-runtime.mjs'
import { repoRoot } from './scripts/entrypoints.mjs'

/**
 * `npm run test:durable`: the durable-processing proof, 1,000 deliveries through real web and worker processes
 * with workers SIGKILLed along the way, on BullMQ with Redis and with PostgreSQL. Minutes, not seconds, so it runs
 * apart from `npm test` (`.ci/run` runs it after).
 */
export default defineConfig({
  // The sources run on Node: `#crypto` is node:crypto (scripts/crypto-runtime.mjs).
  resolve: { alias: cryptoAlias('node', repoRoot) },
  test: {
    include: ['test/queues/durable.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
})
