/**
 * Proof with real servers: four app processes sharing one Redis or PostgreSQL dedup store, each a node:http server
 * with nodeHandler, receiving signed Stripe deliveries over HTTP on 127.0.0.1 from clients that behave like senders
 * (test/support/sender.ts): they retry a 409, a 503 or a dropped connection with backoff and jitter until a 2xx. What
 * is proven is exact (each event's handler runs once, or once more only after its process died); how long a loaded
 * machine takes is not: waits go on while progress is made.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore } from '../../src/stores/postgres.js'
import { signStripe, type SignedDelivery } from '../../src/testing/index.js'
import { startPostgres, type PostgresServer } from '../support/postgres-server.js'
import { startRedis, type RedisServer } from '../support/redis-server.js'
import { deliverLikeASender, seededRandom, until, type Attempt } from '../support/sender.js'

const SECRET = 'whsec_many_machines'
// The answer waits up to 5 s for a handler; a lease outlives that (and is renewed past it while a handler runs), so
// only a dead process's lease runs out: 6 s after it was taken.
const DEADLINE_MS = 5_000
const LEASE_MS = 6_000
const WORKERS = 4
/** vitest's own limit per test, far beyond what the waits allow: they fail first, saying what was not reached. */
const TEST_LIMIT_MS = 600_000

interface Worker {
  child: ChildProcess
  url: string
}

/** Handler runs seen on the workers' stdout, by event id. */
class RunLog {
  started = new Map<string, number>()
  done = new Map<string, number>()
  record(line: string) {
    const [kind, id] = line.split(' ') as [string, string]
    const map = kind === 'START' ? this.started : kind === 'DONE' ? this.done : undefined
    map?.set(id, (map.get(id) ?? 0) + 1)
  }
}

async function startWorkers(store: 'redis' | 'postgres', storeUrl: string, log: RunLog): Promise<Worker[]> {
  return Promise.all(
    Array.from({ length: WORKERS }, (_, index) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/store-worker.ts'], {
        env: {
          ...process.env,
          STORE: store,
          STORE_URL: storeUrl,
          SECRET,
          DEADLINE_MS: String(DEADLINE_MS),
          LEASE_MS: String(LEASE_MS),
          HANG: index === 0 ? '1' : '0',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      return new Promise<Worker>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)))
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (line.startsWith('READY ')) resolve({ child, url: `http://127.0.0.1:${line.slice(6)}/webhooks` })
          else log.record(line)
        })
      })
    }),
  )
}

const customer = (id: string, extra: Record<string, unknown> = {}) =>
  signStripe({
    payload: { id, object: 'event', type: 'customer.created', data: { object: {} }, ...extra },
    secret: SECRET,
  })

/** One POST; status 0 when the connection dropped before an answer (a sender retries that too). */
async function post(worker: Worker, delivery: SignedDelivery): Promise<Attempt> {
  try {
    const response = await fetch(worker.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    })
    await response.arrayBuffer()
    return { status: response.status, retryAfter: response.headers.get('retry-after') }
  } catch {
    return { status: 0, retryAfter: null }
  }
}

/** A sender delivering `delivery` through a load balancer: attempt n goes to worker `first + n`. */
function sender(workers: Worker[], first: number, delivery: SignedDelivery): () => Promise<Attempt[]> {
  return () => deliverLikeASender((n) => post(workers[(first + n) % workers.length] as Worker, delivery))
}

/** Runs `tasks` with at most `limit` in flight, counting the finished ones in `finished` (for progress). */
async function inFlight<T>(
  tasks: (() => Promise<T>)[],
  limit: number,
  finished = { count: 0 },
): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++
        results[index] = await (tasks[index] as () => Promise<T>)()
        finished.count++
      }
    }),
  )
  return results
}

/** Every sender got a 2xx in the end, and on the way only what a sender is told to retry, with its Retry-After. */
function expectDelivered(deliveries: Attempt[][]): Attempt[] {
  const final = deliveries.map((attempts) => (attempts.at(-1) as Attempt).status)
  expect(final.filter((status) => status !== 200)).toEqual([])
  const retried = deliveries.flatMap((attempts) => attempts.slice(0, -1))
  expect(retried.filter((attempt) => ![409, 503].includes(attempt.status))).toEqual([])
  expect(retried.filter((attempt) => attempt.retryAfter === null)).toEqual([])
  return retried
}

/** A deterministic shuffle, so a failure reproduces. */
function shuffle<T>(items: T[]): T[] {
  const random = seededRandom()
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}

