import { defineConfig } from 'vitest/config'

/**
 * `npm run test:examples`: starts every app in examples/ as a real process (two of them after a `next build`), so it
 * runs apart from `npm test`, one file, one app at a time.
 */
export default defineConfig({
  test: {
    include: ['test/examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000, // a `next build` on a busy 2-core machine
  },
})
