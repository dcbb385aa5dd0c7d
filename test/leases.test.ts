/**
 * A lease never expires under a live handler: while handlers run past the deadline the receiver renews their
 * event's lease (every `leaseMs / 3`), so a redelivery meanwhile is answered 409 and never runs them a second time,
 * on every shipped store, real Redis and PostgreSQL included. A store without `extend` keeps its lease as given, and
 * the receiver says so once. A lease no longer than the deadline is refused at construction.
 */
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createReceiver, memoryStore, type DedupStore } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { postgresStore } from '../src/stores/postgres.js'
import { redisStore } from '../src/stores/redis.js'
import { signStripe } from '../src/testing/index.js'
import { deferred, silentLogger } from './support/helpers.js'
import { startPostgres, type PostgresServer } from './support/postgres-server.js'
import { startRedis, type RedisServer } from './support/redis-server.js'

const SECRET = 'whsec_leases'
const DEADLINE_MS = 100
// Renewed every 400 ms: only a stall of the event loop or the store longer than 800 ms could lose it.
const LEASE_MS = 1200
const delivery = (id: string) => ({
  ...signStripe({ payload: { id, type: 'customer.created', data: {} }, secret: SECRET }),
  url: '/hook',
})

let redis: RedisServer
let client: Redis
let postgres: PostgresServer
let pool: pg.Pool

beforeAll(async () => {
  ;[redis, postgres] = await Promise.all([startRedis(), startPostgres()])
  client = new Redis(redis.url, { lazyConnect: true })
  await client.connect()
  pool = new pg.Pool({ connectionString: postgres.url })
  await postgresStore({ pool, cleanupIntervalMs: false }).createTable()
}, 60_000)

afterAll(async () => {
  client?.disconnect()
  await pool?.end()
  await Promise.all([redis?.close(), postgres?.close()])
})

/** The store, counting the renewals it is asked for (the calls go to the real store). */
function counting(store: DedupStore): { store: DedupStore; renewals: () => number } {
  let renewals = 0
  return {
    store: {
      reserve: (key, token, leaseMs) => store.reserve(key, token, leaseMs),
      complete: (key, token, ttlMs) => store.complete(key, token, ttlMs),
      release: (key, token) => store.release(key, token),
      extend: (key, token, leaseMs) => {
        renewals++
        return store.extend!(key, token, leaseMs)
      },
    },
    renewals: () => renewals,
  }
}

describe.each([
  ['memoryStore', () => memoryStore()],
  ['redisStore', () => redisStore({ client })],
  ['postgresStore', () => postgresStore({ pool, cleanupIntervalMs: false })],
])('%s', (_name, makeStore) => {
  it('renews the lease past leaseMs while the handler runs: a redelivery gets 409, not a second run', async () => {
    const { store, renewals } = counting(makeStore())
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      store,
      deadlineMs: DEADLINE_MS,
      leaseMs: LEASE_MS,
      logger,
    })
    const started = deferred()
    const finish = deferred()
    let runs = 0
    receiver.onAny(async () => {
      runs++
      started.resolve()
      await finish.promise
    })
    const id = `evt_lease_${_name}`
    const startedAt = performance.now()
    expect((await receiver.handle(delivery(id))).status).toBe(202)
    await started.promise
    // Twice the lease it was reserved with: without renewal, it would long have expired.
    await expect
      .poll(() => performance.now() - startedAt > 2 * LEASE_MS, { timeout: 10_000, interval: 20 })
      .toBe(true)
    const redelivery = await receiver.handle(delivery(id))
    expect(redelivery.status).toBe(409)
    expect(renewals()).toBeGreaterThanOrEqual(2)
    finish.resolve()
    await expect.poll(async () => (await receiver.handle(delivery(id))).status, { timeout: 10_000 }).toBe(200)
    expect(runs).toBe(1)
    // Renewals stop with the handler: none after it settled.
    const settled = renewals()
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS))
    expect(renewals()).toBe(settled)
    expect(logger.warnings).toEqual([])
  })
})

