/**
 * The one entry list (scripts/entrypoints.mjs) on a layout of its own: a module added in the right folder becomes a
 * subpath with its builds, exports, types for every resolution and, for a signer, its re-export, with nothing else
 * to edit; the modules that are not entry points stay out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  binEntries,
  EDGE_CONDITIONS,
  entryPoints,
  generatedFiles,
  packageExports,
  packageTypesVersions,
} from '../../scripts/entrypoints.mjs'

const LAYOUT = [
  'src/index.ts',
  'src/providers/stripe.ts',
  'src/provider-kit/signature-verdict.ts',
  'src/adapters/express.ts',
  'src/adapters/next.ts',
  'src/adapters/next-route.ts',
  'src/adapter-kit/node-body.ts',
  'src/stores/memory.ts',
  'src/stores/redis.ts',
  'src/testing/index.ts',
  'src/testing/delivery.ts',
  'src/testing/stripe.ts',
]

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function layout(extra: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'webhook-receiver-entrypoints-'))
  roots.push(root)
  for (const file of [...LAYOUT, ...extra]) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), 'export {}\n')
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'webhook-receiver', exports: {} }))
  writeFileSync(join(root, 'tsconfig.edge.json'), '{}\n')
  return root
}

describe('the entry list', () => {
  it('makes a new provider module a subpath, with its edge build, exports and node10 types', () => {
    const entries = entryPoints(layout(['src/providers/acme.ts']))
    expect(entries.find(({ subpath }) => subpath === './providers/acme')).toEqual({
      subpath: './providers/acme',
      name: 'providers/acme',
      source: 'src/providers/acme.ts',
      edgeSource: 'src/providers/acme.ts',
    })
    const conditions = packageExports(entries)['./providers/acme'] as Record<string, unknown>
    expect(Object.keys(conditions)).toEqual([...EDGE_CONDITIONS, 'import', 'require'])
    expect(conditions.require).toEqual({
      types: './dist/providers/acme.d.cts',
      default: './dist/providers/acme.cjs',
    })
    expect(packageTypesVersions(entries)['*']['providers/acme']).toEqual(['./dist/providers/acme.d.cts'])
  })

  it('leaves out the shared helpers, the core store and the edge variant, which builds ./next on the edge', () => {
    const entries = entryPoints(layout())
    expect(entries.map(({ subpath }) => subpath)).toEqual([
      '.',
      './providers/stripe',
      './express',
      './next',
      './stores/redis',
      './testing',
    ])
    expect(entries.find(({ subpath }) => subpath === './next')?.edgeSource).toBe('src/adapters/next-route.ts')
  })

  it('gives the Node-only adapters, stores and queues no edge build and no edge condition', () => {
    const entries = entryPoints(layout(['src/queues/bullmq.ts']))
    const exports = packageExports(entries)
    for (const subpath of ['./express', './stores/redis', './queues/bullmq']) {
      expect(entries.find((entry) => entry.subpath === subpath)?.edgeSource).toBeUndefined()
      expect(Object.keys(exports[subpath] as object)).toEqual(['import', 'require'])
    }
  })

  it('re-exports a new signer module from the testing entry and lists it in the edge type check', async () => {
    const files = await generatedFiles(layout(['src/providers/acme.ts', 'src/testing/acme.ts']))
    expect(files['src/testing/index.ts']).toContain("export * from './acme.js'")
    expect(files['src/testing/index.ts']).toContain(
      "export { toRequest, type SignedDelivery, type SignOptions } from './delivery.js'",
    )
    expect(files['src/testing/index.ts']).not.toContain("export * from './delivery.js'")
    expect(JSON.parse(files['tsconfig.edge.json'].replace(/^\/\/.*$/gm, '')).include).toContain(
      'src/providers/acme.ts',
    )
    expect(JSON.parse(files['package.json']).exports['./providers/acme']).toBeDefined()
  })

  it('makes each module of src/bin a command of package.json "bin", not a subpath, and the CLI modules neither', async () => {
    const root = layout(['src/bin/acme-cli.ts', 'src/cli/main.ts', 'src/cli/providers/stripe.ts'])
    expect(binEntries(root)).toEqual([
      {
        name: 'acme-cli',
        source: 'src/bin/acme-cli.ts',
        file: './dist/bin/acme-cli.js',
      },
    ])
    expect(entryPoints(root).map(({ source }) => source)).not.toContain('src/bin/acme-cli.ts')
    expect(entryPoints(root).some(({ source }) => source.startsWith('src/cli/'))).toBe(false)
    const pkg = JSON.parse((await generatedFiles(root))['package.json'])
    expect(pkg.bin).toEqual({ 'acme-cli': './dist/bin/acme-cli.js' })
    expect(Object.keys(pkg.exports)).not.toContain('./bin/acme-cli')
    // A layout without commands has no "bin".
    expect(JSON.parse((await generatedFiles(layout()))['package.json']).bin).toBeUndefined()
  })
})
