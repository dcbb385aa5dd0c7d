/**
 * The package's entry points: the one list, derived from where the sources are. Everything else follows from it:
 * tsup.config.ts builds these entries, scripts/check-package.mjs checks the packed tarball against them, and
 * `npm run sync` (`node scripts/entrypoints.mjs --write`, run by `npm run build`) writes the files that cannot
 * import it: package.json `exports`, `typesVersions` and `bin`, tsconfig.edge.json and src/testing/index.ts.
 * `node scripts/entrypoints.mjs --check`, the first step of `npm test`, fails when one of them is stale.
 *
 * The layout:
 * - src/index.ts is `.`, src/testing/index.ts is `./testing`;
 * - every src/providers/<name>.ts is `./providers/<name>`;
 * - every src/adapters/<name>.ts is `./<name>`, except an edge variant (next-route.ts is the edge build of `./next`);
 * - every src/stores/<name>.ts is `./stores/<name>`, except the memory store, which the core entry exports;
 * - every src/queues/<name>.ts is `./queues/<name>` (a job engine for queue mode, Node-only);
 * - every src/telemetry/<name>.ts is `./<name>` (a telemetry integration: `./opentelemetry`).
 * Every entry also gets an edge build (dist/edge/, Web Crypto, no Node built-in) unless it is Node-only.
 *
 * Commands are not subpaths: every src/bin/<name>.ts is the command `<name>` of package.json `bin` (`npx <name>`),
 * built to dist/bin/<name>.js as one Node ES module (see `binEntries`).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { cryptoRuntimePaths } from './crypto-runtime.mjs'

/**
 * @typedef {object} EntryPoint
 * @property {string} subpath the `exports` key: `.`, `./providers/stripe`, `./express`, …
 * @property {string} name the build's entry name, its path in dist/ without extension: `providers/stripe`, …
 * @property {string} source the module the Node build (ESM and CJS) starts from
 * @property {string | undefined} edgeSource the module the edge build starts from; undefined for a Node-only entry
 */

/** The export conditions that select the edge build, in the order they are written, ahead of `import`/`require`. */
export const EDGE_CONDITIONS = ['edge-light', 'workerd', 'worker', 'browser', 'deno']

/**
 * Entries without an edge build: the adapters for Node's own request and response (Express, Koa, Fastify,
 * node:http, and NestJS on top of Express or Fastify), the AWS Lambda adapter (Lambda runs Node; it decodes base64
 * bodies with Node's Buffer), the stores whose clients (ioredis, node-redis, pg) speak TCP through Node's net
 * module, and every queue (its job engine, BullMQ, runs on those clients too).
 */
const NODE_ONLY = new Set([
  './express',
  './koa',
  './fastify',
  './node',
  './aws-lambda',
  './nest',
  './stores/redis',
  './stores/postgres',
])
/** @param {string} subpath */
const isNodeOnly = (subpath) => NODE_ONLY.has(subpath) || subpath.startsWith('./queues/')

/** Modules that are another entry's edge build (its edge runtime has the App Router only) rather than an entry. */
const EDGE_VARIANTS = { 'src/adapters/next-route.ts': './next' }

/** Stores the core entry exports itself. */
const CORE_STORES = new Set(['src/stores/memory.ts'])

/** The module of src/testing/ every signer builds on: only its public part is re-exported. */
const TESTING_SHARED = {
  module: 'delivery',
  exports: ['toRequest', 'type SignedDelivery', 'type SignOptions'],
}

// From import.meta.url, not import.meta.dirname: tsup bundles its config with this module (keeping only the URL).
export const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * @param {string} root @param {string} dir
 * @returns {string[]} the `.ts` modules of `dir`, sorted, as `dir/name.ts`; none when a layout has no such folder
 */
function modulesOf(root, dir) {
  if (!existsSync(join(root, dir))) return []
  return readdirSync(join(root, dir))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => `${dir}/${file}`)
}

/** @param {string} path @returns {string} */
const baseName = (path) => path.slice(path.lastIndexOf('/') + 1, -'.ts'.length)

/**
 * Every entry point, in the order package.json lists them: the core, providers, adapters, stores, queues, telemetry,
 * testing.
 * @param {string} [root]
 * @returns {EntryPoint[]}
 */
