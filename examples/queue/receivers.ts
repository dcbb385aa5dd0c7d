/**
 * The receivers both processes of this app build, from this one module: Stripe and GitHub webhooks, deduplicated
 * in Redis and queued in BullMQ on the same Redis. The web process (web.ts) only stores each event as a job and
 * answers; the worker process (worker.ts) runs the handlers below. Run it: see examples/README.md.
 */
import { Redis, type RedisOptions } from 'ioredis'
import { createReceiver } from 'webhook-receiver'
import { github } from 'webhook-receiver/providers/github'
import { stripe } from 'webhook-receiver/providers/stripe'
import { bullmqQueue } from 'webhook-receiver/queues/bullmq'
import { redisStore } from 'webhook-receiver/stores/redis'

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const redis: RedisOptions = {
  host: url.hostname,
  port: Number(url.port || 6379),
  username: url.username || undefined,
  password: url.password || undefined,
}

// Fail fast while Redis is down: the delivery is answered 503 and the sender retries it.
const client = new Redis({ ...redis, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
client.on('error', (error) => console.error(`redis: ${error.message}`)) // it reconnects by itself

// One queue per receiver. BullMQ opens its own connections from these options (and closes them in close()).
const paymentsQueue = bullmqQueue({ connection: redis })
const repositoryQueue = bullmqQueue({ connection: redis })

// A missing or empty secret throws here, at start-up, rather than at the first delivery.
export const payments = createReceiver({
  provider: stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET! }),
  store: redisStore({ client }),
  queue: paymentsQueue,
})
payments.on('payment_intent.succeeded', async (event) => {
  const { id, amount, currency } = event.payload.data.object // typed: Stripe.PaymentIntent
  // A job runs at least once: if this process dies after the work but before BullMQ records it, it runs again.
  // So make the work idempotent, keyed by the event (or the object) id, e.g. an upsert on `id`.
  console.log(`handled stripe ${event.type} ${event.id} (${id}: ${amount} ${currency})`)
})

export const repository = createReceiver({
  provider: github({ secret: process.env.GITHUB_WEBHOOK_SECRET! }),
  store: redisStore({ client }),
  queue: repositoryQueue,
})
repository.on('issues.opened', (event) => {
  const { number, title } = event.payload.issue // typed from @octokit/openapi-webhooks-types
  console.log(`handled github ${event.type} ${event.id} (#${number} ${title})`)
})

/** Closes the queues' and the store's connections: the last step of a shutdown. */
export async function closeConnections(): Promise<void> {
  await Promise.all([paymentsQueue.close(), repositoryQueue.close()])
  await client.quit()
}