describe('stores without extend', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keep the lease they gave, and the first handler to outlive it is reported, once per receiver', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    const inner = memoryStore()
    const store: DedupStore = {
      reserve: (key, token, leaseMs) => inner.reserve(key, token, leaseMs),
      complete: (key, token, ttlMs) => inner.complete(key, token, ttlMs),
      release: (key, token) => inner.release(key, token),
    }
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      store,
      deadlineMs: DEADLINE_MS,
      leaseMs: LEASE_MS,
      logger,
    })
    const finish = deferred()
    receiver.onAny(() => finish.promise)
    for (const id of ['evt_nx_1', 'evt_nx_2']) {
      const answer = receiver.handle(delivery(id))
      await vi.advanceTimersByTimeAsync(DEADLINE_MS)
      expect((await answer).status).toBe(202)
      await vi.advanceTimersByTimeAsync(LEASE_MS - DEADLINE_MS - 1)
    }
    // The first handler's lease has ended, the second's not yet: one line, naming the first event.
    expect(logger.warnings).toHaveLength(1)
    expect(String(logger.warnings[0]![0])).toContain('evt_nx_1 outlived its lease')
    await vi.advanceTimersByTimeAsync(LEASE_MS)
    expect(logger.warnings).toHaveLength(1)
    finish.resolve()
  })

  it('are not reported when the handler finishes within the lease', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    const inner = memoryStore()
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      store: { reserve: inner.reserve, complete: inner.complete, release: inner.release },
      deadlineMs: DEADLINE_MS,
      leaseMs: LEASE_MS,
      logger,
    })
    const finish = deferred()
    receiver.onAny(() => finish.promise)
    const answer = receiver.handle(delivery('evt_within'))
    await vi.advanceTimersByTimeAsync(DEADLINE_MS)
    expect((await answer).status).toBe(202)
    finish.resolve()
    await vi.advanceTimersByTimeAsync(LEASE_MS)
    expect(logger.warnings).toEqual([])
  })
})

describe('a lease lost while its handler runs', () => {
  it('is reported once, and renewing stops', async () => {
    const inner = memoryStore()
    let renewals = 0
    // The store says another copy holds the key now (its lease ran out and was taken over).
    const store: DedupStore = {
      reserve: (key, token, leaseMs) => inner.reserve(key, token, leaseMs),
      complete: (key, token, ttlMs) => inner.complete(key, token, ttlMs),
      release: (key, token) => inner.release(key, token),
      extend: () => {
        renewals++
        return false
      },
    }
    const logger = silentLogger()
    const receiver = createReceiver({
      provider: stripe({ secret: SECRET }),
      store,
      deadlineMs: 20,
      leaseMs: 60,
      logger,
    })
    const finish = deferred()
    receiver.onAny(() => finish.promise)
    expect((await receiver.handle(delivery('evt_lost'))).status).toBe(202)
    await expect.poll(() => logger.warnings.length).toBe(1)
    expect(String(logger.warnings[0]![0])).toContain('evt_lost ran out while its handlers ran')
    await new Promise((resolve) => setTimeout(resolve, 100)) // several renewal periods
    expect(renewals).toBe(1)
    finish.resolve()
  })
})

describe('leaseMs', () => {
  it('must be longer than the deadline', () => {
    const provider = stripe({ secret: SECRET })
    expect(() => createReceiver({ provider, deadlineMs: 1000, leaseMs: 1000 })).toThrow(
      /leaseMs.*longer than deadlineMs \(1000\)/,
    )
    // Stripe's deadline is 10 s: a 5 s lease could expire while the answer still waits.
    expect(() => createReceiver({ provider, leaseMs: 5000 })).toThrow(/longer than deadlineMs \(10000\)/)
    expect(() => createReceiver({ provider, deadlineMs: 1000, leaseMs: 1001 })).not.toThrow()
  })
})
