/**
 * Which consumer projects `npm run test:consumers` builds: module setups × TypeScript versions × `skipLibCheck`,
 * for each set of installed peers.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { entryPoints, repoRoot } from '../entrypoints.mjs'
import { valueExports } from '../value-exports.mjs'
import { repoPackage, typesPackageOf } from './workspace.mjs'

/**
 * The module setups apps use. `node10` is `module: commonjs` with the resolution it implies: `node10` under
 * TypeScript 5 (NestJS and older apps), which reads no `exports` (the package's `typesVersions` serve it), and
 * `bundler` under TypeScript 7, which removed `node10`.
 * @type {Record<string, { packageType?: 'module' | 'commonjs', compilerOptions: Record<string, unknown>,
 *   runs?: boolean }>}
 */
export const KINDS = {
  'esm-nodenext': { packageType: 'module', compilerOptions: { module: 'nodenext' }, runs: true },
  'cjs-nodenext': { packageType: 'commonjs', compilerOptions: { module: 'nodenext' }, runs: true },
  bundler: { compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  node10: {
    packageType: 'commonjs',
    compilerOptions: { module: 'commonjs', esModuleInterop: true },
    runs: true,
  },
}

const ALL_KINDS = Object.keys(KINDS)
/** @param {string[]} kinds @param {Array<'5.9' | '7'>} typescripts @param {boolean[]} skipLibChecks */
const cross = (kinds, typescripts, skipLibChecks) =>
  kinds.flatMap((kind) =>
    typescripts.flatMap((typescript) =>
      skipLibChecks.map((skipLibCheck) => ({ kind, typescript, skipLibCheck })),
    ),
  )

/** The peers the other typed fixture imports, from the repository's own install (the versions it tests with). */
const APP_PACKAGES = [
  '@octokit/openapi-webhooks-types',
  '@slack/types',
  'express',
  'fastify',
  'ioredis',
  'koa',
  'pg',
]

/**
 * @typedef {object} Variant
 * @property {string} name
 * @property {Record<string, string>} links the peers installed, package name → directory
 * @property {string[]} fixtures the sources compiled (from ./fixtures, or generated: load.ts)
 * @property {Array<{ kind: string, typescript: '5.9' | '7', skipLibCheck: boolean }>} cases
 */

/**
 * @param {string} tools the directory holding the compilers and the `stripe` majors
 * @param {number[]} majors the `stripe` majors
 * @returns {Variant[]}
 */
export function variants(tools, majors) {
  const latest = majors[majors.length - 1]
  const stripeOf = (/** @type {number} */ major) => join(tools, 'node_modules', `stripe-${major}`)
  const appLinks = Object.fromEntries(
    APP_PACKAGES.flatMap((name) => {
      const types = typesPackageOf(name)
      return [[name, repoPackage(name)], ...(types ? [[types, repoPackage(types)]] : [])]
    }),
  )
  return [
    {
      name: `stripe-${latest}-and-app-peers`,
      links: { stripe: stripeOf(latest), ...appLinks },
      fixtures: ['stripe-typed.ts', 'others-typed.ts'],
      cases: cross(ALL_KINDS, ['5.9', '7'], [true, false]),
    },
    // The older majors, on the resolutions whose typings differ (stripe 22+ ships CommonJS typings of its own):
    // TypeScript 7 (fast) on ES modules and CommonJS `nodenext`, TypeScript 5.9 on `node10` (which 7 removed).
    ...majors.slice(0, -1).map((major) => ({
      name: `stripe-${major}`,
      links: { stripe: stripeOf(major) },
      fixtures: ['stripe-typed.ts'],
      cases: [
        ...cross(['esm-nodenext', 'cjs-nodenext'], ['7'], [false]),
        ...cross(['node10'], ['5.9'], [true]),
      ],
    })),
    // No peers: `unknown` payloads, and no error in our declarations even with `skipLibCheck: false` (one
    // declaration file per module format: .d.ts for ES modules and bundlers, .d.cts for CommonJS).
    {
      name: 'no-peers',
      links: {},
      fixtures: ['untyped.ts', 'load.ts'],
      cases: [
        ...cross(ALL_KINDS, ['5.9'], [true]),
        ...cross(ALL_KINDS, ['7'], [false]),
        ...cross(['esm-nodenext', 'cjs-nodenext'], ['5.9'], [false]),
      ],
    },
  ]
}

/** @param {string} fixture @returns {string} its source */
export const fixtureSource = (fixture) =>
  fixture === 'load.ts' ? loadSource() : readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8')

/**
 * The optional peers an entry imports at run time, read from its ES module build in dist/ and the chunks it
 * imports: none for most (they import their peers' types only), some for those that cannot do without them (a Nest
 * module applies Nest's decorators, the BullMQ queue is BullMQ's).
 * @param {string} name the entry's name, its path in dist/ without extension
 * @returns {string[]}
 */
export function runtimePeers(name) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  const optional = new Set(Object.keys(pkg.peerDependenciesMeta ?? {}))
  const found = new Set()
  const seen = new Set()
  const visit = (/** @type {string} */ file) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    for (const [, specifier = ''] of code.matchAll(/(?:\bfrom|^import)\s*['"]([^'"]+)['"]/gm)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier))
      else {
        const owner = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/')
        if (optional.has(owner)) found.add(owner)
      }
    }
  }
  visit(join(repoRoot, 'dist', `${name}.js`))
  return [...found].sort()
}

/**
 * A module that loads every subpath at run time, as its project's module system does (`import` in an ES module
 * project, `require()` in a CommonJS one), and checks that each has the run-time exports its source declares.
 * The entries that import a peer at run time (`runtimePeers`) are left out: this project installs none, and
 * scripts/check-package.mjs loads every entry with the repository's peers.
 * @returns {string}
 */
function loadSource() {
  const loadable = entryPoints().filter((entry) => runtimePeers(entry.name).length === 0)
  const entries = loadable.map((entry, index) => ({
    specifier: entry.subpath === '.' ? 'webhook-receiver' : `webhook-receiver/${entry.subpath.slice(2)}`,
    binding: `entry${index}`,
    names: valueExports(repoRoot, entry.source),
  }))
  return [
    ...entries.map(({ specifier, binding }) => `import * as ${binding} from '${specifier}'`),
    '',
    'const loaded: Record<string, Record<string, unknown>> = {',
    ...entries.map(({ specifier, binding }) => `  '${specifier}': ${binding},`),
    '}',
    `const expected: Record<string, string[]> = ${JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.specifier, entry.names])))}`,
    'const missing = Object.entries(expected).flatMap(([specifier, names]) =>',
    '  names.filter((name) => loaded[specifier]?.[name] === undefined).map((name) => `${specifier} lacks ${name}`),',
    ')',
    "if (missing.length > 0) throw new Error(missing.join('\\n'))",
    'console.log(`loaded ${Object.keys(loaded).length} subpaths`)',
    '',
  ].join('\n')
}
