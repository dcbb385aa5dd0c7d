/**
 * Queue benchmark (not a test): deliveries per second and p50/p99 answer latency over HTTP through the Express
 * adapter, for inline mode with the Redis dedup store beside queue mode on BullMQ with Redis and with PostgreSQL
 * (each with its dedup store on the same server), with a handler of 0 ms and of 2 s. Each configuration is a web
 * process (bench/queue/web.ts) and, in queue mode, a worker process (bench/queue/worker.ts, 50 jobs at once);
 * autocannon runs here, 10 connections, 1 KiB signed Stripe deliveries. Several rounds, the order rotating.
 *
 * With the 2 s handler the worker runs all along: its handlers are running while the answers are measured (they
 * wait on a timer, so they take no CPU from the web process). With the 0 ms handler the worker would compete for
 * the machine's two cores with the web process measured, as it would not in a deployment where workers have
 * their own machines: it is started after each run, drains the backlog, and stops. Starts its own redis-server and
 * PostgreSQL. Writes bench/results/queue.json.
 *
 * Each run checks that every 2xx ran the handler (inline) or stored a job (queue) once: every delivery has a new
 * id, so dedup never short-cuts the path measured.
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
const WARMUP_SECONDS = QUICK ? 1 : 2
const SECONDS = QUICK ? 3 : 8
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

/**
 * In a cyclic order where the two sides of each target are neighbours (the rounds rotate where the cycle starts,
 * which only ever separates the inline pair with a 2 s and a 0 ms handler), so they are measured moments apart.
 */
const CONFIGURATIONS: Configuration[] = [
  configure('inline', 'redis', 0),
  configure('queue', 'redis', 0),
  configure('queue', 'redis', SLOW_HANDLER_MS),
  configure('queue', 'postgres', SLOW_HANDLER_MS),
  configure('queue', 'postgres', 0),
  configure('inline', 'redis', SLOW_HANDLER_MS),
]

/** A worker process: how many handlers it has run. */
interface BenchWorker {
  handled(): Promise<number>
  close(): Promise<void>
}

