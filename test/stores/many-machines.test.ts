/**
 * Proof with real servers: four app processes sharing one Redis or PostgreSQL dedup store, each a node:http server
 * with nodeHandler, receiving signed Stripe deliveries over HTTP on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore } from '../../src/stores/postgres.js'
import { signStripe, type SignedDelivery } from '../../src/testing/index.js'
import { startPostgres, type PostgresServer } from '../support/postgres-server.js'
import { startRedis, type RedisServer } from '../support/redis-server.js'

const SECRET = 'whsec_many_machines'
const LEASE_MS = 1500
const WORKERS = 4

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

async function post(
  worker: Worker,
  delivery: SignedDelivery,
): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(worker.url, { method: 'POST', headers: delivery.headers, body: delivery.body })
  await response.arrayBuffer()
  return { status: response.status, retryAfter: response.headers.get('retry-after') }
}

/** Runs `tasks` with at most `limit` in flight (two cores: unbounded concurrency would only measure the scheduler). */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++
        results[index] = await (tasks[index] as () => Promise<T>)()
      }
    }),
  )
  return results
}

/** Polls until `check` passes (at most ~15 s). */
async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition never held')
}

/** A deterministic shuffle (xorshift), so a failure reproduces. */
function shuffle<T>(items: T[], seed = 42): T[] {
  let state = seed
  const random = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
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

    beforeAll(async () => {
      let url: string
      if (store === 'redis') {
        redis = await startRedis()
        url = redis.url
      } else {
        postgres = await startPostgres()
        url = postgres.url
        const setup = new pg.Pool({ connectionString: url })
        await postgresStore({ pool: setup }).createTable()
        await setup.end()
      }
      workers = await startWorkers(store, url, log)
    }, 60_000)

    afterAll(async () => {
      for (const worker of workers) worker.child.kill('SIGKILL')
      await redis?.close()
      await postgres?.close()
    })

    it('runs the handler exactly once for 1,000 concurrent copies of one delivery', async () => {
      const delivery = customer('evt_storm', { slowMs: 300 })
      const statuses = await pool(
        Array.from({ length: 1000 }, (_, i) => () => post(workers[i % WORKERS] as Worker, delivery)),
        1000, // every copy in flight at once
      )
      await eventually(() => log.done.get('evt_storm') === 1)
      expect(log.started.get('evt_storm')).toBe(1)
      expect(statuses.every((s) => s.status === 200 || s.status === 409)).toBe(true)
      expect(statuses.filter((s) => s.status === 409).every((s) => s.retryAfter !== null)).toBe(true)
      expect(statuses.some((s) => s.status === 200)).toBe(true)
      // Copies that arrived while the one run was in progress were told to come back later.
      expect(statuses.some((s) => s.status === 409)).toBe(true)
    }, 60_000)

    it('handles each of 5,000 distinct deliveries exactly once with 30% duplicates interleaved', async () => {
      const ids = Array.from({ length: 5000 }, (_, i) => `evt_bulk_${i}`)
      const deliveries = new Map(ids.map((id) => [id, customer(id)]))
      const sends = shuffle([...ids, ...ids.slice(0, 1500)])
      // A sender retries a 409 (the copy that was in flight elsewhere) until it gets a 2xx.
      const send = async (id: string, i: number) => {
        for (let attempt = 0; ; attempt++) {
          const { status } = await post(
            workers[(i + attempt) % WORKERS] as Worker,
            deliveries.get(id) as SignedDelivery,
          )
          if (status === 200) return status
          if (status !== 409 || attempt > 50) return status
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
      const statuses = await pool(
        sends.map((id, i) => () => send(id, i)),
        64,
      )
      expect(statuses.every((status) => status === 200)).toBe(true)
      await eventually(() => ids.every((id) => log.done.get(id) === 1))
      expect(ids.filter((id) => log.started.get(id) !== 1)).toEqual([])
    }, 180_000)

    it('runs the event again after its process is SIGKILLed mid-handler, once the lease expires', async () => {
      const delivery = customer('evt_crash', { hang: true })
      const victim = workers[0] as Worker // the only worker whose handler hangs on "hang": true
      const lost = post(victim, delivery).catch(() => ({ status: 0, retryAfter: null }))
      await eventually(() => log.started.get('evt_crash') === 1)
      victim.child.kill('SIGKILL')
      expect((await lost).status).toBe(0) // the sender saw the connection drop, so it will retry
      const survivor = workers[1] as Worker
      const first = await post(survivor, delivery)
      expect(first.status).toBe(409) // the dead process's lease still holds
      await eventually(async () => (await post(survivor, delivery)).status === 200)
      expect(log.started.get('evt_crash')).toBe(2)
      expect(log.done.get('evt_crash')).toBe(1)
      workers = workers.slice(1)
    }, 60_000)

    it('answers 503 with Retry-After and runs nothing while the store is down, and resumes when it is back', async () => {
      await (redis ?? postgres)!.stop()
      const down = await Promise.all(workers.map((worker, i) => post(worker, customer(`evt_down_${i}`))))
      expect(down.map((r) => r.status)).toEqual(workers.map(() => 503))
      expect(down.every((r) => r.retryAfter !== null)).toBe(true)
      expect(workers.map((_, i) => log.started.get(`evt_down_${i}`))).toEqual(workers.map(() => undefined))
      await (redis ?? postgres)!.start()
      // Each process's client reconnects on its own backoff; the sender's retries of a 503 get through once it has.
      for (const [i, worker] of workers.entries())
        await eventually(async () => (await post(worker, customer(`evt_down_${i}`))).status === 200)
      await eventually(() => workers.every((_, i) => log.done.get(`evt_down_${i}`) === 1))
    }, 60_000)
  })
}

proofs('redis')
proofs('postgres')
