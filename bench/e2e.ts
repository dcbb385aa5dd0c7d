/**
 * End-to-end benchmark (not a test): each adapter beside the same framework hand-wired with the official SDK, over
 * real HTTP on 127.0.0.1. Every server runs in its own process (bench/e2e/servers/*.ts, one module per side of a
 * pairing); autocannon runs here, 10 connections, 1 KiB signed POSTs. Several rounds, each measuring every server
 * in turn (the order rotates), so a noisy neighbour slows both sides of a ratio alike; the median round is
 * reported with the min–max. The Next.js sides are two processes serving one `next build` of bench/e2e/next-app,
 * built before the rounds, each sent deliveries on its own route. Writes bench/results/e2e.json.
 *
 * Every request carries a distinct delivery id: each round signs a pool of 30,000 deliveries (fresh ids, signed
 * "now", so the SDKs' own 5-minute tolerance accepts them) and the requests walk through it. An id comes back only
 * 30,000 requests later, when the default memory store (10,000 events: at most 20,000 keys) has evicted it: every
 * request takes the full path (verify, parse, reserve, handler, complete), and each run checks that the handler ran
 * once per 2xx.
 */
import { deliveryPool, nowSeconds, type ProviderName } from './support/deliveries.js'
import { Deliveries, fullPath as isFullPath, measure, type Run } from './support/load.js'
import { buildNextApp } from './support/next-app.js'
import { QUICK, writeResult } from './support/results.js'
import { startServer, type BenchServer } from './support/spawn.js'
import { formatCount, formatRatio, spread, type Spread } from './support/stats.js'

const ROUNDS = QUICK ? 2 : 5
const WARMUP_SECONDS = QUICK ? 1 : 2
const SECONDS = QUICK ? 2 : 8
const CONNECTIONS = 10
const SIZE = 1024
const POOL = 30_000

interface Side {
  /** A module in bench/e2e/servers/, without the extension. */
  module: string
  label: string
}

interface Pairing {
  framework: string
  provider: ProviderName
  /** Our adapter; undefined while the adapter does not exist yet (the reference is still measured). */
  ours: Side | undefined
  reference: Side
  /** Whether "ours ≥ 1.0× reference" is a target (not for the bare node:http ceiling). */
  target: boolean
  /** Run once before any server starts (the Next.js app's `next build`); returns the milliseconds it took. */
  build?: () => number
}

const NODE_OURS: Side = { module: 'node-ours', label: 'nodeHandler' }

/**
 * The pairings. An adapter not written yet has `ours: undefined` (its reference is still measured); each side is a
 * server module in bench/e2e/servers/, like express-ours.ts and express-stripe-sdk.ts.
 */
const PAIRINGS: Pairing[] = [
  {
    framework: 'Express 5',
    provider: 'stripe',
    ours: { module: 'express-ours', label: 'expressMiddleware' },
    reference: { module: 'express-stripe-sdk', label: 'express.raw() + stripe constructEvent' },
    target: true,
  },
  {
    framework: 'node:http',
    provider: 'github',
    ours: NODE_OURS,
    reference: { module: 'node-octokit', label: '@octokit/webhooks createNodeMiddleware' },
    target: true,
  },
  {
    framework: 'node:http',
    provider: 'github',
    ours: NODE_OURS,
    reference: { module: 'node-bare', label: 'bare node:http reading the body (no verification)' },
    target: false,
  },
  {
    framework: 'Hono (fetch)',
    provider: 'standard-webhooks',
    ours: { module: 'hono-ours', label: 'fetchHandler' },
    reference: { module: 'hono-standardwebhooks', label: 'standardwebhooks Webhook.verify' },
    target: true,
  },
  {
    framework: 'Fastify 5',
    provider: 'standard-webhooks',
    ours: { module: 'fastify-ours', label: 'fastifyPlugin' },
    reference: {
      module: 'fastify-standardwebhooks',
      label: 'buffer parser + standardwebhooks Webhook.verify',
    },
    target: true,
  },
  {
    framework: 'Koa 3',
    provider: 'stripe',
    ours: { module: 'koa-ours', label: 'koaMiddleware' },
    reference: { module: 'koa-stripe-sdk', label: 'raw-body + stripe constructEvent' },
    target: true,
  },
  {
    framework: 'Next.js 16',
    provider: 'stripe',
    ours: { module: 'next-ours', label: 'nextRouteHandler' },
    reference: { module: 'next-stripe-sdk', label: 'route handler + stripe constructEvent' },
    target: true,
    build: buildNextApp,
  },
]

interface ServerEntry {
  module: string
  label: string
  provider: ProviderName
  runs: Run[]
}

const fullPath = (run: Run) => isFullPath(run, CONNECTIONS)

/** `BENCH_ONLY=express,node-octokit`: only the pairings naming one of these modules (for profiling). */
const ONLY = process.env.BENCH_ONLY?.split(',')
const selected = PAIRINGS.filter(
  (pairing) =>
    ONLY === undefined ||
    ONLY.some((name) => pairing.ours?.module.startsWith(name) || pairing.reference.module.startsWith(name)),
)

const servers = new Map<string, ServerEntry>()
for (const pairing of selected) {
  for (const side of [pairing.ours, pairing.reference]) {
    if (side !== undefined && !servers.has(side.module))
      servers.set(side.module, { ...side, provider: pairing.provider, runs: [] })
  }
}

