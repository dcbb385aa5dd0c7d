/**
 * The ```ts blocks of README.md and docs/**\/*.md, each to be type-checked as a module of its own in a Node project
 * (ES modules, `nodenext`, strict, @types/node) that has the packed tarball and exactly the packages the block
 * imports, and the optional peers that type the payloads of the providers it imports (`stripe` for
 * `webhook-receiver/providers/stripe`, as the README's install table says). A block whose first line names it
 * (`// receivers.ts: …`) is a module the other blocks of its Markdown file may import (`./receivers.js`): they are
 * checked beside it, with its packages. A block right after the line `<!-- snippet: skip -->` is not checked.
 */
import { builtinModules } from 'node:module'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { entryPoints, repoRoot } from '../entrypoints.mjs'
import { optionalPeerImportsOf, packageOf } from '../optional-peer-imports.mjs'
import { repoPackage, typesPackageOf } from './workspace.mjs'

export const SKIP_MARK = '<!-- snippet: skip -->'
const FENCE = /^(\s*)```ts\s*$/

/**
 * @typedef {object} Snippet
 * @property {string} file the Markdown file, relative to the repository
 * @property {number} line the line of its opening fence (1-based)
 * @property {string} code
 * @property {string[]} packages the packages it imports (with those of the named blocks it imports), besides this
 *   one and Node's built-ins, and the peers that type the providers it imports
 * @property {string | undefined} name the file name its first line gives it (`receivers.ts`), if any
 * @property {Array<{ name: string, code: string }>} companions the named blocks of its Markdown file it imports,
 *   directly or through another, to be written beside it
 */

const NAMED = /^\/\/ ([\w.-]+\.ts)\b/

/** The packages whose types the declarations of each `webhook-receiver/…` subpath import (its typing peers). */
let typingPeers
/** @param {string} specifier a `webhook-receiver/…` specifier @returns {string[]} */
function typingPeersOf(specifier) {
  typingPeers ??= new Map(
    entryPoints().map((entry) => [
      entry.subpath === '.' ? 'webhook-receiver' : `webhook-receiver/${entry.subpath.slice(2)}`,
      entry,
    ]),
  )
  const entry = typingPeers.get(specifier)
  if (entry === undefined || !specifier.startsWith('webhook-receiver/providers/')) return []
  return optionalPeerImportsOf(`dist/${entry.name}.d.ts`)
}

/** @returns {string[]} README.md and every Markdown file under docs/, relative to the repository */
function markdownFiles() {
  const docs = existsSync(join(repoRoot, 'docs'))
    ? readdirSync(join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.md'))
        .sort()
        .map((file) => join('docs', file))
    : []
  return ['README.md', ...docs]
}

const builtins = new Set(builtinModules)

/** @param {string} code @returns {string[]} the bare specifiers it imports or re-exports from */
function importedSpecifiers(code) {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true)
  const found = []
  const visit = (/** @type {ts.Node} */ node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** @param {string} specifier */
const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../')

/** @returns {{ snippets: Snippet[], skipped: number }} */
export function extractSnippets() {
  /** @type {Snippet[]} */
  const snippets = []
  let skipped = 0
  for (const file of markdownFiles()) {
    const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n')
    /** @type {Array<Snippet & { relative: string[] }>} */
    const ofFile = []
    for (let index = 0; index < lines.length; index++) {
      const open = FENCE.exec(lines[index] ?? '')
      if (!open) continue
      const indent = open[1] ?? ''
      const end = lines.findIndex((line, at) => at > index && line.trim() === '```')
      const body = lines
        .slice(index + 1, end < 0 ? lines.length : end)
        .map((line) => line.slice(indent.length))
      const previous = lines
        .slice(0, index)
        .reverse()
        .find((line) => line.trim() !== '')
      if (previous?.trim() === SKIP_MARK) skipped++
      else {
        const code = `${body.join('\n')}\n`
        const specifiers = importedSpecifiers(code)
        const bare = specifiers.filter(
          (specifier) =>
            !isRelative(specifier) &&
            !specifier.startsWith('/') &&
            !specifier.startsWith('node:') &&
            !builtins.has(specifier),
        )
        const packages = [
          ...bare.map(packageOf).filter((name) => name !== 'webhook-receiver'),
          ...bare.filter((specifier) => specifier.startsWith('webhook-receiver/')).flatMap(typingPeersOf),
        ]
        ofFile.push({
          file,
          line: index + 1,
          code,
          packages,
          name: NAMED.exec(body[0] ?? '')?.[1],
          companions: [],
          relative: specifiers.filter(isRelative),
        })
      }
      index = end < 0 ? lines.length : end
    }
    const named = new Map(ofFile.flatMap((snippet) => (snippet.name ? [[snippet.name, snippet]] : [])))
    for (const snippet of ofFile) {
      // The named blocks it reaches through relative imports (`./receivers.js` is the block named receivers.ts).
      const reached = new Map()
      const follow = (/** @type {string[]} */ relative) => {
        for (const specifier of relative) {
          const target = named.get(specifier.replace(/^\.\//, '').replace(/\.js$/, '.ts'))
          if (target === undefined || target === snippet || reached.has(target.name)) continue
          reached.set(target.name, target)
          follow(target.relative)
        }
      }
      follow(snippet.relative)
      const { relative: _, ...rest } = snippet
      snippets.push({
        ...rest,
        packages: [...new Set([snippet, ...reached.values()].flatMap((each) => each.packages))].sort(),
        companions: [...reached.values()].map(({ name, code }) => ({ name, code })),
      })
    }
  }
  return { snippets, skipped }
}

/**
 * A block's syntax errors, as `file:line:column: error TS…: message`. A block that does not parse is reported on its
 * own: in a project with others, the compiler would stop at the syntax errors and check none of them.
 * @param {Snippet} snippet
 * @returns {string[]}
 */
export function syntaxErrors(snippet) {
  const { diagnostics = [] } = ts.transpileModule(snippet.code, {
    reportDiagnostics: true,
    fileName: 'snippet.ts',
    compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
  })
  return diagnostics.map((diagnostic) => {
    const { line, character } = diagnostic.file
      ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      : { line: 0, character: 0 }
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
    return `${snippet.file}:${snippet.line + line + 1}:${character + 1}: error TS${diagnostic.code}: ${message}`
  })
}

/**
 * The packages to link into a snippet's project: what it imports, with the `@types/` package where the package
 * has one, from the repository's own install; a package the repository does not install is a problem of the
 * snippet (it could not be type-checked as written).
 * @param {Snippet} snippet
 * @returns {{ links: Record<string, string>, unavailable: string[] }}
 */
export function snippetLinks(snippet) {
  const links = {}
  const unavailable = []
  for (const name of snippet.packages) {
    if (!existsSync(join(repoPackage(name), 'package.json'))) {
      unavailable.push(name)
      continue
    }
    links[name] = repoPackage(name)
    const types = typesPackageOf(name)
    if (types) links[types] = repoPackage(types)
  }
  return { links, unavailable }
}

/** The compiler options of a snippet's project: a Node app's (`tsc --init` for Node, with @types/node). */
export const SNIPPET_COMPILER_OPTIONS = {
  module: 'nodenext',
  target: 'es2022',
  lib: ['es2023'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  // Each block is a module of its own, also one that neither imports nor exports.
  moduleDetection: 'force',
  // As in every Nest app (docs/adapters.md › NestJS): Nest's decorators are the legacy ones. No other block has any.
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
}
