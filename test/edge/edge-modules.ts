/**
 * The global registry (`Symbol.for(EDGE_MODULES)`) where vitest.edge.config.ts records every dist/edge module it
 * loaded with Node's globals shadowed, so a test can check the bundle under test is the one that ran.
 */
export const EDGE_MODULES = 'webhook-receiver:edge-modules'

/** The dist/edge modules loaded so far, relative to dist/edge (e.g. `providers/stripe.js`). */
export function loadedEdgeModules(): string[] {
  return [...((globalThis as Record<symbol, Set<string> | undefined>)[Symbol.for(EDGE_MODULES)] ?? [])]
}
