#!/usr/bin/env node
/**
 * Checks the package as users receive it, after `npm run build`:
 * 1. the `exports` map and the tsup entries have not drifted apart, and every exported file exists in dist/; the
 *    edge entries are exported under every edge condition, ahead of `import`/`require`, from dist/edge/;
 * 2. the edge build holds no `Buffer`, `process`, `node:` import or `require(`;
 * 3. `publint --strict` and `attw` (node16 profile: ESM + CJS resolution) pass on the packed tarball;
 * 4. every subpath loads from the packed tarball with both `import()` and `require()`, with its named exports, and
 *    under `--conditions=edge-light` the edge build is the one loaded and verifies a delivery.
 * Exits non-zero when any check failed.
 */
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const failures = []
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`)
  if (!ok) failures.push(message)
}

// 1. exports ↔ tsup entries ↔ dist
const tsupConfig = readFileSync(join(root, 'tsup.config.ts'), 'utf8')
const entryBlock = /export const entries = \{([\s\S]*?)\n\}/.exec(tsupConfig)?.[1] ?? ''
const entries = new Map(
  [...entryBlock.matchAll(/(?:'([^']+)'|(\w+)): '([^']+)'/g)].map((m) => [m[1] ?? m[2], m[3]]),
)
check(entries.size > 0, `tsup.config.ts declares ${entries.size} entries`)
const exported = new Set()
for (const [subpath, conditions] of Object.entries(pkg.exports)) {
  if (typeof conditions === 'string') continue // ./package.json
  for (const condition of ['import', 'require']) {
    for (const file of Object.values(conditions[condition] ?? {})) {
      const entry = file.replace(/^\.\/dist\//, '').replace(/\.(d\.ts|d\.cts|js|cjs)$/, '')
      exported.add(entry)
      check(entries.has(entry), `${subpath} (${condition}) → ${file} has a tsup entry "${entry}"`)
      check(existsSync(join(root, file)), `${file} exists`)
    }
  }
}
for (const entry of entries.keys())
  check(exported.has(entry), `tsup entry "${entry}" is exported in package.json`)

// 1b. the edge conditions: each edge entry under all of them, before import/require, from dist/edge
const EDGE_CONDITIONS = ['edge-light', 'workerd', 'worker', 'browser', 'deno']
const edgeBlock = /export const edgeEntries = \[([\s\S]*?)\]/.exec(tsupConfig)?.[1] ?? ''
const edgeEntries = new Set([...edgeBlock.matchAll(/'([^']+)'/g)].map((m) => m[1]))
check(edgeEntries.size > 0, `tsup.config.ts declares ${edgeEntries.size} edge entries`)
const edgeExported = new Set()
for (const [subpath, conditions] of Object.entries(pkg.exports)) {
  if (typeof conditions === 'string') continue
  const keys = Object.keys(conditions)
  const nodeEntry = conditions.import?.default?.replace(/^\.\/dist\//, '').replace(/\.js$/, '')
  if (!edgeEntries.has(nodeEntry)) {
    check(!keys.some((key) => EDGE_CONDITIONS.includes(key)), `${subpath} is Node-only: no edge condition`)
    continue
  }
  edgeExported.add(nodeEntry)
  const firstNode = Math.min(keys.indexOf('import'), keys.indexOf('require'))
  for (const condition of EDGE_CONDITIONS) {
    const target = conditions[condition]
    check(
      keys.indexOf(condition) >= 0 && keys.indexOf(condition) < firstNode,
      `${subpath} has "${condition}" before import/require`,
    )
    check(
      target?.types === `./dist/edge/${nodeEntry}.d.ts` && target?.default === `./dist/edge/${nodeEntry}.js`,
      `${subpath} (${condition}) → ./dist/edge/${nodeEntry}.js and its .d.ts`,
    )
  }
  for (const file of [`dist/edge/${nodeEntry}.js`, `dist/edge/${nodeEntry}.d.ts`])
    check(existsSync(join(root, file)), `${file} exists`)
}
for (const entry of edgeEntries)
  check(edgeExported.has(entry), `edge entry "${entry}" is exported under the edge conditions`)

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
  const publint = run('npx', ['--no', 'publint', 'run', tarball, '--strict'])
  check(publint === '', `publint --strict ${tarballName}${publint ? `\n${publint}` : ''}`)
  const attw = run('npx', ['--no', 'attw', tarball, '--profile', 'node16', '--format', 'table-flipped'])
  check(attw === '', `attw --profile node16 ${tarballName}${attw ? `\n${attw}` : ''}`)

  // 4. every subpath loads from the tarball, ESM and CJS, with its named exports
  const app = join(work, 'app')
  mkdirSync(join(app, 'node_modules'), { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', join(app, 'node_modules')])
  execFileSync('mv', [join(app, 'node_modules', 'package'), join(app, 'node_modules', 'webhook-receiver')])
  // The one runtime dependency (raw-body) and optional peers come from the repo's own install.
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'))
  const expected = {
    'webhook-receiver': [
      'createReceiver',
      'memoryStore',
      'WebhookError',
      'isWebhookError',
      'SignatureInvalidError',
    ],
    'webhook-receiver/providers/stripe': ['stripe'],
    'webhook-receiver/providers/github': ['github'],
    'webhook-receiver/providers/standard-webhooks': ['standardWebhooks'],
    'webhook-receiver/providers/shopify': ['shopify'],
    'webhook-receiver/providers/slack': ['slack'],
    'webhook-receiver/providers/twilio': ['twilio'],
    'webhook-receiver/providers/sendgrid': ['sendgrid'],
    'webhook-receiver/providers/gitlab': ['gitlab'],
    'webhook-receiver/providers/hmac': ['hmac'],
    'webhook-receiver/express': ['expressMiddleware'],
    'webhook-receiver/koa': ['koaMiddleware'],
    'webhook-receiver/fastify': ['fastifyPlugin', 'fastifyHandler', 'fastifyRawBody'],
    'webhook-receiver/next': ['nextRouteHandler', 'nextApiHandler'],
    'webhook-receiver/fetch': ['fetchHandler'],
    'webhook-receiver/node': ['nodeHandler'],
    'webhook-receiver/stores/redis': ['redisStore'],
    'webhook-receiver/stores/postgres': ['postgresStore', 'createTableSql'],
    'webhook-receiver/queues/bullmq': ['bullmqQueue'],
    'webhook-receiver/testing': ['signStripe', 'signGitHub', 'signStandardWebhooks', 'toRequest'],
  }
  for (const subpath of Object.keys(pkg.exports)) {
    if (subpath === './package.json') continue
    const specifier = subpath === '.' ? 'webhook-receiver' : `webhook-receiver/${subpath.slice(2)}`
    check(specifier in expected, `${specifier} has its expected exports listed in this script`)
  }
  const probe = `
    const expected = ${JSON.stringify(expected)};
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const problems = [];
    for (const [specifier, names] of Object.entries(expected)) {
      const esm = await import(specifier);
      const cjs = require(specifier);
      for (const name of names) {
        if (typeof esm[name] !== 'function') problems.push('import ' + specifier + ' lacks ' + name);
        if (typeof cjs[name] !== 'function') problems.push('require ' + specifier + ' lacks ' + name);
      }
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
  // delivery end to end; the Node-only entries still resolve (to the Node build).
  // Next's edge runtime has no Pages Router (it needs Node's request and response): its edge build is the App
  // Router handler alone.
  const expectedOnEdge = { ...expected, 'webhook-receiver/next': ['nextRouteHandler'] }
  const edgeProbe = `
    const expected = ${JSON.stringify(expectedOnEdge)};
    const problems = [];
    for (const [specifier, names] of Object.entries(expected)) {
      const esm = await import(specifier);
      for (const name of names) if (typeof esm[name] !== 'function') problems.push('import ' + specifier + ' lacks ' + name);
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
} finally {
  rmSync(work, { recursive: true, force: true })
}

if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed.`)
  process.exit(1)
}
console.log('\nThe package checks passed.')
