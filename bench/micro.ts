/**
 * Micro benchmark (not a test), one process, one run: `receiver.handle` and `receiver.verify` for Stripe, GitHub
 * and Standard Webhooks at 1 KiB, 16 KiB and 256 KiB, beside the floor and the official SDKs doing the same
 * verification; and what a refused delivery costs (forged signature, no signature: issue #7's unsigned flood).
 *
 * The floor (bench/support/floor.ts) is the least work any receiver must do per delivery: decode the request's
 * signature, HMAC-SHA256 over the raw bytes, `timingSafeEqual`, one UTF-8 decode and `JSON.parse`.
 *
 * Noise: every case is measured once per round, rounds are repeated, and each ratio is taken within a round (the
 * two sides measured seconds apart), so a busy neighbour slows both sides alike. Reported: the median round, with
 * the min–max over rounds. ns/op is mitata's p50 over its samples (each sample a batch of calls, so the
 * young-generation GC that allocation causes is included). Every case walks through a pool of distinct
 * deliveries, so none runs on one hot body while another pays for cache misses. Writes bench/results/micro.json.
 */
import { Webhooks } from '@octokit/webhooks'
import { measure } from 'mitata'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { Webhook as SvixWebhook } from 'svix'
import { createReceiver, memoryStore, type Provider, type Receiver } from 'webhook-receiver'
import { github } from 'webhook-receiver/providers/github'
import { standardWebhooks } from 'webhook-receiver/providers/standard-webhooks'
import { stripe } from 'webhook-receiver/providers/stripe'
import {
  deliveryPool,
  forged,
  GITHUB_SECRET,
  nowSeconds,
  PROVIDERS,
  STANDARD_SECRET,
  STRIPE_SECRET,
  unsigned,
  type Delivery,
  type ProviderName,
} from './support/deliveries.js'
import { floorFor } from './support/floor.js'
import { QUICK, writeResult } from './support/results.js'
import { formatNs, formatRatio, formatSize, spread, type Spread } from './support/stats.js'

const SIZES = QUICK ? [1024] : [1024, 16 * 1024, 256 * 1024]
const ROUNDS = QUICK ? 5 : 15
const MIN_CPU_NS = QUICK ? 20e6 : 40e6
/** The receivers' clock: the pre-signed Stripe and Standard Webhooks deliveries stay within tolerance. */
const NOW = 1_700_000_000
/**
 * Distinct deliveries per case: 2,048 at 1 KiB, 8 MiB of bodies at most. A small heap keeps the measurement about
 * the code, not about the collector tracing benchmark fixtures.
 */
const poolSize = (size: number) => Math.min(2048, Math.floor((8 * 1024 * 1024) / size))

export type Role = 'floor' | 'verify' | 'handle' | 'handle-async' | 'sdk' | 'forged' | 'unsigned'

interface Case {
  provider: ProviderName
  size: number
  name: string
  role: Role
  /** Called once per round, before the case is measured (SDKs that check the real clock get fresh signatures). */
  prepare?: () => void
  fn: () => unknown
}

/** Calls the functions in turn, one per call. */
function cycleCalls(fns: readonly (() => unknown)[]): () => unknown {
  let next = 0
  return () => (fns[next++ % fns.length] as () => unknown)()
}

/** Cycles through a pool: each call gets the next delivery. */
function cycle<T>(items: readonly T[]): () => T {
  let next = 0
  return () => items[next++ % items.length] as T
}

function request(delivery: Delivery) {
  return { method: 'POST', url: '/webhooks', headers: delivery.headers, body: delivery.body }
}

function receiverFor(provider: Provider<any, any>, handler: () => unknown, pool: number): Receiver<any> {
  // The store holds half the pool's keys (maxEntries counts events, of up to two keys each): it is at its bound
  // (every reservation evicts the oldest key), and a delivery comes round again only after its keys were evicted,
  // so every call reserves, runs the handler and completes.
  const store = memoryStore({ maxEntries: pool / 4 })
  const receiver = createReceiver({ provider, store, now: () => NOW * 1000 })
  receiver.onAny(handler)
  return receiver
}

const providers = {
  stripe: () => stripe({ secret: STRIPE_SECRET }),
  github: () => github({ secret: GITHUB_SECRET }),
  'standard-webhooks': () => standardWebhooks({ secret: STANDARD_SECRET }),
} satisfies Record<ProviderName, () => Provider<any, any>>

