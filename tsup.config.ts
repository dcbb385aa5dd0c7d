import { defineConfig, type Options } from 'tsup'
import { cryptoAlias, cryptoRuntimePaths } from './scripts/crypto-runtime.mjs'
import { binEntries, entryPoints, repoRoot } from './scripts/entrypoints.mjs'

/** The entries, from the one list (scripts/entrypoints.mjs); package.json `exports` is written from it too. */
const entries = entryPoints()
/** The commands of package.json `bin`, from the same module (src/bin/<name>.ts). */
const bins = binEntries()

const shared: Options = {
  dts: true,
  splitting: true,
  treeshake: true,
  sourcemap: false,
  // Frameworks are optional peers, imported as types only, except the lazy import('next/server') of the Next adapter.
  external: ['next'],
}

export default defineConfig([
  {
    ...shared,
    entry: Object.fromEntries(entries.map(({ name, source }) => [name, source])),
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    // dist/edge and dist/bin are the other builds', which run at the same time.
    clean: ['!edge/**', '!bin/**'],
    esbuildOptions(options) {
      options.alias = cryptoAlias('node', repoRoot)
    },
  },
  {
    ...shared,
    // The entries that also get an edge build in dist/edge/ (Web Crypto, no Buffer, no `node:` import), selected by
    // the edge export conditions.
    entry: Object.fromEntries(
      entries.flatMap(({ name, edgeSource }) => (edgeSource === undefined ? [] : [[name, edgeSource]])),
    ),
    // Edge runtimes load ES modules only.
    format: ['esm'],
    target: 'es2022',
    // `neutral`: node built-ins are not external here, so a `node:` import anywhere in the graph fails the build.
    platform: 'neutral',
    outDir: 'dist/edge',
    clean: true,
    esbuildOptions(options) {
      options.alias = cryptoAlias('edge', repoRoot)
    },
    dts: { compilerOptions: { paths: cryptoRuntimePaths('edge') } },
  },
  {
    // The commands: one ES module each for Node, self-contained but for the optional peers (bullmq), which a command
    // imports lazily and which stay external as in the other builds. tsup keeps the entry's shebang and makes the
    // file executable.
    entry: Object.fromEntries(bins.map(({ name, source }) => [name, source])),
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    outDir: 'dist/bin',
    clean: true,
    splitting: true,
    treeshake: true,
    sourcemap: false,
    dts: false,
    esbuildOptions(options) {
      options.alias = cryptoAlias('node', repoRoot)
    },
  },
])