function proofs(store: 'redis' | 'postgres') {
  describe(`${store}: four processes, one store`, () => {
    let redis: RedisServer | undefined
    let postgres: PostgresServer | undefined
    let workers: Worker[] = []
    const log = new RunLog()
    /** How many handlers have finished so far, in all: progress, for the waits. */
    const doneSoFar = () => [...log.done.values()].reduce((sum, count) => sum + count, 0)

    beforeAll(async () => {
      let url: string
      if (store === 'redis') {
        redis = await startRedis()
        url = redis.url
      } else {
        postgres = await startPostgres()
        url = postgres.url
        const setup = new pg.Pool({ connectionString: url })
        await postgresStore({ pool: setup, cleanupIntervalMs: false }).createTable()
        await setup.end()
      }
      workers = await startWorkers(store, url, log)
    }, 120_000)

    afterAll(async () => {
      for (const worker of workers) worker.child.kill('SIGKILL')
      await redis?.close()
      await postgres?.close()
    })

    it(
      'runs the handler exactly once for 1,000 concurrent copies of one delivery, each retried like a sender',
      async () => {
        const delivery = customer('evt_storm', { slowMs: 300 })
        const answered = { count: 0 }
        const senders = Array.from({ length: 1000 }, (_, i) => sender(workers, i, delivery))
        const deliveries = await inFlight(senders, 1000, answered) // every copy in flight at once
        const retried = expectDelivered(deliveries)
        await until('the handler finished', () => log.done.has('evt_storm'))
        expect(log.started.get('evt_storm')).toBe(1)
        expect(log.done.get('evt_storm')).toBe(1)
        // Copies that arrived while the one run was in progress were told to come back later.
        expect(retried.some((attempt) => attempt.status === 409)).toBe(true)
      },
      TEST_LIMIT_MS,
    )

    it(
      'handles each of 5,000 distinct deliveries exactly once with 30% duplicates interleaved',
      async () => {
        const ids = Array.from({ length: 5000 }, (_, i) => `evt_bulk_${i}`)
        const deliveries = new Map(ids.map((id) => [id, customer(id)]))
        const sends = shuffle([...ids, ...ids.slice(0, 1500)])
        const senders = sends.map((id, i) => sender(workers, i, deliveries.get(id) as SignedDelivery))
        expectDelivered(await inFlight(senders, 64))
        await until('every event handled', () => ids.every((id) => log.done.has(id)), { progress: doneSoFar })
        expect(ids.filter((id) => log.started.get(id) !== 1)).toEqual([])
        expect(ids.filter((id) => log.done.get(id) !== 1)).toEqual([])
      },
      TEST_LIMIT_MS,
    )

    it(
      'runs the event again after its process is SIGKILLed mid-handler, once the lease expires',
      async () => {
        const delivery = customer('evt_crash', { hang: true })
        const victim = workers[0] as Worker // the only worker whose handler hangs on "hang": true
        const lost = post(victim, delivery)
        await until('the handler started', () => log.started.get('evt_crash') === 1)
        victim.child.kill('SIGKILL')
        expect((await lost).status).toBe(0) // the sender saw the connection drop, so it will retry
        const survivors = workers.slice(1)
        const first = await post(survivors[0] as Worker, delivery)
        expect(first.status).toBe(409) // the dead process's lease still holds
        expectDelivered([await sender(survivors, 0, delivery)()])
        await until('the retry finished', () => log.done.has('evt_crash'))
        expect(log.started.get('evt_crash')).toBe(2)
        expect(log.done.get('evt_crash')).toBe(1)
        workers = survivors
      },
      TEST_LIMIT_MS,
    )

    it(
      'answers 503 with Retry-After and runs nothing while the store is down, and resumes when it is back',
      async () => {
        await (redis ?? postgres)!.stop()
        const down = await Promise.all(workers.map((worker, i) => post(worker, customer(`evt_down_${i}`))))
        expect(down.map((r) => r.status)).toEqual(workers.map(() => 503))
        expect(down.every((r) => r.retryAfter !== null)).toBe(true)
        expect(workers.map((_, i) => log.started.get(`evt_down_${i}`))).toEqual(workers.map(() => undefined))
        await (redis ?? postgres)!.start()
        // Each process's client reconnects on its own backoff; the senders' retries of a 503 get through once it has.
        const senders = workers.map((_, i) => sender(workers, i, customer(`evt_down_${i}`)))
        expectDelivered(await inFlight(senders, senders.length))
        const ids = workers.map((_, i) => `evt_down_${i}`)
        await until('every event handled', () => ids.every((id) => log.done.has(id)), { progress: doneSoFar })
        expect(ids.map((id) => [log.started.get(id), log.done.get(id)])).toEqual(ids.map(() => [1, 1]))
      },
      TEST_LIMIT_MS,
    )
  })
}

proofs('redis')
proofs('postgres')
