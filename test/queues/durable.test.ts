/**
 * The durable-processing proof (`npm run test:durable`), on each of BullMQ's backends: 1,000 signed Stripe
 * deliveries whose handler takes 2 s, sent over HTTP to two web processes, run by two worker processes of which
 * one is SIGKILLed every few seconds (seven times in all) and started again. Every event's handler completes (the
 * workers' `DONE` lines are the ledger), none is missing, nothing is left failed, and each answer arrived before
 * its event's handler had finished: the answers never waited for a handler.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { Queue } from 'bullmq'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore } from '../../src/stores/postgres.js'
import { signStripe, type SignedDelivery } from '../../src/testing/index.js'
import {
  QUEUE_BACKENDS,
  queueConnection,
  startQueueBackend,
  type QueueBackend,
  type QueueBackendName,
} from '../support/queue-backend.js'

const SECRET = 'whsec_durable_proof'
const DELIVERIES = 1_000
const HANDLER_MS = 2_000
const CONCURRENCY = 50
const LOCK_MS = 5_000
const KILL_EVERY_MS = 3_000
/** Kills stop after this long even if events are left (a machine so loaded that they would outpace progress). */
const KILL_FOR_MS = 90_000
/**
 * At most this many kills in all. A job whose worker dies on it runs again up to `attempts` times (10 by default,
 * which `bullmqQueue()` also makes BullMQ's `maxStalledCount`), then it is a dead letter, as documented. Alternate
 * kills can hit the same job each time (its worker is killed, the other one takes it up and is killed next), so
 * the proof kills fewer times than that, leaving room for a stall the load alone causes.
 */
const MAX_KILLS = 7
const SENDERS = 20

interface Spawned {
  child: ChildProcess
  exited: Promise<void>
}

/**
 * Handler starts and completions by event id, with when each happened (epoch ms, on the shared clock of this
 * machine), from the workers' `START` and `DONE` lines.
 */
class Ledger {
  readonly started = new Map<string, number[]>()
  readonly done = new Map<string, number[]>()
  record(line: string): void {
    const [kind, id, at] = line.split(' ')
    const map = kind === 'START' ? this.started : kind === 'DONE' ? this.done : undefined
    if (map === undefined || id === undefined) return
    const list = map.get(id) ?? []
    list.push(Number(at))
    map.set(id, list)
  }
}

function spawnProcess(
  script: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<Spawned & { firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const early = () => reject(new Error(`${script} exited before it was ready`))
    child.once('exit', early)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY')) {
        child.off('exit', early)
        resolve({ child, exited, firstLine: line })
      } else onLine(line)
    })
  })
}

