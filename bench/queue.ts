/**
 * Queue benchmark (not a test): deliveries per second and p50/p99 answer latency over HTTP through the Express
 * adapter, for inline mode with the Redis dedup store beside queue mode on BullMQ with Redis and with PostgreSQL
 * (each with its dedup store on the same server), with a handler of 0 ms and of 2 s. Each configuration is a web
 * process (bench/queue/web.ts) and, in queue mode, a worker process (bench/queue/worker.ts, 50 jobs at once);
 * autocannon runs here, 10 connections, 1 KiB signed Stripe deliveries. Starts its own redis-server and
 * PostgreSQL. Writes bench/results/queue.json.
 *
 * With the 2 s handler the worker runs all along: its handlers are running while the answers are measured (they
 * wait on a timer, so they take no CPU from the web process). With the 0 ms handler a running worker would compete
 * for the machine's cores with the web process measured, as it does not where workers have their own machines: it
 * is paused during the run, then works off the backlog before the next run.
 *
 * Each target compares two configurations measured A B B A within a round, so a load that drifts during the round
 * weighs on both sides alike; its value is the median over the rounds. Each run checks that every 2xx ran the
 * handler (inline) or stored a job (queue) once: every delivery has a new id, so dedup never short-cuts the path.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { postgresStore } from 'webhook-receiver/stores/postgres'
import { startQueueBackend, type QueueBackend, type QueueBackendName } from '../test/support/queue-backend.js'
import { deliveryPool, nowSeconds } from './support/deliveries.js'
import { Deliveries, fullPath, measure, type Run } from './support/load.js'
import { QUICK, writeResult } from './support/results.js'
import { startServer, type BenchServer } from './support/spawn.js'
import { formatCount, formatRatio, spread, type Spread } from './support/stats.js'

const ROUNDS = QUICK ? 1 : 3
const WARMUP_SECONDS = 1
const SECONDS = QUICK ? 2 : 4
const CONNECTIONS = 10
const SIZE = 1024
const SLOW_HANDLER_MS = 2_000

interface Configuration {
  key: string
  label: string
  mode: 'inline' | 'queue'
  backend: QueueBackendName
  handlerMs: number
}

const configure = (
  mode: 'inline' | 'queue',
  backend: QueueBackendName,
  handlerMs: number,
): Configuration => ({
  key: `${mode}-${backend}-${handlerMs}`,
  label:
    mode === 'inline'
      ? 'inline, Redis store'
      : `queue, BullMQ on ${backend === 'redis' ? 'Redis' : 'PostgreSQL'}`,
  mode,
  backend,
  handlerMs,
})

const CONFIGURATIONS: Configuration[] = [
  configure('inline', 'redis', 0),
  configure('queue', 'redis', 0),
  configure('queue', 'postgres', 0),
  configure('inline', 'redis', SLOW_HANDLER_MS),
  configure('queue', 'redis', SLOW_HANDLER_MS),
  configure('queue', 'postgres', SLOW_HANDLER_MS),
]

interface Target {
  name: string
  /** Measured A B B A; the value is B ÷ A. */
  a: string
  b: string
  of: (runs: Run[]) => number
  limit: string
  holds: (value: number) => boolean
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
const TARGETS: Target[] = [
  {
    name: 'queue mode on Redis ÷ inline with the Redis store, deliveries/s (0 ms handler)',
    a: 'inline-redis-0',
    b: 'queue-redis-0',
    of: (runs) => mean(runs.map((run) => run.requestsPerSecond)),
    limit: '≥ 0.50×',
    holds: (value) => value >= 0.5,
  },
  ...(['redis', 'postgres'] as const).map((backend): Target => ({
    name: `queue mode on ${backend === 'redis' ? 'Redis' : 'PostgreSQL'}: p99 answer latency with a 2 s handler ÷ with a 0 ms one`,
    a: `queue-${backend}-0`,
    b: `queue-${backend}-${SLOW_HANDLER_MS}`,
    of: (runs) => mean(runs.map((run) => run.p99Ms)),
    limit: '≤ 1.50× (the same within noise)',
    holds: (value) => value <= 1.5,
  })),
]

