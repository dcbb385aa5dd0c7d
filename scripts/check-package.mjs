#!/usr/bin/env node
/**
 * Checks the package as users receive it, after `npm run build`:
 * 1. package.json `exports` and `typesVersions` are the ones written from the entry list (scripts/entrypoints.mjs),
 *    the edge conditions come ahead of `import`/`require`, there is no `imports` field, and every file they name is
 *    in the packed tarball;
 * 2. the edge build holds no `Buffer`, `process`, `node:` import or `require(`, and every import of an optional
 *    peer in the declarations carries its `@ts-ignore` (scripts/optional-peer-imports.mjs);
 * 3. `publint --strict` and `attw` (every resolution: node10, node16 CJS and ESM, bundler) pass on the tarball;
 * 4. every subpath loads from the packed tarball with both `import()` and `require()`, with exactly the run-time
 *    exports its source declares, and under `--conditions=edge-light` the edge build is the one loaded and
 *    verifies a delivery;
 * 5. package.json `bin` is the one written from src/bin/, and each command is in the tarball, executable, starts
 *    with its shebang and runs from the unpacked package (its ready-made payloads are inside it).
 * Exits non-zero when any check failed.
 */
import { execFileSync } from 'node:child_process'
import { isDeepStrictEqual } from 'node:util'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  binEntries,
  EDGE_CONDITIONS,
  entryPoints,
  packageBin,
  packageExports,
  packageTypesVersions,
  repoRoot as root,
} from './entrypoints.mjs'
import { unmarkedOptionalPeerImports } from './optional-peer-imports.mjs'
import { valueExports } from './value-exports.mjs'

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const failures = []
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`)
  if (!ok) failures.push(message)
}

// 1. package.json ↔ the entry list (the files themselves are checked in the tarball, below)
const entries = entryPoints(root)
check(
  isDeepStrictEqual(pkg.exports, packageExports(entries)),
  `package.json "exports" is the one written from the ${entries.length} entry points (else: npm run sync)`,
)
check(
  isDeepStrictEqual(pkg.typesVersions, packageTypesVersions(entries)),
  'package.json "typesVersions" is the one written from the entry points (else: npm run sync)',
)
check(!('imports' in pkg), 'package.json has no "imports" (it would point at unshipped files)')
const bins = binEntries(root)
check(
  isDeepStrictEqual(pkg.bin, packageBin(bins)),
  `package.json "bin" is the one written from the ${bins.length} command(s) of src/bin/ (else: npm run sync)`,
)
for (const [subpath, conditions] of Object.entries(pkg.exports)) {
  if (typeof conditions === 'string') continue
  const keys = Object.keys(conditions)
  const firstNode = Math.min(keys.indexOf('import'), keys.indexOf('require'))
  const edgeKeys = keys.filter((key) => EDGE_CONDITIONS.includes(key))
  check(
    edgeKeys.every((key) => keys.indexOf(key) < firstNode),
    `${subpath}: its edge conditions (${edgeKeys.length}) come before import/require`,
  )
}

// 2. nothing Node-only in the edge build: uses of the Node globals and imports of Node modules (the words alone
// may appear in messages, and d.ts files mention process.env in examples). vitest.edge.config.ts also runs the
// bundle with these globals shadowed, which catches what a pattern cannot.
const FORBIDDEN = [
  /\bBuffer\s*[.([]/,
  /\bnew\s+Buffer\b/,
  /\bprocess\s*[.[]/,
  /\brequire\s*[.(]/,
  /\b(?:from|import)\s*\(?\s*['"`]node:/,
  /\b__(?:dirname|filename)\b/,
]
const edgeFiles = readdirSync(join(root, 'dist/edge'), { recursive: true }).filter((file) =>
  file.endsWith('.js'),
)
check(edgeFiles.length > 0, `dist/edge holds ${edgeFiles.length} JavaScript files`)
for (const file of edgeFiles) {
  const code = readFileSync(join(root, 'dist/edge', file), 'utf8')
  const found = FORBIDDEN.filter((pattern) => pattern.test(code))
  check(
    found.length === 0,
    `dist/edge/${file} uses nothing Node-only${found.length ? `: ${found.join(', ')}` : ''}`,
  )
}

const unmarked = unmarkedOptionalPeerImports(root)
check(
  unmarked.length === 0,
  `every import of an optional peer in dist/ declarations carries @ts-ignore${unmarked.map(({ file, line }) => `\n  ${file}: ${line}`).join('')}`,
)

