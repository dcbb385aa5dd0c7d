/**
 * The throwaway consumer projects of `npm run test:consumers`, built from the packed tarball.
 *
 * Layout, so that each project sees exactly the packages it is meant to (TypeScript and Node look packages up by
 * walking up the directories from the importing file's real path):
 * - <work>/node_modules/@types/node: the only package every project shares (a link to the repository's);
 * - <work>/<variant>/node_modules/: the extracted tarball (a copy, so that `stripe` & co. are looked up from here),
 *   its runtime dependencies and the variant's peers, as links;
 * - <work>/<variant>/<case>/: one project (package.json, tsconfig.json, sources) per case;
 * - the compilers and the `stripe` majors are installed once, side by side under aliases, in a cache directory
 *   that is no project's ancestor (node_modules/.cache/, reused while the list of what it holds is the same).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { repoRoot } from '../entrypoints.mjs'

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))

/** The compilers every case runs with, by the alias they are installed under. */
export const TYPESCRIPT = { 5.9: 'typescript-5.9', 7: 'typescript-7' }
const TYPESCRIPT_SPECS = {
  'typescript-5.9': 'npm:typescript@~5.9.3',
  'typescript-7': 'npm:typescript@^7.0.2',
}

/**
 * Every published `stripe` major the peer range covers (`stripe: ">=18"` in package.json), asked of the registry,
 * so a new major is tested as soon as it is out.
 * @returns {number[]}
 */
export function stripeMajors() {
  const range = pkg.peerDependencies.stripe
  const versions = JSON.parse(
    execFileSync('npm', ['view', `stripe@${range}`, 'version', '--json'], { encoding: 'utf8' }),
  )
  return [...new Set([versions].flat().map((version) => Number(version.split('.')[0])))].sort((a, b) => a - b)
}

/**
 * Installs the compilers and the `stripe` majors (once; reused while the list is the same).
 * @param {number[]} majors
 * @returns {string} the directory whose node_modules holds them
 */
export function installTools(majors) {
  const dependencies = {
    ...TYPESCRIPT_SPECS,
    ...Object.fromEntries(majors.map((major) => [`stripe-${major}`, `npm:stripe@^${major}`])),
  }
  const dir = join(repoRoot, 'node_modules', '.cache', 'webhook-receiver-consumers')
  const manifest = `${JSON.stringify({ name: 'consumer-tools', private: true, dependencies }, null, 2)}\n`
  const installed = join(dir, 'node_modules', '.installed')
  if (existsSync(installed) && readFileSync(installed, 'utf8') === manifest) return dir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), manifest)
  // Peers are not installed (`stripe` asks for @types/node): the projects have the one copy of it they share.
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--legacy-peer-deps', '--ignore-scripts'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  writeFileSync(installed, manifest)
  return dir
}

/** @param {string} tools @param {keyof typeof TYPESCRIPT} version @returns {string} the compiler's `tsc` script */
export const tscOf = (tools, version) => join(tools, 'node_modules', TYPESCRIPT[version], 'bin', 'tsc')

/**
 * Packs the repository (after `npm run build`) and extracts the tarball.
 * @param {string} work
 * @returns {string} the extracted package directory
 */
export function packTarball(work) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()
  const extracted = join(work, 'tarball')
  mkdirSync(extracted, { recursive: true })
  execFileSync('tar', ['-xzf', join(work, name ?? ''), '-C', extracted])
  const dir = join(extracted, 'package')
  mkdirSync(join(work, 'node_modules', '@types'), { recursive: true })
  symlinkSync(join(repoRoot, 'node_modules', '@types', 'node'), join(work, 'node_modules', '@types', 'node'))
  return dir
}

/** @param {string} name a package name @returns {string} its directory in the repository's install */
export const repoPackage = (name) => join(repoRoot, 'node_modules', name)

/**
 * The `@types/` package that types `name`, when the repository has one (`express` → `@types/express`,
 * `@koa/router` → `@types/koa__router`).
 * @param {string} name
 * @returns {string | undefined}
 */
export function typesPackageOf(name) {
  const types = `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`
  return existsSync(repoPackage(types)) ? types : undefined
}

/**
 * Creates a variant's node_modules: the package from the tarball, its runtime dependencies, the given peers.
 * @param {string} dir the variant's directory
 * @param {string} tarball the extracted package
 * @param {Record<string, string>} links package name → directory to link it to
 */
export function createVariant(dir, tarball, links) {
  const modules = join(dir, 'node_modules')
  cpSync(tarball, join(modules, 'webhook-receiver'), { recursive: true })
  const shipped = JSON.parse(readFileSync(join(tarball, 'package.json'), 'utf8'))
  const runtime = Object.fromEntries(
    Object.keys(shipped.dependencies ?? {}).map((name) => [name, repoPackage(name)]),
  )
  for (const [name, target] of Object.entries({ ...runtime, ...links })) {
    mkdirSync(dirname(join(modules, name)), { recursive: true })
    symlinkSync(target, join(modules, name))
  }
}

/**
 * Writes one project.
 * @param {string} dir
 * @param {{ packageType?: 'module' | 'commonjs', compilerOptions: Record<string, unknown>,
 *   files: Record<string, string> }} project
 */
export function writeProject(dir, { packageType, compilerOptions, files }) {
  mkdirSync(dir, { recursive: true })
  const manifest = { name: 'consumer', private: true, ...(packageType ? { type: packageType } : {}) }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const tsconfig = { compilerOptions, files: Object.keys(files) }
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}
