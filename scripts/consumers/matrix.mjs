/**
 * Which consumer projects `npm run test:consumers` builds: module setups × TypeScript versions × `skipLibCheck`,
 * for each set of installed peers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { entryPoints, repoRoot } from '../entrypoints.mjs'
import { optionalPeerImportsOf } from '../optional-peer-imports.mjs'
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
 * A module that loads every subpath at run time, as its project's module system does (`import` in an ES module
 * project, `require()` in a CommonJS one), and checks that each has the run-time exports its source declares. A
 * subpath whose built module imports an optional peer at run time (BullMQ for `./queues/bullmq`) is loaded on its
 * own (`import()`): without the peer it must fail with an error that names it, and with it, have its exports.
 * @returns {string}
 */
function loadSource() {
  const entries = entryPoints().map((entry, index) => ({
    specifier: entry.subpath === '.' ? 'webhook-receiver' : `webhook-receiver/${entry.subpath.slice(2)}`,
    binding: `entry${index}`,
    names: valueExports(repoRoot, entry.source),
    needs: optionalPeerImportsOf(`dist/${entry.name}.js`),
  }))
  const always = entries.filter(({ needs }) => needs.length === 0)
  const withPeers = entries.filter(({ needs }) => needs.length > 0)
  return [
    ...always.map(({ specifier, binding }) => `import * as ${binding} from '${specifier}'`),
    '',
    'const loaded: Record<string, Record<string, unknown>> = {',
    ...always.map(({ specifier, binding }) => `  '${specifier}': ${binding},`),
    '}',
    `const expected: Record<string, string[]> = ${JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.specifier, entry.names])))}`,
    'const lacking = (specifier: string) =>',
    '  expected[specifier].filter((name) => loaded[specifier]?.[name] === undefined).map((name) => `${specifier} lacks ${name}`)',
    'const withPeers: Array<[string, string[], () => Promise<Record<string, unknown>>]> = [',
    ...withPeers.map(
      ({ specifier, needs }) => `  ['${specifier}', ${JSON.stringify(needs)}, () => import('${specifier}')],`,
    ),
    ']',
    'const failures = Object.keys(loaded).flatMap(lacking)',
    'let refused = 0',
    'Promise.all(',
    '  withPeers.map(async ([specifier, needs, load]) => {',
    '    try {',
    '      loaded[specifier] = await load()',
    '      failures.push(...lacking(specifier))',
    '    } catch (error) {',
    "      if (!needs.some((peer) => String(error).includes(`'${peer}'`))) failures.push(`${specifier}: ${String(error)}`)",
    '      else refused++',
    '    }',
    '  }),',
    ').then(() => {',
    "  if (failures.length > 0) throw new Error(failures.join('\\n'))",
    '  console.log(`loaded ${Object.keys(loaded).length} subpaths; ${refused} refused to load, naming the peer they need`)',
    '})',
    '',
  ].join('\n')
}
