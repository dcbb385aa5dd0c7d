/**
 * The edge suite (`npm run test:edge`, part of `npm test`, after the build): provider, vector and fetch adapter
 * tests run against the built edge bundle, dist/edge/ (Web Crypto, no Buffer), instead of the sources.
 *
 * How: a test importing `src/index.ts`, `src/providers/*.ts` or `src/adapters/fetch.ts` is handed the matching
 * dist/edge file. `src/testing` stays the Node one on purpose: the sender side signs synchronously with node:crypto,
 * an implementation independent of the Web Crypto receiver under test (the edge signers have tests of their own).
 *
 * The bundle runs as if on an edge runtime: a dist/edge file that imports a Node built-in fails the suite, and
 * Node's globals (`Buffer`, `process`, `require`, …) are shadowed by `undefined` inside every dist/edge module, so
 * any use of them throws. (Deleting `globalThis.Buffer` instead is not possible: Node's own `Request` and
 * `Response` need it.) Each module so loaded is recorded (test/edge/edge-modules.ts), for the tests to check.
 */
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vitest/config'
import { EDGE_MODULES } from './test/edge/edge-modules.js'
import { cryptoAlias } from './scripts/crypto-runtime.mjs'
import { entryPoints, repoRoot } from './scripts/entrypoints.mjs'

const root = fileURLToPath(new URL('.', import.meta.url))
const edgeDir = `${root}dist/edge/`
const edgeFileOf = new Map<string, string>(
  entryPoints()
    .filter(({ subpath, edgeSource }) => edgeSource !== undefined && subpath !== './testing')
    .map(({ name, edgeSource }) => [`${root}${edgeSource}`, `${edgeDir}${name}.js`]),
)
const builtins = new Set(builtinModules)
/** Node-only globals an edge runtime does not have. */
const NODE_GLOBALS = [
  'Buffer',
  'process',
  'require',
  'module',
  'exports',
  'global',
  '__dirname',
  '__filename',
  'setImmediate',
]

function edgeBuild(): Plugin {
  return {
    name: 'webhook-receiver:edge-build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer?.startsWith(edgeDir)) {
        if (source.startsWith('node:') || builtins.has(source)) {
          this.error(`${importer} imports the Node built-in "${source}": the edge build must not.`)
        }
        return null
      }
      if (importer === undefined || !importer.startsWith(`${root}test/`)) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      return (resolved && edgeFileOf.get(resolved.id)) ?? null
    },
    transform(code, id) {
      if (!id.startsWith(edgeDir)) return null
      const shadow = `const ${NODE_GLOBALS.map((name) => `${name} = undefined`).join(', ')};`
      const record = `(globalThis[Symbol.for(${JSON.stringify(EDGE_MODULES)})] ??= new Set()).add(${JSON.stringify(id.slice(edgeDir.length))});`
      // One line, so the bundle's own line numbers stay right in stack traces.
      return { code: `${shadow}${record}${code}`, map: null }
    },
  }
}

export default defineConfig({
  plugins: [edgeBuild()],
  // What the tests load from src/ (the signers, the support code) runs on Node's crypto runtime.
  resolve: { alias: cryptoAlias('node', repoRoot) },
  test: {
    name: 'edge',
    include: [
      'test/edge/**/*.test.ts',
      'test/providers/*.test.ts',
      'test/hostile.test.ts',
      'test/tenants.test.ts',
    ],
    testTimeout: 20_000,
  },
})