function casesFor(provider: ProviderName, size: number): Case[] {
  const pool = deliveryPool(provider, size, poolSize(size), `${provider}-${size}-`, NOW)
  const cases: Case[] = []
  const add = (name: string, role: Role, fn: () => unknown, prepare?: () => void) =>
    cases.push({ provider, size, name, role, fn, ...(prepare === undefined ? {} : { prepare }) })

  add('floor', 'floor', cycleCalls(pool.map((delivery) => floorFor(provider, delivery))))

  const receiver = receiverFor(providers[provider](), () => undefined, pool.length)
  const asyncReceiver = receiverFor(providers[provider](), async () => undefined, pool.length)
  const nextVerify = cycle(pool)
  const nextHandle = cycle(pool)
  const nextAsync = cycle(pool)
  add('receiver.verify', 'verify', () => receiver.verify(request(nextVerify())))
  add('receiver.handle', 'handle', () => receiver.handle(request(nextHandle())))
  add('receiver.handle, async handler', 'handle-async', () => asyncReceiver.handle(request(nextAsync())))
  const nextForged = cycle(pool.map((delivery) => request(forged(delivery, provider))))
  const nextUnsigned = cycle(pool.map((delivery) => request(unsigned(delivery, provider))))
  add('forged signature → 401', 'forged', () => receiver.handle(nextForged()))
  add('no signature → 401', 'unsigned', () => receiver.handle(nextUnsigned()))

  if (provider === 'stripe') {
    const sdk = new Stripe('sk_test_bench')
    const next = cycle(pool)
    add('stripe.webhooks.constructEvent', 'sdk', () => {
      const delivery = next()
      // The pool is signed at NOW; a tolerance that large accepts it (the SDK still reads the clock).
      return sdk.webhooks.constructEvent(
        delivery.body,
        delivery.headers['stripe-signature'] as string,
        STRIPE_SECRET,
        10 ** 10,
      )
    })
  } else if (provider === 'github') {
    const octokit = new Webhooks({ secret: GITHUB_SECRET })
    octokit.onAny(() => undefined)
    const next = cycle(pool)
    // verifyAndReceive takes the body as text: decoded from the bytes inside the measured call, as a server must.
    add('@octokit/webhooks verifyAndReceive', 'sdk', () => {
      const delivery = next()
      return octokit.verifyAndReceive({
        id: delivery.headers['x-github-delivery'] as string,
        name: 'issues',
        payload: delivery.body.toString('utf8'),
        signature: delivery.headers['x-hub-signature-256'] as string,
      })
    })
  } else {
    // Both SDKs check the signed time against the real clock (5 minutes, not configurable): sign "now" per round.
    let fresh: Delivery[] = []
    let svixHeaders: Record<string, string>[] = []
    let nextStandard = cycle(fresh)
    let nextSvix = cycle<[Delivery, Record<string, string>]>([])
    const prepare = () => {
      fresh = deliveryPool(provider, size, poolSize(size), `fresh-${size}-`, nowSeconds())
      svixHeaders = fresh.map((delivery) => ({
        'svix-id': delivery.headers['webhook-id'] as string,
        'svix-timestamp': delivery.headers['webhook-timestamp'] as string,
        'svix-signature': delivery.headers['webhook-signature'] as string,
      }))
      nextStandard = cycle(fresh)
      nextSvix = cycle(fresh.map((delivery, i) => [delivery, svixHeaders[i] as Record<string, string>]))
    }
    const standard = new StandardWebhook(STANDARD_SECRET)
    const svix = new SvixWebhook(STANDARD_SECRET)
    // Both take the body as text (they build "<id>.<timestamp>.<body>" as a string): decoded from the bytes
    // inside the measured call, as a server must (given a Buffer, they would decode it twice).
    add(
      'standardwebhooks Webhook.verify',
      'sdk',
      () => {
        const delivery = nextStandard()
        return standard.verify(delivery.body.toString('utf8'), delivery.headers)
      },
      prepare,
    )
    add('svix Webhook.verify', 'sdk', () => {
      const [delivery, headers] = nextSvix()
      return svix.verify(delivery.body.toString('utf8'), headers)
    })
  }
  return cases
}

const started = Date.now()
const groups = SIZES.flatMap((size) => PROVIDERS.map((provider) => ({ provider, size })))
const samples = new Map<string, number[]>()
const caseList: Omit<Case, 'fn' | 'prepare'>[] = []
const key = (c: { provider: string; size: number; name: string }) => `${c.provider} ${c.size} ${c.name}`

console.log(`\nmicro benchmark: ${ROUNDS} rounds per size, sizes ${SIZES.map(formatSize).join(', ')}\n`)
// One size at a time: its pools are built, measured over every round, then dropped (a small heap, see poolSize).
for (const size of SIZES) {
  const cases = PROVIDERS.flatMap((provider) => casesFor(provider, size))
  for (const c of cases) {
    caseList.push({ provider: c.provider, size: c.size, name: c.name, role: c.role })
    samples.set(key(c), [])
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const provider of PROVIDERS) {
      const members = cases.filter((c) => c.provider === provider)
      for (const c of members) c.prepare?.()
      // Rotate the order every round, so no case always runs right after the same neighbour.
      for (let i = 0; i < members.length; i++) {
        const c = members[(i + round) % members.length] as Case
        // A refusal must answer 401 and an accepted call 200: a wrong setup would measure the wrong path.
        checkOutcome(c, await c.fn())
        // Short measurements, many rounds: a burst of noise spoils one round's ratio, and the median drops it.
        const stats = await measure(c.fn, { min_cpu_time: MIN_CPU_NS, batch_samples: 128, min_samples: 8 })
        ;(samples.get(key(c)) as number[]).push(stats.p50)
      }
    }
  }
  console.log(`${formatSize(size)}: ${ROUNDS} rounds done (${Math.round((Date.now() - started) / 1000)} s)`)
}

