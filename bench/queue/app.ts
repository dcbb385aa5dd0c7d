/**
 * The receiver of the queue benchmark, as its web and worker processes build it from the environment:
 * MODE `inline` (handlers run in the request; Redis dedup store) or `queue` (BullMQ on BACKEND `redis` or
 * `postgres`, the dedup store on the same server); BACKEND_URL; HANDLER_MS, how long the handler takes; NAME, the
 * queue name and dedup namespace (one per configuration, so no two share state).
 */
import { Redis } from 'ioredis'
import pg from 'pg'
import { createReceiver, type DedupStore, type EventQueue } from 'webhook-receiver'
import { stripe } from 'webhook-receiver/providers/stripe'
import { bullmqQueue, type BullmqEventQueue } from 'webhook-receiver/queues/bullmq'
import { postgresStore } from 'webhook-receiver/stores/postgres'
import { redisStore } from 'webhook-receiver/stores/redis'
import { queueConnection, type QueueBackendName } from '../../test/support/queue-backend.js'
import { STRIPE_SECRET } from '../support/deliveries.js'

const { MODE, BACKEND_URL = '', NAME = 'bench' } = process.env
const BACKEND = (process.env.BACKEND ?? 'redis') as QueueBackendName
const HANDLER_MS = Number(process.env.HANDLER_MS ?? 0)

function dedupStore(): DedupStore {
  if (BACKEND === 'postgres')
    return postgresStore({ pool: new pg.Pool({ connectionString: BACKEND_URL, max: 16 }) })
  // Auto-pipelining sends the commands of concurrent deliveries in one write: what a busy app server should use.
  return redisStore({ client: new Redis(BACKEND_URL, { enableAutoPipelining: true }) })
}

/**
 * The receiver, its queue in queue mode, and `onStored`, called once per job the queue stored (the web process
 * counts those, as the inline one counts handler runs). `handled` is called after each handler run.
 */
export function createBenchReceiver(handled: () => void, onStored: () => void = () => undefined) {
  const queue: BullmqEventQueue | undefined =
    MODE === 'queue' ? bullmqQueue({ ...queueConnection(BACKEND, BACKEND_URL), name: NAME }) : undefined
  const receiver = createReceiver({
    provider: stripe({ secret: STRIPE_SECRET }),
    store: dedupStore(),
    namespace: NAME,
    queue: queue && counting(queue, onStored),
  })
  receiver.onAny(async () => {
    if (HANDLER_MS > 0) await new Promise((resolve) => setTimeout(resolve, HANDLER_MS))
    handled()
  })
  return { receiver, queue }
}

/** The same queue, calling `onStored` after each job it stored. */
function counting(queue: EventQueue, onStored: () => void): EventQueue {
  return {
    adopt: (context) => queue.adopt(context),
    enqueue: async (jobId, event) => {
      await queue.enqueue(jobId, event)
      onStored()
    },
    work: (process, options) => queue.work(process, options),
    failed: (range) => queue.failed(range),
    retry: (jobId) => queue.retry(jobId),
    close: () => queue.close(),
  }
}