async function startWorker(env: Record<string, string>): Promise<BenchWorker> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./queue/worker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/queue/worker.ts exited with ${code}`)))
    child.on('message', (message: { type: string }) => message.type === 'ready' && resolve())
  })
  return {
    handled: () =>
      new Promise((resolve) => {
        const listener = (message: { type: string; count: number }) => {
          if (message.type !== 'handled') return
          child.off('message', listener)
          resolve(message.count)
        }
        child.on('message', listener)
        child.send('handled')
      }),
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
  env: Record<string, string>
  server: BenchServer
  /** The worker that runs all along (2 s handler). */
  worker: BenchWorker | undefined
  /** Jobs run by the workers started after the runs (0 ms handler). */
  drained: number
  runs: Run[]
}

/** A worker runs the jobs the web process stored since the last drain (0 ms handler), then stops. */
async function drain(entry: Entry): Promise<void> {
  const backlog = (await entry.server.handled()) - entry.drained
  const worker = await startWorker(entry.env)
  try {
    for (const giveUpAt = Date.now() + 60_000; Date.now() < giveUpAt;) {
      if ((await worker.handled()) >= backlog) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const handled = await worker.handled()
    if (handled < backlog)
      console.log(`  ${entry.configuration.key}: ${backlog - handled} jobs left after 60 s`)
    entry.drained += handled
  } finally {
    await worker.close()
  }
}

const backends = new Map<QueueBackendName, QueueBackend>()
const entries: Entry[] = []
try {
  for (const name of ['redis', 'postgres'] as const) backends.set(name, await startQueueBackend(name))
  const setup = new pg.Pool({ connectionString: backends.get('postgres')!.url })
  await postgresStore({ pool: setup }).createTable()
  await setup.end()

  console.log(
    `\nqueue: ${CONFIGURATIONS.length} configurations, ${ROUNDS} rounds of ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ${CONNECTIONS} connections, ${SIZE / 1024} KiB signed Stripe POSTs through expressMiddleware\n`,
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
    const runsAlong = configuration.mode === 'queue' && configuration.handlerMs > 0
    const worker = runsAlong ? await startWorker(env) : undefined
    entries.push({ configuration, env, server, worker, drained: 0, runs: [] })
  }

  for (let round = 0; round < ROUNDS; round++) {
    const pool = deliveryPool('stripe', SIZE, 60_000, `r${round}-`, nowSeconds())
    // Every configuration has its own namespace: one pool of fresh ids serves them all.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[(i + round) % entries.length] as Entry
      const deliveries = new Deliveries(pool)
      await measure(entry.server, deliveries, WARMUP_SECONDS, CONNECTIONS)
      const run = await measure(entry.server, deliveries, SECONDS, CONNECTIONS)
      entry.runs.push(run)
      console.log(
        `round ${round + 1}/${ROUNDS}  ${entry.configuration.key.padEnd(22)} ${formatCount(run.requestsPerSecond).padStart(7)} deliveries/s  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms${run.failures > 0 ? `  ${run.failures} FAILED` : ''}${fullPath(run, CONNECTIONS) ? '' : `  ${run.unanswered} handled beyond the 2xx answers: duplicates measured`}`,
      )
      if (entry.configuration.mode === 'queue' && entry.worker === undefined) await drain(entry)
    }
  }
} finally {
  await Promise.all(entries.flatMap((entry) => [entry.server.close(), entry.worker?.close()]))
  await Promise.all([...backends.values()].map((backend) => backend.close()))
}

export interface QueueConfigurationResult {
  key: string
  label: string
  mode: 'inline' | 'queue'
  backend: QueueBackendName
  handlerMs: number
  deliveriesPerSecond: Spread
  p50Ms: Spread
  p99Ms: Spread
  failures: number
  /** Every run: each 2xx ran the handler (inline) or stored a job (queue) once. */
  fullPath: boolean
}

export interface QueueTarget {
  name: string
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

const results = entries.map(({ configuration, runs }): QueueConfigurationResult => ({
  ...configuration,
  deliveriesPerSecond: spread(runs.map((run) => run.requestsPerSecond)),
  p50Ms: spread(runs.map((run) => run.p50Ms)),
  p99Ms: spread(runs.map((run) => run.p99Ms)),
  failures: runs.reduce((sum, run) => sum + run.failures, 0),
  fullPath: runs.every((run) => fullPath(run, CONNECTIONS)),
}))
const runsOf = (key: string) => (entries.find((entry) => entry.configuration.key === key) as Entry).runs
/** `a ÷ b` of one measure, round by round. */
const ratio = (a: string, b: string, of: (run: Run) => number) =>
  spread(runsOf(a).map((run, round) => of(run) / of(runsOf(b)[round] as Run)))

const throughput = ratio('queue-redis-0', 'inline-redis-0', (run) => run.requestsPerSecond)
const targets: QueueTarget[] = [
  {
    name: 'queue mode on Redis ÷ inline with the Redis store, deliveries/s (0 ms handler)',
    value: throughput,
    limit: '≥ 0.50×',
    holds: throughput.median >= 0.5,
  },
  ...(['redis', 'postgres'] as const).map((backend) => {
    const p99 = ratio(`queue-${backend}-${SLOW_HANDLER_MS}`, `queue-${backend}-0`, (run) => run.p99Ms)
    return {
      name: `queue mode on ${backend === 'redis' ? 'Redis' : 'PostgreSQL'}: p99 answer latency with a 2 s handler ÷ with a 0 ms one`,
      value: p99,
      limit: '≤ 1.50× (the same within noise)',
      holds: p99.median <= 1.5,
    }
  }),
]

console.log('\nconfiguration                   handler   deliveries/s        p50 ms          p99 ms')
for (const r of results) {
  console.log(
    `${r.label.padEnd(31)} ${`${r.handlerMs} ms`.padStart(7)}   ${formatCount(r.deliveriesPerSecond.median).padStart(12)}   ${r.p50Ms.median.toFixed(2).padStart(12)}   ${r.p99Ms.median.toFixed(2).padStart(12)}${r.failures > 0 || !r.fullPath ? '  INVALID RUN (failures or duplicates measured)' : ''}`,
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
