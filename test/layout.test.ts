/**
 * The source tree has no import cycle: every module of src/ can be read (and loaded) after the modules it imports.
 * Type-only imports count too, as they do for a reader following the imports, and `#crypto` stands for both of its
 * implementations (the build-time alias of scripts/crypto-runtime.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { CRYPTO_RUNTIMES, CRYPTO_SPECIFIER } from '../scripts/crypto-runtime.mjs'

const root = resolve(import.meta.dirname, '..')
const src = join(root, 'src')

type Graph = Map<string, string[]>

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Each build-time alias (`#crypto`), with every file it stands for (one per build). */
function packageImports(): Map<string, string[]> {
  return new Map([
    [CRYPTO_SPECIFIER, [...new Set(Object.values(CRYPTO_RUNTIMES))].map((file) => resolve(root, file))],
  ])
}

/** src/ as a graph: each file (relative to src/) to the src/ files it imports, export-from and `import type` included. */
function importGraph(): Graph {
  const aliases = packageImports()
  const graph: Graph = new Map()
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles.flatMap(({ fileName }) => {
      if (aliases.has(fileName)) return aliases.get(fileName) as string[]
      if (!fileName.startsWith('.')) return [] // a package: not part of src/
      return [resolve(dirname(file), fileName).replace(/\.js$/, '.ts')]
    })
    graph.set(
      relative(src, file),
      [...new Set(targets)].map((target) => relative(src, target)),
    )
  }
  return graph
}

/**
 * The cycles a depth-first walk closes, each as its path (`['a.ts', 'b.ts', 'a.ts']`; a self-import is one too):
 * none exactly when the graph has no cycle.
 */
function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = []
  const done = new Set<string>()
  const path: string[] = []
  const visit = (node: string): void => {
    const open = path.indexOf(node)
    if (open >= 0) {
      cycles.push([...path.slice(open), node])
      return
    }
    if (done.has(node)) return
    path.push(node)
    for (const next of graph.get(node) ?? []) visit(next)
    path.pop()
    done.add(node)
  }
  for (const node of [...graph.keys()].sort()) visit(node)
  return cycles
}

describe('src/ import graph', () => {
  const graph = importGraph()

  it('is read whole: every source file, with its relative, type-only and #crypto imports', () => {
    expect(graph.size).toBe(sourceFiles(src).length)
    expect(graph.get('pipeline.ts')).toEqual(expect.arrayContaining(['dedup.ts', 'options.ts']))
    // A type-only import.
    expect(graph.get('stores/memory.ts')).toContain(join('types', 'store.ts'))
    // `#crypto` stands for both implementations.
    expect(graph.get('body.ts')).toEqual(
      expect.arrayContaining([join('crypto', 'node.ts'), join('crypto', 'web.ts')]),
    )
    // Every import resolves to a file that exists in src/.
    for (const targets of graph.values()) for (const target of targets) expect(graph.has(target)).toBe(true)
  })

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([])
  })

  it('would report a cycle, and a self-import, with the path that closes it', () => {
    const cyclic: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts', 'a.ts']],
    ])
    expect(findCycles(cyclic)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['d.ts', 'd.ts'],
    ])
  })
})

/** The decorators written in a source file (`@Name(…)` on a class, method, property or parameter). */
function decoratorsIn(text: string, file = 'source.ts'): string[] {
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isDecorator(node)) found.push(node.getText())
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true))
  return found
}

describe('src/ decorators', () => {
  // tsconfig.json turns on `experimentalDecorators` for the Nest tests and example; the package's own code stays
  // free of decorator syntax (src/adapters/nest/ calls Nest's decorators as functions), so the build does not
  // depend on which decorator semantics a compiler applies.
  it('uses none', () => {
    const used = sourceFiles(src).flatMap((file) =>
      decoratorsIn(readFileSync(file, 'utf8'), file).map(
        (decorator) => `${relative(src, file)}: ${decorator}`,
      ),
    )
    expect(used).toEqual([])
  })

  it('would find one', () => {
    expect(decoratorsIn('class A { @Post() handle(@Req() req: unknown) {} }')).toEqual(['@Post()', '@Req()'])
  })
})
