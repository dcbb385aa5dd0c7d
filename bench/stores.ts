/**
 * Store benchmark (not a test): deliveries per second through `receiver.handle` with the memory, Redis and
 * PostgreSQL stores on loopback, 64 deliveries in flight, and the store round trips each delivery costs. Starts its
 * own redis-server and PostgreSQL like the tests do. Writes bench/results/stores.json.
 */
import { Redis } from 'ioredis'
import pg from 'pg'
import { createReceiver, memoryStore, type DedupStore } from 'webhook-receiver'
import { stripe } from 'webhook-receiver/providers/stripe'
import { postgresStore } from 'webhook-receiver/stores/postgres'
import { redisStore } from 'webhook-receiver/stores/redis'
import { signStripe, type SignedDelivery } from 'webhook-receiver/testing'
import { startPostgres } from '../test/support/postgres-server.js'
import { startRedis } from '../test/support/redis-server.js'
import { QUICK, writeResult } from './support/results.js'

const SECRET = 'whsec_bench_stores'
const DELIVERIES = QUICK ? 5_000 : 20_000
const IN_FLIGHT = 64

const deliveries: SignedDelivery[] = Array.from({ length: DELIVERIES }, (_, i) =>
  signStripe({
    payload: { id: `evt_${i}`, type: 'customer.created', data: { object: { pad: 'x'.repeat(900) } } },
    secret: SECRET,
  }),
)

async function throughput(store: DedupStore, round: number): Promise<number> {
  const receiver = createReceiver({ provider: stripe({ secret: SECRET }), store, namespace: `bench${round}` })
  receiver.onAny(() => undefined)
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++] as SignedDelivery
        const response = await receiver.handle({
          method: 'POST',
          url: '/',
          headers: delivery.headers,
          body: delivery.body,
        })
        if (response.status !== 200) throw new Error(`unexpected ${response.status}`)
      }
    }),
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return DELIVERIES / seconds
}

/** Counts every command a client sends, to report round trips per delivery. */
function counting<T extends object>(target: T, method: string, counter: { calls: number }): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver)
      if (property !== method || typeof value !== 'function') return value
      return (...args: unknown[]) => {
        counter.calls++
        return value.apply(object, args)
      }
    },
  })
}

const redis = await startRedis()
const postgres = await startPostgres()
// Auto-pipelining sends the commands of concurrent deliveries in one write: what a busy app server should use.
const io = new Redis(redis.url, { enableAutoPipelining: true })
const pool = new pg.Pool({ connectionString: postgres.url, max: 16 })
const pgStore = postgresStore({ pool })
await pgStore.createTable()

const results: Record<string, { perSecond: number; roundTrips: number }> = {}
try {
  for (const [name, make] of [
    ['memory', () => ({ store: memoryStore({ maxEntries: 100_000 }), counter: { calls: 0 } })],
    [
      'redis',
      () => {
        const counter = { calls: 0 }
        return { store: redisStore({ client: counting(io, 'call', counter) }), counter }
      },
    ],
    [
      'postgres',
      () => {
        const counter = { calls: 0 }
        return { store: postgresStore({ pool: counting(pool, 'query', counter) }), counter }
      },
    ],
  ] as const) {
    const runs: number[] = []
    let roundTrips = 0
    for (let round = 0; round < 3; round++) {
      const { store, counter } = make()
      runs.push(await throughput(store, round))
      roundTrips = counter.calls / DELIVERIES
    }
    runs.sort((a, b) => a - b)
    results[name] = { perSecond: runs[1] as number, roundTrips }
    console.log(
      `${name.padEnd(9)} ${Math.round(runs[1] as number)} deliveries/s (median of 3; ${runs.map(Math.round).join(', ')}), ${roundTrips} round trips per delivery`,
    )
  }
} finally {
  io.disconnect()
  await pool.end()
  await redis.close()
  await postgres.close()
}

const ratio = (results.redis?.perSecond ?? 0) / (results.memory?.perSecond ?? 1)
console.log(`\nredis ÷ memory = ${ratio.toFixed(2)}× (target ≥ 0.70×: ${ratio >= 0.7 ? 'holds' : 'MISSED'})`)
console.log(
  `postgres ÷ memory = ${((results.postgres?.perSecond ?? 0) / (results.memory?.perSecond ?? 1)).toFixed(2)}×`,
)
/** bench/results/stores.json, as bench/report.ts reads it. */
export interface StoresResult {
  inFlight: number
  deliveries: number
  results: Record<string, { perSecond: number; roundTrips: number }>
  redisToMemory: number
}

writeResult('stores', {
  inFlight: IN_FLIGHT,
  deliveries: DELIVERIES,
  results,
  redisToMemory: ratio,
} satisfies StoresResult)