/** What Stripe does: send, and send again after a 409 or 503 (or a dropped connection), backing off. */
async function deliver(urls: string[], delivery: SignedDelivery, first: number) {
  for (let attempt = 0; ; attempt++) {
    const url = urls[(first + attempt) % urls.length] as string
    const sentAt = Date.now()
    try {
      const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body })
      const body = await response.text()
      if (response.status === 200) return { body, sentAt, answeredAt: Date.now(), attempts: attempt + 1 }
      if (response.status !== 409 && response.status !== 503)
        throw new Error(`unexpected ${response.status}: ${body}`)
    } catch (error) {
      if (attempt > 40) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** attempt)))
  }
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  for (const giveUpAt = Date.now() + timeoutMs; Date.now() < giveUpAt;) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`)
}

function proof(name: QueueBackendName) {
  describe(`${name}: 2 web processes, 2 workers, one SIGKILLed every ${KILL_EVERY_MS / 1000} s`, () => {
    let backend: QueueBackend
    const processes = new Set<Spawned>()
    const queueName = `durable-${randomUUID().slice(0, 8)}`
    const ledger = new Ledger()

    const env = (): Record<string, string> => ({
      BACKEND: name,
      BACKEND_URL: backend.url,
      SECRET,
      QUEUE_NAME: queueName,
      HANDLER_MS: String(HANDLER_MS),
      LOCK_MS: String(LOCK_MS),
      CONCURRENCY: String(CONCURRENCY),
    })
    const start = async (script: string) => {
      const spawned = await spawnProcess(script, env(), (line) => ledger.record(line))
      processes.add(spawned)
      void spawned.exited.then(() => processes.delete(spawned))
      return spawned
    }

    beforeAll(async () => {
      backend = await startQueueBackend(name)
      if (name === 'postgres') {
        const pool = new pg.Pool({ connectionString: backend.url })
        await postgresStore({ pool }).createTable()
        await pool.end()
      }
    }, 60_000)

    afterAll(async () => {
      for (const spawned of processes) spawned.child.kill('SIGKILL')
      await Promise.all([...processes].map((spawned) => spawned.exited))
      await backend?.close()
    })

    it('completes every event, loses none, and never answers after a handler', async () => {
      const webs = await Promise.all([start('test/support/queue-web.ts'), start('test/support/queue-web.ts')])
      const urls = webs.map(({ firstLine }) => `http://127.0.0.1:${firstLine.slice(6)}/webhooks/stripe`)
      const workers = await Promise.all([
        start('test/support/queue-worker.ts'),
        start('test/support/queue-worker.ts'),
      ])

      // One worker is killed mid-work and started again, the other one next time, until every event is done.
      let killing = true
      let kills = 0
      const stopKillingAt = Date.now() + KILL_FOR_MS
      const killer = (async () => {
        for (let turn = 0; killing && Date.now() < stopKillingAt && turn < MAX_KILLS; turn++) {
          await new Promise((resolve) => setTimeout(resolve, KILL_EVERY_MS))
          if (!killing) break
          const victim = workers[turn % workers.length] as Spawned
          victim.child.kill('SIGKILL')
          await victim.exited
          kills++
          workers[turn % workers.length] = await start('test/support/queue-worker.ts')
        }
      })()

      const ids = Array.from({ length: DELIVERIES }, (_, i) => `evt_durable_${name}_${i}`)
      const answers = new Map<string, Awaited<ReturnType<typeof deliver>>>()
      let next = 0
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (next < ids.length) {
            const index = next++
            const id = ids[index] as string
            const delivery = signStripe({
              payload: {
                id,
                object: 'event',
                type: 'customer.created',
                data: { object: { id: `cus_${index}` } },
              },
              secret: SECRET,
            })
            answers.set(id, await deliver(urls, delivery, index))
          }
        }),
      )

      const { connection, backend: factory } = queueConnection(name, backend.url)
      const monitor = new Queue(queueName, { connection } as never, factory as never)
      try {
        await eventually(
          () => ids.every((id) => ledger.done.has(id)),
          240_000,
          'every handler completed',
        ).catch(async (error: Error) => {
          const missing = ids.filter((id) => !ledger.done.has(id))
          const counts = await monitor.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')
          const failed = (await monitor.getFailed(0, 2)).map((job) => job.failedReason)
          throw new Error(
            `${error.message}: ${missing.length} missing (${missing.slice(0, 3).join(', ')}…), ${kills} kills, jobs ${JSON.stringify(counts)}, failed: ${JSON.stringify(failed)}`,
          )
        })
        killing = false
        await killer
        await eventually(
          async () => (await monitor.getCompletedCount()) === DELIVERIES,
          60_000,
          'every job completed',
        )
        expect(await monitor.getJobCounts('failed', 'waiting', 'active', 'delayed')).toEqual({
          failed: 0,
          waiting: 0,
          active: 0,
          delayed: 0,
        })
      } finally {
        killing = false
        await monitor.close()
      }

      expect(ids.filter((id) => !ledger.done.has(id))).toEqual([])
      expect([...answers.values()].every((answer) => answer.body === '{"received":true,"queued":true}')).toBe(
        true,
      )
      // Each answer came before its handler finished: had it waited for the handler, it would have come after.
      const late = ids.filter(
        (id) => (answers.get(id)?.answeredAt ?? Infinity) > Math.min(...ledger.done.get(id)!),
      )
      expect(late).toEqual([])
      expect(kills).toBeGreaterThanOrEqual(3)
      // The kills hit handlers mid-run: those events started again on another worker, and completed there.
      const interrupted = ids.filter((id) => ledger.started.get(id)!.length > ledger.done.get(id)!.length)
      expect(interrupted.length).toBeGreaterThan(0)

      const reruns = ids.filter((id) => ledger.done.get(id)!.length > 1).length
      const retried = [...answers.values()].filter((answer) => answer.attempts > 1).length
      const latencies = [...answers.values()].map((a) => a.answeredAt - a.sentAt).sort((a, b) => a - b)
      const percentile = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]
      console.log(
        `${name}: ${DELIVERIES} events, ${kills} SIGKILLs, ${interrupted.length} handlers interrupted mid-run and run again elsewhere, every handler completed; ${reruns} completed twice (at least once); ${retried} deliveries retried by the sender; answers p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms (handler: ${HANDLER_MS} ms)`,
      )
    }, 300_000)
  })
}

for (const name of QUEUE_BACKENDS) proof(name)
