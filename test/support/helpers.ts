import type { Logger } from '../../src/index.js'

/** A promise with its resolve exposed, so a test decides when a handler finishes (no sleeps). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** A logger that records instead of printing, so tests stay quiet and can assert on what was logged. */
export function silentLogger(): Logger & { warnings: unknown[][]; errors: unknown[][] } {
  const warnings: unknown[][] = []
  const errors: unknown[][] = []
  return {
    warnings,
    errors,
    warn: (...args: unknown[]) => {
      warnings.push(args)
    },
    error: (...args: unknown[]) => {
      errors.push(args)
    },
  }
}