// 3. publint + attw on the packed tarball
const work = mkdtempSync(join(tmpdir(), 'webhook-receiver-pack-'))
try {
  const tarballName = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()
  const tarball = join(work, tarballName)
  const run = (command, args) => {
    try {
      execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' })
      return ''
    } catch (error) {
      return `${error.stdout ?? ''}${error.stderr ?? ''}`
    }
  }
  const shipped = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .map((path) => path.replace(/^package\//, './')),
  )
  const named = [
    pkg.main,
    pkg.module,
    pkg.types,
    ...Object.values(pkg.typesVersions?.['*'] ?? {}).flat(),
    ...Array.from(JSON.stringify(pkg.exports).matchAll(/:"(\.\/[^"]+)"/g), (match) => match[1]),
    ...Object.values(pkg.bin ?? {}),
  ]
  const missing = [...new Set(named)].filter((path) => !shipped.has(path))
  check(
    missing.length === 0,
    `every file package.json names (${new Set(named).size}) is in ${tarballName}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
  )

  const publint = run('npx', ['--no', 'publint', 'run', tarball, '--strict'])
  check(publint === '', `publint --strict ${tarballName}${publint ? `\n${publint}` : ''}`)
  // Every resolution attw knows, node10 included (it reads `typesVersions`).
  const attw = run('npx', ['--no', 'attw', tarball, '--format', 'table-flipped'])
  check(attw === '', `attw ${tarballName}${attw ? `\n${attw}` : ''}`)

  // 4. every subpath loads from the tarball, ESM and CJS, with the run-time exports its source declares
  const app = join(work, 'app')
  mkdirSync(join(app, 'node_modules'), { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', join(app, 'node_modules')])
  execFileSync('mv', [join(app, 'node_modules', 'package'), join(app, 'node_modules', 'webhook-receiver')])
  // The one runtime dependency (raw-body) and optional peers come from the repo's own install.
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'))
  /** @param {'source' | 'edgeSource'} build @returns {Record<string, string[]>} run-time exports by specifier */
  const exportsOf = (build) =>
    Object.fromEntries(
      entries.map((entry) => [
        entry.subpath === '.' ? 'webhook-receiver' : `webhook-receiver/${entry.subpath.slice(2)}`,
        valueExports(root, entry[build] ?? entry.source),
      ]),
    )
  const expected = exportsOf('source')
  const probe = `
    const expected = ${JSON.stringify(expected)};
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const problems = [];
    for (const [specifier, names] of Object.entries(expected)) {
      const esm = await import(specifier);
      const cjs = require(specifier);
      for (const name of names) {
        if (esm[name] === undefined) problems.push('import ' + specifier + ' lacks ' + name);
        if (cjs[name] === undefined) problems.push('require ' + specifier + ' lacks ' + name);
      }
      for (const name of Object.keys(esm)) if (!names.includes(name)) problems.push('import ' + specifier + ' has the undeclared export ' + name);
    }
    const esmRoot = await import('webhook-receiver');
    const cjsRoot = require('webhook-receiver');
    if (!cjsRoot.isWebhookError(new esmRoot.SignatureInvalidError())) problems.push('isWebhookError (CJS) rejects an ESM WebhookError');
    console.log(JSON.stringify(problems));
  `
  writeFileSync(join(app, 'probe.mjs'), probe)
  const problems = JSON.parse(
    execFileSync(process.execPath, ['probe.mjs'], { cwd: app, encoding: 'utf8' }).trim(),
  )
  check(
    problems.length === 0,
    `every subpath loads with import() and require() from the tarball${problems.length ? `:\n  ${problems.join('\n  ')}` : ''}`,
  )

  // …and under the edge condition: the edge build (asynchronous signers) for the edge entries, which verifies a
  // delivery end to end; the Node-only entries still resolve (to the Node build). An edge variant exports what its
  // own source does (Next's edge runtime has no Pages Router: its edge build is the App Router handler alone).
  const expectedOnEdge = exportsOf('edgeSource')
  const edgeProbe = `
    const expected = ${JSON.stringify(expectedOnEdge)};
    const problems = [];
    for (const [specifier, names] of Object.entries(expected)) {
      const esm = await import(specifier);
      for (const name of names) if (esm[name] === undefined) problems.push('import ' + specifier + ' lacks ' + name);
    }
    const { createReceiver } = await import('webhook-receiver');
    const { stripe } = await import('webhook-receiver/providers/stripe');
    const { fetchHandler } = await import('webhook-receiver/fetch');
    const { signStripe, toRequest } = await import('webhook-receiver/testing');
    const signing = signStripe({ payload: { id: 'evt_1', type: 't' }, secret: 'whsec_probe' });
    if (!(signing instanceof Promise)) problems.push('webhook-receiver/testing is not the edge build (signStripe is synchronous)');
    const receiver = createReceiver({ provider: stripe({ secret: 'whsec_probe' }) });
    const response = await fetchHandler(receiver)(toRequest('http://localhost/hook', await signing));
    if (response.status !== 200) problems.push('the edge build answered ' + response.status + ' to a valid delivery');
    console.log(JSON.stringify(problems));
  `
  writeFileSync(join(app, 'probe-edge.mjs'), edgeProbe)
  const edgeProblems = JSON.parse(
    execFileSync(process.execPath, ['--conditions=edge-light', 'probe-edge.mjs'], {
      cwd: app,
      encoding: 'utf8',
    }).trim(),
  )
  check(
    edgeProblems.length === 0,
    `every subpath loads under --conditions=edge-light, and the edge build verifies a delivery${edgeProblems.length ? `:\n  ${edgeProblems.join('\n  ')}` : ''}`,
  )

  // 5. the commands: executable in the tarball (npm links them as they are packed), with their shebang, and they
  // run from the unpacked package, ready-made payloads included.
  const modes = new Map(
    execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(line.lastIndexOf(' package/') + ' package/'.length), line.slice(0, 10)]),
  )
  for (const { name, file } of bins) {
    const path = file.slice(2)
    check(
      /^-..x/.test(modes.get(path) ?? ''),
      `${path} (${name}) is executable in the tarball (${modes.get(path)})`,
    )
    const installed = join(app, 'node_modules', 'webhook-receiver', path)
    check(
      readFileSync(installed, 'utf8').startsWith('#!/usr/bin/env node\n'),
      `${path} starts with #!/usr/bin/env node`,
    )
    let listed = ''
    try {
      listed = execFileSync(installed, ['fixtures', 'stripe'], { cwd: app, encoding: 'utf8' })
    } catch (error) {
      listed = `${error.stdout ?? ''}${error.stderr ?? ''}`
    }
    check(
      listed.includes('payment_intent.succeeded'),
      `${name} runs from the unpacked tarball and lists its ready-made events${listed.includes('payment_intent.succeeded') ? '' : `:\n${listed}`}`,
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed.`)
  process.exit(1)
}
console.log('\nThe package checks passed.')
