/**
 * Run after tsup (`npm run build`): in the built declaration files, every import of an optional peer dependency
 * (package.json `peerDependenciesMeta`) gets a `// @ts-ignore` line above it. Without it, an app that does not
 * install the peer (a Stripe receiver without the `stripe` SDK) gets "Cannot find module 'stripe'" inside our
 * declarations as soon as `skipLibCheck` is false; with it, the import is `any`, which the event maps turn into
 * `unknown` payloads (src/event-maps/optional-peer.ts). The bundler of the declarations hoists every
 * `import('…')` type into an import statement and drops comments on imports, so the mark is added here, after it.
 * scripts/check-package.mjs checks that every such import carries it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from './entrypoints.mjs'

export const OPTIONAL_PEER_MARK =
  '// @ts-ignore: an optional peer dependency; without it installed, its types are `any` here.'

/** @param {string} root @returns {Set<string>} the optional peers, by the name an import uses (`@types/x` is `x`) */
function optionalPeers(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  return new Set(
    Object.entries(pkg.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta?.optional)
      .map(([name]) => (name.startsWith('@types/') ? name.slice('@types/'.length).replace('__', '/') : name)),
  )
}

/** @param {string} specifier @returns {string} the package a bare specifier names (`next/server` → `next`) */
export const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

/**
 * @param {string} file a built file (`dist/providers/stripe.d.ts`, `dist/queues/bullmq.js`), relative to `root`
 * @param {string} [root]
 * @returns {string[]} the optional peers it imports (`import`, `import type`, `import '…'`, or `export … from`),
 *   by package name; for a module, with those of the chunks it imports (`./chunk-….js`), whose code it runs too
 */
export function optionalPeerImportsOf(file, root = repoRoot) {
  const peers = optionalPeers(root)
  const found = new Set()
  const seen = new Set()
  const visit = (/** @type {string} */ path) => {
    if (seen.has(path)) return
    seen.add(path)
    const code = readFileSync(join(root, path), 'utf8')
    for (const [, specifier = ''] of code.matchAll(
      /^(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm,
    )) {
      if (specifier.startsWith('.')) {
        if (path.endsWith('.js')) visit(join(dirname(path), specifier))
      } else if (peers.has(packageOf(specifier))) found.add(packageOf(specifier))
    }
  }
  visit(file)
  return [...found].sort()
}

/** @param {string} root @returns {string[]} every declaration file in dist/, as a path relative to `root` */
export function declarationFiles(root = repoRoot) {
  return readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.d.ts') || file.endsWith('.d.cts'))
    .map((file) => join('dist', file))
}

/** The line of an import or re-export that names its module: where TypeScript reports a module it cannot find. */
const IMPORT_LINE = /^(?:import\b|export\b|\}).*\bfrom\s+['"]([^'"./][^'"]*)['"];?\s*$/

/**
 * @param {string} text a declaration file
 * @param {Set<string>} peers
 * @returns {{ text: string, unmarked: string[] }} the text with every optional-peer import marked, and the imports
 *   that were not marked yet
 */
function markImports(text, peers) {
  const lines = text.split('\n')
  const unmarked = []
  for (let index = lines.length - 1; index >= 0; index--) {
    const specifier = IMPORT_LINE.exec(lines[index] ?? '')?.[1]
    if (specifier === undefined || !peers.has(packageOf(specifier))) continue
    if (lines[index - 1] === OPTIONAL_PEER_MARK) continue
    unmarked.push(lines[index] ?? '')
    lines.splice(index, 0, OPTIONAL_PEER_MARK)
  }
  return { text: lines.join('\n'), unmarked }
}

/**
 * @param {string} [root]
 * @returns {Array<{ file: string, line: string }>} the optional-peer imports in dist/ without the mark
 */
export function unmarkedOptionalPeerImports(root = repoRoot) {
  const peers = optionalPeers(root)
  return declarationFiles(root).flatMap((file) =>
    markImports(readFileSync(join(root, file), 'utf8'), peers).unmarked.map((line) => ({ file, line })),
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const peers = optionalPeers(repoRoot)
  let marked = 0
  for (const file of declarationFiles(repoRoot)) {
    const path = join(repoRoot, file)
    const { text, unmarked } = markImports(readFileSync(path, 'utf8'), peers)
    if (unmarked.length === 0) continue
    writeFileSync(path, text)
    marked += unmarked.length
  }
  console.log(`optional-peer-imports: marked ${marked} import(s) of optional peers in dist/`)
}