export function entryPoints(root = repoRoot) {
  /** @type {Array<[subpath: string, name: string, source: string]>} */
  const found = [['.', 'index', 'src/index.ts']]
  for (const source of modulesOf(root, 'src/providers'))
    found.push([`./providers/${baseName(source)}`, `providers/${baseName(source)}`, source])
  for (const source of modulesOf(root, 'src/adapters')) {
    if (source in EDGE_VARIANTS) continue
    found.push([`./${baseName(source)}`, `adapters/${baseName(source)}`, source])
  }
  for (const source of modulesOf(root, 'src/stores')) {
    if (CORE_STORES.has(source)) continue
    found.push([`./stores/${baseName(source)}`, `stores/${baseName(source)}`, source])
  }
  for (const source of modulesOf(root, 'src/queues'))
    found.push([`./queues/${baseName(source)}`, `queues/${baseName(source)}`, source])
  for (const source of modulesOf(root, 'src/telemetry'))
    found.push([`./${baseName(source)}`, `telemetry/${baseName(source)}`, source])
  found.push(['./testing', 'testing/index', 'src/testing/index.ts'])

  const variants = Object.entries(EDGE_VARIANTS)
  return found.map(([subpath, name, source]) => ({
    subpath,
    name,
    source,
    edgeSource: isNodeOnly(subpath) ? undefined : (variants.find(([, of]) => of === subpath)?.[0] ?? source),
  }))
}

/**
 * @typedef {object} BinEntry
 * @property {string} name the command's name, its key in package.json `bin` (`webhook-receiver`), and the build's entry
 *   name, its path in dist/bin/ without extension
 * @property {string} source the module it starts from, whose first line is its `#!/usr/bin/env node`
 * @property {string} file where package.json `bin` points: `./dist/bin/<name>.js`
 */

/**
 * The package's commands, one per src/bin/<name>.ts. Each is built by tsup on its own (tsup.config.ts) to an ES
 * module in dist/bin/, which tsup makes executable because it starts with a shebang; the modules it loads lazily
 * (an optional peer's engine) are chunks beside it.
 * @param {string} [root]
 * @returns {BinEntry[]}
 */
export function binEntries(root = repoRoot) {
  return modulesOf(root, 'src/bin').map((source) => ({
    name: baseName(source),
    source,
    file: `./dist/bin/${baseName(source)}.js`,
  }))
}

/** @param {BinEntry[]} bins @returns {Record<string, string>} package.json `bin` */
export function packageBin(bins) {
  return Object.fromEntries(bins.map(({ name, file }) => [name, file]))
}

/** @param {EntryPoint[]} entries @returns {Record<string, unknown>} package.json `exports` */
export function packageExports(entries) {
  /** @type {Record<string, unknown>} */
  const exports = {}
  for (const { subpath, name, edgeSource } of entries) {
    /** @type {Record<string, unknown>} */
    const conditions = {}
    if (edgeSource !== undefined) {
      for (const condition of EDGE_CONDITIONS)
        conditions[condition] = { types: `./dist/edge/${name}.d.ts`, default: `./dist/edge/${name}.js` }
    }
    conditions.import = { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` }
    conditions.require = { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` }
    exports[subpath] = conditions
  }
  exports['./package.json'] = './package.json'
  return exports
}

/**
 * package.json `typesVersions`: where TypeScript finds a subpath's types under `moduleResolution: node10` (the
 * default of `module: commonjs` before TypeScript 6), which reads no `exports`. Node itself resolves `exports` at
 * run time, so only the types need this; node10 means `require`, hence the CommonJS declarations.
 * @param {EntryPoint[]} entries
 */
export function packageTypesVersions(entries) {
  return {
    '*': Object.fromEntries(
      entries
        .filter(({ subpath }) => subpath !== '.')
        .map(({ subpath, name }) => [subpath.slice(2), [`./dist/${name}.d.cts`]]),
    ),
  }
}

/** @param {string} root @returns {string} package.json with its entry points written */
function packageJson(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const entries = entryPoints(root)
  const bins = binEntries(root)
  /** @type {Record<string, unknown>} */
  const written = {}
  for (const [key, value] of Object.entries(pkg)) {
    // `imports` pointed at unshipped src/ files; the builds alias `#crypto` themselves (scripts/crypto-runtime.mjs).
    if (key === 'imports' || key === 'typesVersions' || key === 'bin') continue
    // `bin` goes where npm's own layout puts it, before `main`, and only when there is a command.
    if (key === 'main' && bins.length > 0) written.bin = packageBin(bins)
    if (key === 'exports') {
      written.typesVersions = packageTypesVersions(entries)
      written.exports = packageExports(entries)
    } else written[key] = value
  }
  if (bins.length > 0 && !('bin' in written)) written.bin = packageBin(bins)
  return `${JSON.stringify(written, null, 2)}\n`
}

