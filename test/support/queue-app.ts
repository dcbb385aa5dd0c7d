/**
 * The receiver of the durable-processing proof, built the same way by its web processes and its worker processes
 * (as an app would share one module): Stripe in queue mode on BullMQ, with a Redis or PostgreSQL dedup store on
 * the same server as the queue. Its one handler prints `START <event id> <epoch ms>`, takes HANDLER_MS, then prints `DONE …`.
 *
 * env: BACKEND (redis | postgres), BACKEND_URL, SECRET, QUEUE_NAME, HANDLER_MS, LOCK_MS.
 */
import { Redis } from 'ioredis'
import pg from 'pg'
import { createReceiver, type DedupStore } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { bullmqQueue } from '../../src/queues/bullmq.js'
import { postgresStore } from '../../src/stores/postgres.js'
import { redisStore } from '../../src/stores/redis.js'
import { queueConnection, type QueueBackendName } from './queue-backend.js'

const env = process.env
const BACKEND = env.BACKEND as QueueBackendName
const URL = env.BACKEND_URL as string
const HANDLER_MS = Number(env.HANDLER_MS ?? 0)
// A short lock, so the jobs of a SIGKILLed worker come back within seconds (BullMQ's default is 30 s).
const LOCK_MS = Number(env.LOCK_MS ?? 30_000)

async function dedupStore(): Promise<{ store: DedupStore; close(): Promise<void> }> {
  if (BACKEND === 'redis') {
    const client = new Redis(URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true })
    client.on('error', () => undefined) // reconnects by itself
    await client.connect()
    return { store: redisStore({ client }), close: async () => void client.disconnect() }
  }
  const pool = new pg.Pool({ connectionString: URL, max: 10, connectionTimeoutMillis: 1_000 })
  pool.on('error', () => undefined)
  return { store: postgresStore({ pool }), close: () => pool.end() }
}

export async function createApp() {
  const dedup = await dedupStore()
  const queue = bullmqQueue({
    ...queueConnection(BACKEND, URL),
    name: env.QUEUE_NAME,
    backoff: 200,
    worker: { lockDuration: LOCK_MS, stalledInterval: LOCK_MS / 2 },
  })
  const receiver = createReceiver({
    provider: stripe({ secret: env.SECRET as string }),
    store: dedup.store,
    queue,
    logger: { warn: (...args) => console.error(...args), error: (...args) => console.error(...args) },
  })
  receiver.on('customer.created', async (event) => {
    process.stdout.write(`START ${event.id} ${Date.now()}\n`)
    if (HANDLER_MS > 0) await new Promise((resolve) => setTimeout(resolve, HANDLER_MS))
    // One write to a pipe, synchronous on Linux: a SIGKILL cannot leave half a line.
    process.stdout.write(`DONE ${event.id} ${Date.now()}\n`)
  })
  return { receiver, queue, close: async () => Promise.all([queue.close(), dedup.close()]) }
}