function checkOutcome(c: Pick<Case, 'provider' | 'size' | 'name' | 'role'>, result: unknown): void {
  const status = (result as { status?: number } | undefined)?.status
  const expected =
    c.role === 'forged' || c.role === 'unsigned' ? 401 : c.role.startsWith('handle') ? 200 : undefined
  if (expected !== undefined && status !== expected)
    throw new Error(`${c.provider} ${c.size} ${c.name}: answered ${status}, expected ${expected}`)
}

export interface MicroRow {
  provider: ProviderName
  size: number
  name: string
  role: Role
  nsPerOp: Spread
  ratioToFloor: Spread
  /** For our rows: ours ÷ each SDK (below 1: ours is faster). */
  ratioToSdk: Record<string, Spread>
}

const rows: MicroRow[] = []
for (const group of groups) {
  const members = caseList.filter((c) => c.provider === group.provider && c.size === group.size)
  const floor = samples.get(key(members.find((c) => c.role === 'floor') as Case)) as number[]
  const sdks = members.filter((c) => c.role === 'sdk')
  for (const c of members) {
    const own = samples.get(key(c)) as number[]
    const ratioToSdk: Record<string, Spread> = {}
    if (c.role === 'verify' || c.role === 'handle' || c.role === 'handle-async') {
      for (const sdk of sdks) {
        const theirs = samples.get(key(sdk)) as number[]
        ratioToSdk[sdk.name] = spread(own.map((ns, round) => ns / (theirs[round] as number)))
      }
    }
    rows.push({
      provider: c.provider,
      size: c.size,
      name: c.name,
      role: c.role,
      nsPerOp: spread(own),
      ratioToFloor: spread(own.map((ns, round) => ns / (floor[round] as number))),
      ratioToSdk,
    })
  }
}

console.log(`\n${['provider', 'size', 'what', 'ns/op', '÷ floor (min–max)', '÷ each SDK'].join('\t')}`)
for (const row of rows) {
  console.log(
    [
      row.provider,
      formatSize(row.size),
      row.name,
      formatNs(row.nsPerOp.median),
      formatRatio(row.ratioToFloor),
      Object.entries(row.ratioToSdk)
        .map(([sdk, ratio]) => `${ratio.median.toFixed(2)}× ${sdk}`)
        .join(', '),
    ].join('\t'),
  )
}

export interface MicroTarget {
  provider: ProviderName
  size: number
  name: string
  limit: number
  ratioToFloor: number
  holds: boolean
  aheadOfEverySdk: boolean
  slowerThan: string[]
}

/** bench/results/micro.json, as bench/report.ts reads it. */
export interface MicroResult {
  settings: { rounds: number; minCpuTimeMs: number; sizes: number[]; statistic: string }
  rows: MicroRow[]
  targets: MicroTarget[]
}

const LIMITS: Partial<Record<Role, number>> = { handle: 1.1, verify: 1.05 }
const targets = rows.flatMap((row): MicroTarget[] => {
  const limit = LIMITS[row.role]
  if (limit === undefined) return []
  const slowerThan = Object.entries(row.ratioToSdk)
    .filter(([, ratio]) => ratio.median >= 1)
    .map(([sdk]) => sdk)
  return [
    {
      provider: row.provider,
      size: row.size,
      name: row.name,
      limit,
      ratioToFloor: row.ratioToFloor.median,
      holds: row.ratioToFloor.median <= limit,
      aheadOfEverySdk: slowerThan.length === 0,
      slowerThan,
    },
  ]
})
console.log(
  '\ntargets: receiver.handle ≤ 1.10× floor, receiver.verify ≤ 1.05× floor, both ahead of every SDK',
)
for (const t of targets) {
  console.log(
    `${t.holds ? 'holds ' : 'MISSED'}  ${t.provider.padEnd(17)} ${formatSize(t.size).padStart(7)}  ${t.name.padEnd(16)} ${t.ratioToFloor.toFixed(2)}× floor (≤ ${t.limit.toFixed(2)})  ${t.aheadOfEverySdk ? 'ahead of every SDK' : `SLOWER than ${t.slowerThan.join(', ')}`}`,
  )
}

writeResult('micro', {
  settings: { rounds: ROUNDS, minCpuTimeMs: MIN_CPU_NS / 1e6, sizes: SIZES, statistic: 'mitata p50' },
  rows,
  targets,
} satisfies MicroResult)