/** A worker process: how many handlers it has run; it stops and restarts taking jobs on demand. */
interface BenchWorker {
  handled(): Promise<number>
  pause(): Promise<void>
  resume(): Promise<void>
  close(): Promise<void>
}

async function startWorker(env: Record<string, string>, paused: boolean): Promise<BenchWorker> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./queue/worker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, PAUSED: paused ? '1' : '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const reply = <T>(request: string, type: string, pick: (message: any) => T) =>
    new Promise<T>((resolve) => {
      const listener = (message: { type: string }) => {
        if (message.type !== type) return
        child.off('message', listener)
        resolve(pick(message))
      }
      child.on('message', listener)
      if (request !== '') child.send(request)
    })
  const ready = reply('', 'ready', () => undefined)
  await Promise.race([
    ready,
    once(child, 'exit').then(([code]) => {
      throw new Error(`bench/queue/worker.ts exited with ${code}`)
    }),
  ])
  return {
    handled: () => reply('handled', 'handled', (message) => message.count as number),
    pause: () => reply('pause', 'paused', () => undefined),
    resume: () => reply('resume', 'resumed', () => undefined),
    async close() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.disconnect()
      await exited
    },
  }
}

interface Entry {
  configuration: Configuration
  server: BenchServer
  worker: BenchWorker | undefined
  runs: Run[]
}

