/**
 * `npm run test:consumers`: the package as apps consume it, from the packed tarball.
 * - matrix: throwaway projects (ESM `nodenext`, CommonJS `nodenext`, `bundler`, `node10`) × TypeScript 5.9 and 7 ×
 *   `skipLibCheck` true and false, with every `stripe` major the peer range covers, with the other peers, and with
 *   none: correct code compiles, typed mistakes do not (`@ts-expect-error`), payloads are `unknown` without the
 *   peer types; the projects that Node runs compile a module that `require()`s or `import`s every subpath, and run it;
 * - snippets: every ```ts block of README.md and docs/ compiles as a module of a Node project that has exactly what
 *   it imports (scripts/consumers/snippets.mjs);
 * - typetests: the repository's own type tests and sources type-check with TypeScript 7 too (`npm test` runs 5.9).
 * `--only=matrix,snippets,typetests` runs some of them, `--filter=<text>` only the jobs whose label has the text;
 * `--keep` keeps the projects (their directory is printed).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot } from '../entrypoints.mjs'
import { fixtureSource, KINDS, variants } from './matrix.mjs'
import { extractSnippets, SNIPPET_COMPILER_OPTIONS, snippetLinks, syntaxErrors } from './snippets.mjs'
import { createVariant, installTools, packTarball, stripeMajors, tscOf, writeProject } from './workspace.mjs'

const run = promisify(execFile)
const args = process.argv.slice(2)
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
const parts = new Set(only ?? ['matrix', 'snippets', 'typetests'])
const keep = args.includes('--keep')
const filter = args.find((arg) => arg.startsWith('--filter='))?.slice('--filter='.length)

/**
 * @typedef {object} Job
 * @property {string} label
 * @property {string} part
 * @property {() => Promise<string | undefined>} run resolves to what failed, or undefined
 */

/** @param {string[]} command @param {string} cwd @returns {Promise<{ ok: boolean, output: string }>} */
async function exec(command, cwd) {
  const [file = '', ...rest] = command
  try {
    const { stdout, stderr } = await run(file, rest, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    return { ok: true, output: `${stdout}${stderr}` }
  } catch (error) {
    const failed = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (error)
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message }
  }
}

/**
 * The errors of a compile that are about this package or the project's own code. With `skipLibCheck: false`, the
 * compiler also checks every other package's declarations, some of which do not agree with each other (@types/koa
 * and content-disposition 2): those are not this package's to fix, and are only counted.
 * @param {string} output what tsc printed, without `--pretty`
 * @returns {{ errors: string[], foreign: number }}
 */
function ownErrors(output) {
  const lines = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(' '))
  const foreign = lines.filter((line) => {
    const file = /^(.+?)\(\d+,\d+\): /.exec(line)?.[1]
    return (
      file !== undefined && file.includes('node_modules/') && !file.includes('node_modules/webhook-receiver/')
    )
  })
  return { errors: lines.filter((line) => !foreign.includes(line)), foreign: foreign.length }
}