/** @param {string} root @returns {string} tsconfig.edge.json: the edge sources, against the Web Crypto runtime */
function edgeTsconfig(root) {
  const sources = [...new Set(entryPoints(root).flatMap(({ edgeSource }) => edgeSource ?? []))]
  const config = {
    extends: './tsconfig.json',
    compilerOptions: { paths: cryptoRuntimePaths('edge') },
    include: sources,
  }
  const comment =
    '// Written by `npm run sync` (scripts/entrypoints.mjs): the edge entries, type-checked with `#crypto` resolved to\n' +
    '// the asynchronous Web Crypto runtime.\n'
  return `${comment}${JSON.stringify(config, null, 2)}\n`
}

/** @param {string} root @returns {string} src/testing/index.ts: every signer module re-exported */
function testingIndex(root) {
  const signers = modulesOf(root, 'src/testing')
    .map(baseName)
    .filter((name) => name !== 'index' && name !== TESTING_SHARED.module)
  return [
    '/**',
    ' * Signers for your own tests: each returns exactly the headers and body the real sender would send for a payload,',
    " * a secret and a time, so tests exercise the receiver end to end without the provider's SDK or a network.",
    ' *',
    ' * Written by `npm run sync` (scripts/entrypoints.mjs): every signer module of this folder is exported whole, so',
    ' * a signer module exports what users call and nothing else.',
    ' */',
    `export { ${TESTING_SHARED.exports.join(', ')} } from './${TESTING_SHARED.module}.js'`,
    ...signers.map((name) => `export * from './${name}.js'`),
    '',
  ].join('\n')
}

/** The files written from the entry list, by path, with their content (formatted as Prettier would). */
export async function generatedFiles(root = repoRoot) {
  // Loaded here, not at the top: the build and test configs import this module for the entry list alone.
  const prettier = await import('prettier')
  const files = {
    'package.json': packageJson(root),
    'tsconfig.edge.json': edgeTsconfig(root),
    'src/testing/index.ts': testingIndex(root),
  }
  for (const [path, content] of Object.entries(files)) {
    // The repository's Prettier settings, also for another root (the tests').
    const options = await prettier.resolveConfig(join(repoRoot, path))
    files[path] = await prettier.format(content, { ...options, filepath: join(root, path) })
  }
  return files
}

/**
 * tsconfig.json is written by hand (it carries the project's compiler settings), but its `#crypto` path must be
 * the Node runtime's, as the Node build's.
 * @param {string} root
 * @returns {Promise<string | undefined>} what is wrong, if anything
 */
async function tsconfigCryptoProblem(root) {
  const { default: ts } = await import('typescript')
  const { config, error } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile)
  if (error) return ts.flattenDiagnosticMessageText(error.messageText, '\n')
  const expected = cryptoRuntimePaths('node')
  const paths = config?.compilerOptions?.paths ?? {}
  return Object.entries(expected).every(
    ([key, value]) => JSON.stringify(paths[key]) === JSON.stringify(value),
  )
    ? undefined
    : `tsconfig.json compilerOptions.paths must map ${JSON.stringify(expected)} (scripts/crypto-runtime.mjs).`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mode = process.argv[2]
  if (mode !== '--write' && mode !== '--check') {
    console.error('usage: node scripts/entrypoints.mjs --write | --check')
    process.exit(2)
  }
  const stale = []
  for (const [path, content] of Object.entries(await generatedFiles())) {
    const file = join(repoRoot, path)
    if (readFileSync(file, 'utf8') === content) continue
    if (mode === '--write') writeFileSync(file, content)
    stale.push(path)
  }
  const tsconfigProblem = await tsconfigCryptoProblem(repoRoot)
  if (tsconfigProblem) console.error(`entrypoints: ${tsconfigProblem}`)
  if (mode === '--write') {
    for (const path of stale) console.log(`entrypoints: wrote ${path}`)
  } else if (stale.length > 0) {
    console.error(
      `entrypoints: ${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} stale: they no longer match the ` +
        'entry points derived from src/ (scripts/entrypoints.mjs). Run `npm run sync` and commit the result.',
    )
  } else console.log('entrypoints: package.json, tsconfig.edge.json and src/testing/index.ts are up to date')
  if (tsconfigProblem || (mode === '--check' && stale.length > 0)) process.exit(1)
}