/** The paused worker (0 ms handler) runs every job stored so far, then pauses again; at most a minute. */
async function drain(entry: Entry): Promise<void> {
  if (entry.worker === undefined || entry.configuration.handlerMs > 0) return
  const stored = await entry.server.handled()
  await entry.worker.resume()
  for (const giveUpAt = Date.now() + 60_000; Date.now() < giveUpAt;) {
    if ((await entry.worker.handled()) >= stored) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await entry.worker.pause()
  const left = stored - (await entry.worker.handled())
  if (left > 0) console.log(`  ${entry.configuration.key}: ${left} jobs left after a minute`)
}

const backends = new Map<QueueBackendName, QueueBackend>()
const entries = new Map<string, Entry>()
let deliveries = new Deliveries([])

async function runOnce(key: string, round: number): Promise<void> {
  const entry = entries.get(key) as Entry
  const { mode, handlerMs } = entry.configuration
  // An inline run answers each request after the handler: it needs a few handler durations to measure any.
  const seconds = mode === 'inline' ? Math.max(SECONDS, (3 * handlerMs) / 1000) : SECONDS
  await measure(entry.server, deliveries, WARMUP_SECONDS, CONNECTIONS)
  const run = await measure(entry.server, deliveries, seconds, CONNECTIONS)
  entry.runs.push(run)
  console.log(
    `round ${round + 1}/${ROUNDS}  ${key.padEnd(20)} ${formatCount(run.requestsPerSecond).padStart(7)} deliveries/s  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms${run.failures > 0 ? `  ${run.failures} FAILED` : ''}${fullPath(run, CONNECTIONS) ? '' : `  ${run.unanswered} handled beyond the 2xx answers: duplicates measured`}`,
  )
  await drain(entry)
}

/** B ÷ A of each target, one value per round. */
const ratios = new Map<string, number[]>(TARGETS.map((target) => [target.name, []]))
try {
  for (const name of ['redis', 'postgres'] as const) backends.set(name, await startQueueBackend(name))
  const setup = new pg.Pool({ connectionString: backends.get('postgres')!.url })
  await postgresStore({ pool: setup }).createTable()
  await setup.end()

  console.log(
    `\nqueue: ${CONFIGURATIONS.length} configurations, ${ROUNDS} rounds, runs of ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ${CONNECTIONS} connections, ${SIZE / 1024} KiB signed Stripe POSTs through expressMiddleware\n`,
  )
  for (const configuration of CONFIGURATIONS) {
    const env: Record<string, string> = {
      MODE: configuration.mode,
      BACKEND: configuration.backend,
      BACKEND_URL: backends.get(configuration.backend)!.url,
      HANDLER_MS: String(configuration.handlerMs),
      NAME: `bench-${configuration.key}`,
    }
    const server = await startServer(new URL('./queue/web.ts', import.meta.url), env)
    const worker =
      configuration.mode === 'queue' ? await startWorker(env, configuration.handlerMs === 0) : undefined
    entries.set(configuration.key, { configuration, server, worker, runs: [] })
  }

  for (let round = 0; round < ROUNDS; round++) {
    // Every configuration has its own namespace: one pool of fresh ids serves them all.
    deliveries = new Deliveries(deliveryPool('stripe', SIZE, 100_000, `r${round}-`, nowSeconds()))
    for (const target of TARGETS) {
      const first = { a: entries.get(target.a)!.runs.length, b: entries.get(target.b)!.runs.length }
      for (const key of [target.a, target.b, target.b, target.a]) await runOnce(key, round)
      const a = entries.get(target.a)!.runs.slice(first.a, first.a + 2)
      const b = entries.get(target.b)!.runs.slice(first.b, first.b + 2)
      ratios.get(target.name)!.push(target.of(b) / target.of(a))
    }
    await runOnce(`inline-redis-${SLOW_HANDLER_MS}`, round)
  }
} finally {
  await Promise.all([...entries.values()].flatMap((entry) => [entry.server.close(), entry.worker?.close()]))
  await Promise.all([...backends.values()].map((backend) => backend.close()))
}

export interface QueueConfigurationResult {
  key: string
  label: string
  mode: 'inline' | 'queue'
  backend: QueueBackendName
  handlerMs: number
  /** Over every run of this configuration. */
  deliveriesPerSecond: Spread
  p50Ms: Spread
  p99Ms: Spread
  failures: number
  /** Every run: each 2xx ran the handler (inline) or stored a job (queue) once. */
  fullPath: boolean
}

export interface QueueTarget {
  name: string
  /** B ÷ A, round by round. */
  value: Spread
  limit: string
  holds: boolean
}

/** bench/results/queue.json, as bench/report.ts reads it. */
export interface QueueResult {
  settings: { rounds: number; seconds: number; warmupSeconds: number; connections: number; bodyBytes: number }
  configurations: QueueConfigurationResult[]
  targets: QueueTarget[]
}

const results = [...entries.values()].map(({ configuration, runs }): QueueConfigurationResult => ({
  ...configuration,
  deliveriesPerSecond: spread(runs.map((run) => run.requestsPerSecond)),
  p50Ms: spread(runs.map((run) => run.p50Ms)),
  p99Ms: spread(runs.map((run) => run.p99Ms)),
  failures: runs.reduce((sum, run) => sum + run.failures, 0),
  fullPath: runs.every((run) => fullPath(run, CONNECTIONS)),
}))
const targets = TARGETS.map((target): QueueTarget => {
  const value = spread(ratios.get(target.name)!)
  return { name: target.name, value, limit: target.limit, holds: target.holds(value.median) }
})

console.log('\nconfiguration                  handler   deliveries/s        p50 ms          p99 ms')
for (const r of results) {
  console.log(
    `${r.label.padEnd(30)} ${`${r.handlerMs} ms`.padStart(7)}   ${formatCount(r.deliveriesPerSecond.median).padStart(12)}   ${r.p50Ms.median.toFixed(2).padStart(12)}   ${r.p99Ms.median.toFixed(2).padStart(12)}${r.failures > 0 || !r.fullPath ? '  INVALID RUN (failures or duplicates measured)' : ''}`,
  )
}
console.log('')
for (const t of targets)
  console.log(`${t.name}: ${formatRatio(t.value)} (${t.limit}: ${t.holds ? 'holds' : 'MISSED'})`)

writeResult('queue', {
  settings: {
    rounds: ROUNDS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    bodyBytes: SIZE,
  },
  configurations: results,
  targets,
} satisfies QueueResult)