/** @param {Job[]} jobs @param {number} concurrency @returns {Promise<Array<{ job: Job, problem?: string, ms: number }>>} */
async function runAll(jobs, concurrency) {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const job = /** @type {Job} */ (jobs[next++])
      const started = performance.now()
      const problem = await job.run()
      const ms = performance.now() - started
      results.push({ job, problem, ms })
      console.log(`${problem ? 'FAIL' : 'ok  '} ${job.part}: ${job.label} (${(ms / 1000).toFixed(1)} s)`)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

const started = performance.now()
const majors = stripeMajors()
const tools = installTools(majors)
const work = mkdtempSync(join(tmpdir(), 'webhook-receiver-consumers-'))
// Also when something throws on the way.
process.on('exit', () => {
  if (keep) console.log(`Projects kept in ${work}`)
  else rmSync(work, { recursive: true, force: true })
})
const tarball = packTarball(work)
/** @type {Job[]} */
const jobs = []
/** @type {string[]} */
const notes = []
let mistakes = 0

if (parts.has('matrix')) {
  for (const variant of variants(tools, majors)) {
    const variantDir = join(work, variant.name)
    createVariant(variantDir, tarball, variant.links)
    const files = Object.fromEntries(variant.fixtures.map((fixture) => [fixture, fixtureSource(fixture)]))
    const expectedErrors =
      Object.values(files)
        .join('\n')
        .match(/@ts-expect-error/g)?.length ?? 0
    for (const { kind, typescript, skipLibCheck } of variant.cases) {
      const setup = KINDS[kind]
      if (!setup) throw new Error(`unknown module setup ${kind}`)
      // One compile per setup that Node runs also emits, and its load.ts then runs.
      const runs = setup.runs === true && 'load.ts' in files && typescript === '5.9' && skipLibCheck
      const name = `${kind}-ts${typescript}-${skipLibCheck ? 'skipLibCheck' : 'libCheck'}`
      const dir = join(variantDir, name)
      writeProject(dir, {
        packageType: setup.packageType,
        compilerOptions: {
          strict: true,
          target: 'es2022',
          types: ['node'],
          skipLibCheck,
          ...setup.compilerOptions,
          ...(runs ? { outDir: 'out' } : { noEmit: true }),
        },
        files,
      })
      mistakes += expectedErrors
      jobs.push({
        part: 'matrix',
        label: `${variant.name} / ${name}${runs ? ' + run' : ''}`,
        async run() {
          const compiled = await exec(
            [process.execPath, tscOf(tools, typescript), '-p', dir, '--pretty', 'false'],
            dir,
          )
          const { errors, foreign } = ownErrors(compiled.output)
          if (foreign > 0)
            notes.push(`${variant.name} / ${name}: ${foreign} error(s) in other packages' declarations`)
          if (errors.length > 0) return errors.join('\n')
          if (!compiled.ok && foreign === 0) return compiled.output.trim() || 'tsc failed without a message'
          if (!runs) return undefined
          const loaded = await exec([process.execPath, join('out', 'load.js')], dir)
          return loaded.ok ? undefined : `running out/load.js:\n${loaded.output.trim()}`
        },
      })
    }
  }
}

if (parts.has('snippets')) {
  const { snippets, skipped } = extractSnippets()
  console.log(`snippets: ${snippets.length} ts blocks to check, ${skipped} marked skip`)
  // One project per set of imported packages: the blocks of a set are modules side by side.
  const groups = new Map()
  for (const snippet of snippets) {
    const syntax = syntaxErrors(snippet)
    if (syntax.length > 0) {
      jobs.push({
        part: 'snippets',
        label: `${snippet.file}:${snippet.line}`,
        run: async () => syntax.join('\n'),
      })
      continue
    }
    const key = snippet.packages.join(' ')
    groups.set(key, [...(groups.get(key) ?? []), snippet])
  }
  let group = 0
  for (const [key, members] of groups) {
    const { links, unavailable } = snippetLinks(members[0])
    const variantDir = join(work, `snippets-${group++}`)
    if (unavailable.length > 0) {
      for (const snippet of members)
        jobs.push({
          part: 'snippets',
          label: `${snippet.file}:${snippet.line}`,
          run: async () =>
            `imports ${unavailable.join(', ')}, which the repository does not install: add it to devDependencies, ` +
            'or mark the block <!-- snippet: skip -->',
        })
      continue
    }
    createVariant(variantDir, tarball, links)
    // Each Markdown file's blocks in a folder of their own, where a named block is the module its siblings import.
    const folderOf = (/** @type {string} */ markdown) =>
      markdown.replace(/\.md$/, '').replace(/[^\w-]+/g, '-')
    const byFile = new Map(
      members.map((snippet, index) => [
        `${folderOf(snippet.file)}/${snippet.name ?? `block-${index}.ts`}`,
        snippet,
      ]),
    )
    const companions = members.flatMap((snippet) =>
      snippet.companions.map(({ name, code }) => [`${folderOf(snippet.file)}/${name}`, code]),
    )
    const dir = join(variantDir, 'app')
    writeProject(dir, {
      packageType: 'module',
      compilerOptions: SNIPPET_COMPILER_OPTIONS,
      files: Object.fromEntries([
        ...companions,
        ...[...byFile].map(([file, snippet]) => [file, snippet.code]),
      ]),
    })
    /** @type {Promise<{ ok: boolean, output: string }> | undefined} */
    let compiling
    // One compile for the group, started by the first of its jobs the pool runs.
    const compile = () =>
      (compiling ??= exec([process.execPath, tscOf(tools, '5.9'), '-p', dir, '--pretty', 'false'], dir))
    for (const [file, snippet] of byFile) {
      jobs.push({
        part: 'snippets',
        label: `${snippet.file}:${snippet.line}${key ? ` (with ${key})` : ''}`,
        async run() {
          const { output } = await compile()
          // tsc reports `block-0.ts(3,5): error TS…`: translate to the Markdown file's own line.
          const errors = output
            .split('\n')
            .filter((line) => line.startsWith(`${file}(`))
            .map((line) =>
              line.replace(
                /^[^(]+\((\d+),(\d+)\): /,
                (_, row, column) => `${snippet.file}:${snippet.line + Number(row)}:${column}: `,
              ),
            )
          return errors.length > 0 ? errors.join('\n') : undefined
        },
      })
    }
  }
}

if (parts.has('typetests')) {
  for (const project of ['tsconfig.json', 'tsconfig.edge.json']) {
    jobs.push({
      part: 'typetests',
      label: `TypeScript 7: tsc --noEmit -p ${project}`,
      async run() {
        const result = await exec([process.execPath, tscOf(tools, '7'), '--noEmit', '-p', project], repoRoot)
        return result.ok ? undefined : result.output.trim()
      },
    })
  }
}

const chosen = filter === undefined ? jobs : jobs.filter(({ label }) => label.includes(filter))
const results = await runAll(chosen, Math.max(1, availableParallelism()))
const failed = results.filter(({ problem }) => problem !== undefined)
for (const note of notes) console.log(`note: ${note}, not counted`)
for (const { job, problem } of failed) console.error(`\nFAIL ${job.part}: ${job.label}\n${problem}`)
const seconds = ((performance.now() - started) / 1000).toFixed(0)
const version = JSON.parse(readFileSync(join(tools, 'node_modules', 'typescript-7', 'package.json'), 'utf8'))
console.log(
  `\n${results.length - failed.length}/${results.length} passed in ${seconds} s (stripe majors ${majors.join(', ')}; ` +
    `TypeScript 7 is ${version.version}; ${mistakes} typed mistakes expected to be refused across the matrix).`,
)
if (failed.length > 0) process.exit(1)