console.log(
  `\nend to end: ${servers.size} servers, ${ROUNDS} rounds of ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ${CONNECTIONS} connections, ${SIZE / 1024} KiB signed POSTs\n`,
)
for (const pairing of selected) {
  if (pairing.build === undefined) continue
  const ms = pairing.build()
  console.log(`${pairing.framework}: built in ${(ms / 1000).toFixed(1)} s, once, before the rounds\n`)
}
const started = new Map<string, BenchServer>()
try {
  await Promise.all(
    [...servers.keys()].map(async (module) =>
      started.set(module, await startServer(new URL(`./e2e/servers/${module}.ts`, import.meta.url))),
    ),
  )
  const order = [...servers.keys()]
  for (let round = 0; round < ROUNDS; round++) {
    const timestamp = nowSeconds()
    const pools = new Map<ProviderName, Deliveries>()
    for (const { provider } of servers.values()) {
      if (!pools.has(provider))
        pools.set(provider, new Deliveries(deliveryPool(provider, SIZE, POOL, `r${round}-`, timestamp)))
    }
    // Rotate the order every round, so no server is always measured first (or right after the heaviest one).
    for (let i = 0; i < order.length; i++) {
      const module = order[(i + round) % order.length] as string
      const entry = servers.get(module) as ServerEntry
      const server = started.get(module) as BenchServer
      const deliveries = pools.get(entry.provider) as Deliveries
      await measure(server, deliveries, WARMUP_SECONDS, CONNECTIONS)
      const run = await measure(server, deliveries, SECONDS, CONNECTIONS)
      entry.runs.push(run)
      console.log(
        `round ${round + 1}/${ROUNDS}  ${module.padEnd(26)} ${formatCount(run.requestsPerSecond).padStart(7)} req/s  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms${run.failures > 0 ? `  ${run.failures} FAILED` : ''}${fullPath(run) ? '' : `  handler ran ${run.unanswered} times more than 2xx answers: duplicates measured`}`,
      )
    }
  }
} finally {
  await Promise.all([...started.values()].map((server) => server.close()))
}

export interface ServerResult {
  module: string
  label: string
  provider: ProviderName
  requestsPerSecond: Spread
  p50Ms: Spread
  p99Ms: Spread
  failures: number
  /** Every run: each 2xx ran the handler once. */
  fullPath: boolean
}

const summary = new Map<string, ServerResult>()
for (const entry of servers.values()) {
  summary.set(entry.module, {
    module: entry.module,
    label: entry.label,
    provider: entry.provider,
    requestsPerSecond: spread(entry.runs.map((run) => run.requestsPerSecond)),
    p50Ms: spread(entry.runs.map((run) => run.p50Ms)),
    p99Ms: spread(entry.runs.map((run) => run.p99Ms)),
    failures: entry.runs.reduce((sum, run) => sum + run.failures, 0),
    fullPath: entry.runs.every(fullPath),
  })
}

export interface PairingResult {
  framework: string
  provider: ProviderName
  ours: ServerResult | undefined
  reference: ServerResult
  /** ours ÷ reference, req/s, round by round. */
  ratio: Spread | undefined
  target: { limit: number; holds: boolean } | undefined
  /** No failed request, and every 2xx ran the handler once, on both sides. */
  valid: boolean
}

/** bench/results/e2e.json, as bench/report.ts reads it. */
export interface E2eResult {
  settings: {
    rounds: number
    seconds: number
    warmupSeconds: number
    connections: number
    bodyBytes: number
    pool: number
  }
  servers: ServerResult[]
  pairings: PairingResult[]
}

const pairings = selected.map((pairing): PairingResult => {
  const reference = summary.get(pairing.reference.module) as ServerResult
  const ours = pairing.ours === undefined ? undefined : (summary.get(pairing.ours.module) as ServerResult)
  // Round by round: both sides of a ratio were measured within the same round.
  const ratio =
    ours === undefined
      ? undefined
      : spread(
          (servers.get(ours.module) as ServerEntry).runs.map(
            (run, round) =>
              run.requestsPerSecond /
              ((servers.get(reference.module) as ServerEntry).runs[round] as Run).requestsPerSecond,
          ),
        )
  const valid =
    reference.failures === 0 &&
    reference.fullPath &&
    (ours === undefined || (ours.failures === 0 && ours.fullPath))
  return {
    framework: pairing.framework,
    provider: pairing.provider,
    ours,
    reference,
    ratio,
    target: pairing.target && ratio !== undefined ? { limit: 1, holds: ratio.median >= 1 } : undefined,
    valid,
  }
})

console.log(
  '\nframework      ours                          reference                                          ours ÷ reference',
)
for (const pairing of pairings) {
  console.log(
    [
      pairing.framework.padEnd(14),
      (pairing.ours === undefined
        ? '(adapter not yet written)'
        : `${pairing.ours.label} ${formatCount(pairing.ours.requestsPerSecond.median)}/s`
      ).padEnd(29),
      `${pairing.reference.label} ${formatCount(pairing.reference.requestsPerSecond.median)}/s`.padEnd(50),
      pairing.ratio === undefined ? '—' : formatRatio(pairing.ratio),
      pairing.target === undefined ? '' : pairing.target.holds ? 'holds (≥ 1.00×)' : 'MISSED (≥ 1.00×)',
      pairing.valid ? '' : 'INVALID RUN (failures or duplicates measured)',
    ].join(' '),
  )
}

// A partial run (BENCH_ONLY) must not overwrite the full results.
if (ONLY === undefined)
  writeResult('e2e', {
    settings: {
      rounds: ROUNDS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      bodyBytes: SIZE,
      pool: POOL,
    },
    servers: [...summary.values()],
    pairings,
  } satisfies E2eResult)
